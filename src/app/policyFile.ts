import { readFileSync } from 'node:fs';
import type { Policy } from '../domain/policy/schema';
import { loadPolicy } from '../domain/policy/loadPolicy';

/** Reads and validates the policy file; every problem is listed in one message. */
export function readPolicyFile(path: string): { ok: true; policy: Policy } | { ok: false; message: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, message: `runwarden cannot start: WARDEN_POLICY file ${path} cannot be read (${code ?? 'error'}).` };
  }
  const loaded = loadPolicy(text);
  if (!loaded.ok) {
    return { ok: false, message: `runwarden cannot start: the policy file ${path} is invalid:\n  - ${loaded.problems.join('\n  - ')}` };
  }
  return { ok: true, policy: loaded.policy };
}

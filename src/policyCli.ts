/**
 * `npm run policy -- …`: the policy file checked before it is deployed, by its
 * authors and in their own CI. Reads files only; talks to nothing.
 *
 *   policy check <file> [--groups <groups.yaml>] [--strict]
 *
 * `check` loads the file exactly as runwarden does at start-up (loadPolicy:
 * every problem with its path, exit 1) and then prints the warnings of
 * src/domain/policy/warnings.ts (a rule shadowed by an earlier one, people who
 * could never be approved, an empty or unused approver group); with
 * `--strict`, a warning fails too (exit 1). Slack user groups (S…) are looked
 * up by runwarden when it runs; here their members may be given in a YAML file
 * (`S0SECURITY: [U0DAVE, U0CAROL]`) so the checks can look inside them.
 * Exit codes: 0 valid, 1 invalid (or a warning with --strict), 2 wrong usage.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadPolicy } from './domain/policy/loadPolicy';
import { SLACK_GROUP_ID, SLACK_USER_ID, type Policy } from './domain/policy/schema';
import { policyWarnings, type KnownUserGroups } from './domain/policy/warnings';

export const POLICY_USAGE = `usage: npm run policy -- check <policy.yaml> [--groups <groups.yaml>] [--strict]
  check   validate the file as runwarden does at start-up, then warn about what is legal but likely wrong
  --groups  members of Slack user groups, as YAML: "S0SECURITY: [U0DAVE, U0CAROL]"
  --strict  a warning fails the check too (exit 1)`;

export interface PolicyCliIo {
  out(line: string): void;
  err(line: string): void;
}

const groupsFile = z.record(
  z.string().regex(SLACK_GROUP_ID, 'is not a Slack user-group ID (S…)'),
  z.array(z.string().regex(SLACK_USER_ID, 'is not a Slack user ID (U…/W…)')),
);

class UsageError extends Error {}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: PolicyCliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h') {
      io.out(POLICY_USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'check') return check(rest, io);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`policy: ${error.message}\n${POLICY_USAGE}`);
      return 2;
    }
    io.err(`policy: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function check(words: string[], io: PolicyCliIo): number {
  const { positionals, flags } = parseWords(words, ['--groups'], ['--strict']);
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError('check takes one policy file');
  const policy = readPolicy(file, io);
  if (!policy) return 1;
  const groups = flags['--groups'] === undefined ? {} : readGroups(flags['--groups']);
  const warnings = policyWarnings(policy, groups);
  // the file's own rules (not the one derived from its posture section)
  const written = policy.rules.filter((rule) => rule.kind !== 'convert').length;
  io.out(
    `${file}: valid — ${written} rule${written === 1 ? '' : 's'}, ${Object.keys(policy.approverGroups).length} approver group(s)${warnings.length ? `, ${warnings.length} warning(s)` : ''}`,
  );
  for (const w of warnings) io.out(`  warning ${w.path}: ${w.message} [${w.code}]`);
  return warnings.length > 0 && flags['--strict'] !== undefined ? 1 : 0;
}

/** The policy in `file`, or undefined after printing every problem (as runwarden's start-up would). */
function readPolicy(file: string, io: PolicyCliIo): Policy | undefined {
  const loaded = loadPolicy(readText(file));
  if (loaded.ok) return loaded.policy;
  io.out(`${file}: invalid — ${loaded.problems.length} problem(s); runwarden would refuse to start:`);
  for (const problem of loaded.problems) io.out(`  - ${problem}`);
  return undefined;
}

function readGroups(file: string): KnownUserGroups {
  const parsed = groupsFile.safeParse(parse(readText(file)) ?? {});
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'} ${i.message}`).join('; ')}`);
  return parsed.data;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** `--flag value` / `--flag=value` for `valued`, bare `--flag` for `bare`; anything else starting with -- is a usage error. */
function parseWords(
  words: string[],
  valued: string[],
  bare: string[],
): { positionals: string[]; flags: Record<string, string | undefined> } {
  const positionals: string[] = [];
  const flags: Record<string, string | undefined> = {};
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const [flag, inline] = word.startsWith('--') ? (word.split(/=(.*)/s) as [string, string | undefined]) : [word, undefined];
    if (valued.includes(flag)) {
      const value = inline ?? words[(i += 1)];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      flags[flag] = value;
    } else if (bare.includes(flag) && inline === undefined) flags[flag] = '';
    else if (word.startsWith('--')) throw new UsageError(`unknown option ${flag}`);
    else positionals.push(word);
  }
  return { positionals, flags };
}

if (require.main === module) {
  void main(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then((code) => {
    process.exitCode = code;
  });
}

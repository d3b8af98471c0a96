/**
 * docs/policy.md cannot drift from the policy schema (issue 19):
 * - every ```yaml example in the page is checked by the real loader
 *   (loadPolicy): a rule fragment (`- kind: …`) inside a small base policy, a
 *   block of top-level keys over that base, a complete policy as it is; a
 *   block whose first line is `# refused: <text>` must be refused with that text;
 * - every field of the schema (walked from src/domain/policy/schema.ts) has a
 *   row in the page's reference tables, and every row names a real field;
 * - every field is used in at least one example that loads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadPolicy } from '../../../src/domain/policy/loadPolicy';
import { policySchema } from '../../../src/domain/policy/schema';

const page = readFileSync(join(__dirname, '../../../docs/policy.md'), 'utf8');

/** The small policy rule fragments and partial policies are checked in. */
const BASE = {
  defaults: { project: 'acme-prod', region: 'us-central1', kmsLocation: 'global', channel: 'C0APPROVALS' },
  domains: ['acme.example'],
  approverGroups: { platform: ['U0BOB', 'U0CAROL'], security: ['S0SECURITY'] },
  rules: [{ kind: 'invoker', resources: ['projects/acme-prod/locations/*/services/*'], maxDuration: '1h', approvers: 'platform' }],
};

interface Example {
  line: number;
  text: string;
  refused: string | undefined;
  fields: string[];
  policy: unknown;
}

/** Field paths of the schema: `defaults.project`, `rules[].autoApprove.maxDuration`, `rules[].steps[].approvers`, … */
function schemaFields(schema: z.ZodType, path: string): string[] {
  const def = (
    schema as unknown as {
      def: { type: string; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> };
    }
  ).def;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
      return def.innerType ? schemaFields(def.innerType, path) : [];
    case 'pipe':
      return def.in ? schemaFields(def.in, path) : [];
    case 'array':
      return def.element ? schemaFields(def.element, `${path}[]`) : [];
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, field]) => {
        const here = path ? `${path.replace(/\[\]$/, '[]')}.${key}` : key;
        return [here, ...schemaFields(field, here)];
      });
    default:
      return [];
  }
}

/** The field paths a YAML value uses (record keys such as group names are not fields). */
function usedFields(value: unknown, path: string, recordAt: Set<string>): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => usedFields(item, `${path}[]`, recordAt));
  if (typeof value !== 'object' || value === null || recordAt.has(path)) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const here = path ? `${path}.${key}` : key;
    return [here, ...usedFields(inner, here, recordAt)];
  });
}

function examples(): Example[] {
  const found: Example[] = [];
  const fence = /```yaml\n([\s\S]*?)```/g;
  for (let match = fence.exec(page); match; match = fence.exec(page)) {
    const text = match[1] ?? '';
    const line = page.slice(0, match.index).split('\n').length;
    const refused = /^# refused: (.+)\n/.exec(text)?.[1];
    const value: unknown = parse(text);
    const asRules = Array.isArray(value);
    const policy = asRules ? { ...BASE, rules: value } : { ...BASE, ...(value as object) };
    const fields = usedFields(asRules ? { rules: value } : value, '', new Set(['identities', 'approverGroups']));
    found.push({ line, text, refused, fields, policy });
  }
  return found;
}

/** The rows of the `## Reference` section's tables (other tables of the page are not field lists). */
const reference = page.slice(page.indexOf('\n## Reference\n'), page.indexOf('\n## ', page.indexOf('\n## Reference\n') + 1));
const documented = [...reference.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? '');
const fields = schemaFields(policySchema, '');

it('finds the schema fields and the reference rows (the walk itself works)', () => {
  expect(fields).toEqual(
    expect.arrayContaining(['defaults.project', 'rules[].autoApprove.maxDuration', 'rules[].steps[].approvals', 'posture.scope']),
  );
  expect(documented.length).toBeGreaterThan(40);
  expect(examples().length).toBeGreaterThan(15);
});

it.each(examples().map((e) => [e.line, e] as const))('the example at docs/policy.md:%i loads as it says', (_line, example) => {
  const loaded = loadPolicy(JSON.stringify(example.policy));
  if (example.refused === undefined) {
    expect(loaded.ok ? 'loaded' : loaded.problems).toBe('loaded');
  } else {
    expect(loaded.ok ? [] : loaded.problems).toEqual(expect.arrayContaining([expect.stringContaining(example.refused)]));
  }
});

it('documents every field of the schema in the reference tables, and nothing that is not a field', () => {
  const missing = fields.filter((f) => !documented.includes(f));
  const stale = documented.filter((f) => !fields.includes(f));
  expect({ missing, stale }).toEqual({ missing: [], stale: [] });
});

it('uses every field of the schema in at least one example that loads', () => {
  const used = new Set(
    examples()
      .filter((e) => e.refused === undefined)
      .flatMap((e) => e.fields),
  );
  expect(fields.filter((f) => !used.has(f))).toEqual([]);
});

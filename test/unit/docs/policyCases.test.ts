/**
 * docs/policy.md's cases-file example (a ```yaml cases block) cannot drift:
 * it is valid for the cases schema (src/policyDryRun.ts) and every case of it
 * gets its expected decision from examples/policy.yaml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadPolicy } from '../../../src/domain/policy/loadPolicy';
import { casesFileSchema, mismatches, offlineDryRun } from '../../../src/policyDryRun';

const root = join(__dirname, '../../..');
const page = readFileSync(join(root, 'docs/policy.md'), 'utf8');
const blocks = [...page.matchAll(/```yaml cases\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

it('docs/policy.md has a cases example, valid for the schema, and the example policy gives every case its decision', () => {
  expect(blocks).toHaveLength(1);
  const loaded = loadPolicy(readFileSync(join(root, 'examples/policy.yaml'), 'utf8'));
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const groups = parse(readFileSync(join(root, 'examples/groups.yaml'), 'utf8')) as Record<string, string[]>;
  for (const block of blocks) {
    const file = casesFileSchema.parse(parse(block));
    const now = new Date(file.now ?? Date.now());
    const problems = file.cases.flatMap((c) =>
      mismatches(
        c,
        offlineDryRun(loaded.policy, { user: c.user, email: c.email, command: c.command, groups: { ...groups, ...file.groups }, now }),
      ),
    );
    expect(problems).toEqual([]);
  }
});

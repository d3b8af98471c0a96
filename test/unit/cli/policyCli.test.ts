/**
 * `npm run policy -- check` (src/policyCli.ts): the file loaded as runwarden
 * loads it, problems with their paths (exit 1), warnings (exit 0, or 1 with
 * --strict), usage errors (exit 2). The shipped example is clean.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/policyCli';

const root = resolve(__dirname, '../../..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'policy-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
};
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

it('the shipped example policy is valid and, with its user groups, raises no warning', async () => {
  const result = await run('check', join(root, 'examples/policy.yaml'), '--groups', join(root, 'examples/groups.yaml'), '--strict');
  expect(result).toMatchObject({ code: 0, err: '' });
  expect(result.out).toMatch(/examples\/policy\.yaml: valid — 6 rules, 2 approver group\(s\)$/);
});

it('without the user groups it says which groups it could not look inside', async () => {
  const result = await run('check', join(root, 'examples/policy.yaml'));
  expect(result.code).toBe(0);
  expect(result.out).toContain('warning approverGroups: members of the user group S0SECURITY are unknown');
});

it('an invalid policy: every problem with its path, exit 1', async () => {
  const bad = file(
    'bad.yaml',
    'defaults: { channel: C0X }\ndomains: [acme.example]\napproverGroups: { platform: [U0BOB] }\nrules:\n  - { kind: invoker, resources: ["projects/p-1234/locations/*/services/*"], maxDuraton: 1h, approvers: platform, approvals: 2 }\n',
  );
  const result = await run('check', bad);
  expect(result.code).toBe(1);
  expect(result.out).toContain('invalid — ');
  expect(result.out).toContain('rules[0].approvals: 2 approvals needed but group "platform" has only 1 member(s)');
  expect(result.out).toContain('rules[0].maxDuraton: unknown field');
});

it('warnings leave the exit code 0, unless --strict', async () => {
  const shadowed = file(
    'shadowed.yaml',
    `defaults: { channel: C0X }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL] }
rules:
  - { kind: egress, resources: ["projects/p-1234/locations/*/services/*"], approvers: platform }
  - { kind: egress, resources: ["projects/p-1234/locations/*/services/pay-*"], approvers: platform, approvals: 2 }
`,
  );
  const lenient = await run('check', shadowed);
  expect(lenient.code).toBe(0);
  expect(lenient.out).toContain('valid — 2 rules, 1 approver group(s), 1 warning(s)');
  expect(lenient.out).toContain(
    '  warning rules[1]: never applies: every resource it covers falls under rules[0] first (the first matching rule applies) [shadowed]',
  );
  expect((await run('check', shadowed, '--strict')).code).toBe(1);
});

it('wrong usage: a clear line and the usage, exit 2; unreadable files exit 1', async () => {
  expect(await run()).toMatchObject({ code: 2, out: expect.stringContaining('usage: npm run policy -- check') });
  expect(await run('chek', 'x.yaml')).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "chek"') });
  expect(await run('check')).toMatchObject({ code: 2, err: expect.stringContaining('check takes one policy file') });
  expect(await run('check', 'a.yaml', '--colour')).toMatchObject({ code: 2, err: expect.stringContaining('unknown option --colour') });
  expect(await run('check', join(dir, 'absent.yaml'))).toMatchObject({ code: 1, err: expect.stringContaining('cannot read') });
  const groups = file('groups.yaml', 'S0SECURITY: [bob]\n');
  expect(await run('check', join(root, 'examples/policy.yaml'), '--groups', groups)).toMatchObject({
    code: 1,
    err: expect.stringContaining('is not a Slack user ID'),
  });
});

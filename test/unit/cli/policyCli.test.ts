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

describe('explain and test (the dry run of src/policyDryRun.ts)', () => {
  const policy = join(root, 'examples/policy.yaml');
  const groups = join(root, 'examples/groups.yaml');
  const cases = join(root, 'examples/policy.cases.yaml');

  it('the shipped cases file passes against the shipped example policy', async () => {
    const result = await run('test', policy, cases, '--groups', groups);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/policy\.cases\.yaml: (\d+) of \1 case\(s\) as expected$/);
  });

  it('a wrong expectation: each mismatch printed, exit 1', async () => {
    const wrong = file(
      'wrong.cases.yaml',
      `now: 2026-12-01T09:00:00Z
cases:
  - { user: U0ERIN, command: invoker hello 9h debugging, expect: allowed, rule: prod }
  - { name: two steps, user: U0ERIN, command: invoker payments-api 1h OPS-1 refund stuck, expect: allowed, approvers: [platform] }
  - { user: U0ERIN, command: invoker hello 1h x --project acme-dev, expect: refused, refusal: not allowed }
  - { user: U0ERIN, command: invoker hello 1h debugging, expect: allowed }
`,
    );
    const result = await run('test', policy, wrong, '--groups', groups);
    expect(result.code).toBe(1);
    expect(result.out).toContain('✗ cases[0] invoker hello 9h debugging (U0ERIN: invoker hello 9h debugging)');
    expect(result.out).toContain(
      '    expected allowed, got refused under rule invoker#3: 9h is longer than the 8h this rule allows for projects/acme-prod/locations/*/services/*.',
    );
    expect(result.out).toContain('    expected rule prod, got rule invoker#3');
    expect(result.out).toContain('✗ cases[1] two steps');
    expect(result.out).toContain('    expected approvers platform, got platform then security');
    expect(result.out).toContain('    expected the refusal to contain "not allowed", got "No rule in the policy covers');
    expect(result.out).not.toContain('cases[3]');
    expect(result.out).toMatch(/1 of 4 case\(s\) as expected, 3 not$/);
  });

  it('a malformed cases file: every problem with its path, exit 1', async () => {
    const bad = file(
      'bad.cases.yaml',
      `cases:
  - { user: alice, command: invoker hello 1h x, expect: approved }
  - { user: U0ERIN, command: invoker hello 1h x, expect: allowed, refusal: nope, colour: red }
`,
    );
    const result = await run('test', policy, bad);
    expect(result.code).toBe(1);
    expect(result.out).toContain('bad.cases.yaml: invalid — ');
    expect(result.out).toContain('  - cases[0].user: is not a Slack user ID (U…/W…)');
    expect(result.out).toContain('  - cases[0].expect: must be one of allowed, auto-approved, break-glass, refused');
    expect(result.out).toMatch(/ {2}- cases\[1\]: .*colour/);
    expect((await run('test', policy)).code).toBe(2);
  });

  it('a command that does not parse is a failed case, not a crash', async () => {
    const typo = file('typo.cases.yaml', 'cases:\n  - { user: U0ERIN, command: invoker hello 2hrs x, expect: allowed }\n');
    const result = await run('test', policy, typo, '--groups', groups);
    expect(result.code).toBe(1);
    expect(result.out).toContain('    the command does not parse: `2hrs`');
  });

  it('explain: the rule, each step with its people, break-glass; or why it would be refused', async () => {
    const waits = await run('explain', policy, '--user', 'U0BOB', '--groups', groups, 'invoker payments-api 1h OPS-1 refund');
    expect(waits).toMatchObject({ code: 0, err: '' });
    expect(waits.out.split('\n')).toEqual([
      'invoker on projects/acme-prod/locations/us-central1/services/payments-api for 1h, asked by U0BOB',
      'rule:     invoker#2 (rules[1])',
      'outcome:  allowed — waits for approval in C0APPROVALS',
      '  step 1: 1 approval from platform (U0CAROL)',
      '  step 2: 1 approval from security (U0DAVE, U0CAROL)',
      'grants:   roles/run.invoker to user:u0bob@acme.example',
      '(not checked offline: whether the service or key exists, and the requester’s open requests)',
    ]);
    const email = await run('explain', policy, '--user', 'U0BOB', '--email', 'bob@acme.example', '--groups', groups, 'invoker hello 1h x');
    expect(email.out).toContain('grants:   roles/run.invoker to user:bob@acme.example');
    const refused = await run('explain', policy, '--user', 'U0ERIN', 'invoker', 'hello', '9h', 'x');
    expect(refused.out).toContain('outcome:  refused — 9h is longer than the 8h this rule allows');
    const unknown = await run('explain', policy, '--user', 'U0ERIN', 'invoker hello 30m x --break-glass');
    expect(unknown.out).toContain('the members of S0ONCALL are not known here: give them with --groups');
  });

  it('explain: wrong usage exits 2 with a specific line', async () => {
    expect(await run('explain', policy, 'invoker hello 1h x')).toMatchObject({ code: 2, err: expect.stringContaining('needs --user') });
    expect(await run('explain', policy, '--user', 'bob', 'invoker hello 1h x')).toMatchObject({
      code: 2,
      err: expect.stringContaining('not a Slack user ID'),
    });
    expect(await run('explain', policy, '--user', 'U0BOB', 'grant hello 1h x')).toMatchObject({
      code: 2,
      err: expect.stringContaining('`grant` is not a request'),
    });
  });

  it('check warns about a rule whose only requester is its only approver (nobody approves their own request)', async () => {
    const solo = file(
      'solo.yaml',
      `defaults: { channel: C0X }
domains: [acme.example]
approverGroups: { solo: [U0BOB] }
rules:
  - { kind: egress, resources: ["projects/p-1234/locations/*/services/*"], approvers: solo, requesters: [U0BOB] }
`,
    );
    expect((await run('check', solo)).out).toContain(
      'warning rules[0]: no one who may ask under it can be approved: it needs 1 of group "solo", and nobody approves their own request [unapprovable]',
    );
  });
});

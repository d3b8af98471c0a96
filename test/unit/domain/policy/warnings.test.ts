/** The policy CLI's warnings (src/domain/policy/warnings.ts), one plain-English case each. */
import { loadPolicy } from '../../../../src/domain/policy/loadPolicy';
import type { Policy } from '../../../../src/domain/policy/schema';
import { globCovers, policyWarnings } from '../../../../src/domain/policy/warnings';

const policy = (rules: string, groups = 'platform: [U0BOB, U0CAROL]\n  security: [S0SECURITY]'): Policy => {
  const loaded = loadPolicy(`defaults: { project: p-1234, region: us-central1, kmsLocation: global, channel: C0APPROVALS }
domains: [acme.example]
approverGroups:
  ${groups}
rules:
${rules}`);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.policy;
};
const SERVICES = 'projects/p-1234/locations/*/services';

it.each([
  ['* covers any name in its segment', `${SERVICES}/*`, `${SERVICES}/payments-*`, true],
  ['a prefix star covers a longer prefix star', `${SERVICES}/pay*`, `${SERVICES}/payments-*`, true],
  ['a narrower star does not cover a wider one', `${SERVICES}/payments-*`, `${SERVICES}/*`, false],
  ['a suffix pattern does not cover a prefix pattern', `${SERVICES}/*-api`, `${SERVICES}/pay*`, false],
  ['a literal covers itself', `${SERVICES}/hello`, `${SERVICES}/hello`, true],
  ['another project is not covered', 'projects/other/locations/*/services/*', `${SERVICES}/*`, false],
  ['** covers deeper names', 'projects/p-1234/**', `${SERVICES}/*`, true],
  ['one depth does not cover **', `${SERVICES}/*`, 'projects/p-1234/**', false],
])('globCovers: %s', (_case, outer, inner, covers) => {
  expect(globCovers(outer, inner)).toBe(covers);
});

it('a rule after a broader rule of the same kind never applies; a partly covered glob is named', () => {
  const warnings = policyWarnings(
    policy(
      `  - { kind: invoker, resources: ["${SERVICES}/*"], maxDuration: 1h, approvers: platform }
  - { kind: invoker, resources: ["${SERVICES}/payments-*"], maxDuration: 4h, approvers: platform }
  - { kind: egress, resources: ["${SERVICES}/payments-*"], approvers: platform }
  - { kind: egress, resources: ["${SERVICES}/payments-api", "${SERVICES}/www"], approvers: platform }`,
      'platform: [U0BOB, U0CAROL]',
    ),
  );
  expect(warnings.filter((w) => w.code === 'shadowed')).toEqual([
    {
      code: 'shadowed',
      path: 'rules[1]',
      message: expect.stringContaining('never applies: every resource it covers falls under rules[0] first'),
    },
    { code: 'shadowed', path: 'rules[3].resources[0]', message: expect.stringContaining('is covered by rules[2]') },
  ]);
});

it('a narrower rule before a broader one is fine (the usual order)', () => {
  const warnings = policyWarnings(
    policy(
      `  - { kind: invoker, resources: ["${SERVICES}/payments-*"], maxDuration: 4h, approvers: platform }
  - { kind: invoker, resources: ["${SERVICES}/*"], maxDuration: 1h, approvers: platform }`,
      'platform: [U0BOB, U0CAROL]',
    ),
  );
  expect(warnings).toEqual([]);
});

it('people who may ask but could never be approved: the only approver asking, or steps without enough distinct people', () => {
  const onlyBob = policyWarnings(
    policy(`  - { kind: invoker, resources: ["${SERVICES}/*"], maxDuration: 1h, approvers: solo, requesters: [U0BOB] }`, 'solo: [U0BOB]'),
  );
  expect(onlyBob).toEqual([
    {
      code: 'unapprovable',
      path: 'rules[0]',
      message: 'no one who may ask under it can be approved: it needs 1 of group "solo", and nobody approves their own request',
    },
  ]);

  const some = policyWarnings(
    policy(
      `  - { kind: invoker, resources: ["${SERVICES}/*"], maxDuration: 1h, approvers: platform, approvals: 2, requesters: [U0BOB, U0ALICE] }`,
      'platform: [U0BOB, U0CAROL]',
    ),
  );
  expect(some).toEqual([
    {
      code: 'unapprovable',
      path: 'rules[0]',
      message: expect.stringMatching(/^U0BOB may ask under it but could never be approved: it needs 2 of group "platform"/),
    },
  ]);

  // two steps share Carol: with 1 + 1 approvals Bob and Carol suffice for Alice; a requester Carol leaves only Bob
  const steps = `  - kind: invoker
    resources: ["${SERVICES}/*"]
    maxDuration: 1h
    requesters: [U0ALICE, U0CAROL]
    steps: [{ approvers: platform }, { approvers: sec }]`;
  expect(policyWarnings(policy(steps, 'platform: [U0BOB, U0CAROL]\n  sec: [U0CAROL]'))).toEqual([
    {
      code: 'unapprovable',
      path: 'rules[0]',
      message: expect.stringMatching(
        /^U0CAROL may ask under it but could never be approved: step 1 needs 1 of group "platform", step 2 needs 1 of group "sec"/,
      ),
    },
  ]);
  // exact, not greedy: step 1 may take Bob or Carol, step 2 only Carol — Alice is approvable
  expect(policyWarnings(policy(steps.replace('[U0ALICE, U0CAROL]', '[U0ALICE]'), 'platform: [U0BOB, U0CAROL]\n  sec: [U0CAROL]'))).toEqual(
    [],
  );
});

it('user groups: unknown ones are said to be unchecked; given members, an empty group and unapprovable rules are found', () => {
  const rules = `  - { kind: rotate, resources: ["projects/p-1234/locations/global/keyRings/*/cryptoKeys/*"], approvers: security }`;
  expect(policyWarnings(policy(rules, 'security: [S0SECURITY]'))).toEqual([
    {
      code: 'unresolved_group',
      path: 'approverGroups',
      message: expect.stringContaining('members of the user group S0SECURITY are unknown'),
    },
  ]);
  expect(policyWarnings(policy(rules, 'security: [S0SECURITY]'), { S0SECURITY: [] })).toEqual([
    { code: 'unapprovable', path: 'rules[0]', message: 'no request under it can be approved: it needs 1 of group "security"' },
    { code: 'empty_group', path: 'approverGroups.security', message: expect.stringContaining('has no member') },
  ]);
  expect(policyWarnings(policy(rules, 'security: [S0SECURITY]'), { S0SECURITY: ['U0DAVE'] })).toEqual([]);
});

it('an approver group no rule names', () => {
  const warnings = policyWarnings(
    policy(`  - { kind: egress, resources: ["${SERVICES}/*"], approvers: platform }`, 'platform: [U0BOB]\n  spare: [U0CAROL]'),
  );
  expect(warnings).toEqual([{ code: 'unused_group', path: 'approverGroups.spare', message: 'no rule names it' }]);
});

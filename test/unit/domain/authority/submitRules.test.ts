/**
 * The submit decision on the rules' plain fields (which rule, who may ask,
 * roles, members, durations, rotation periods), with the texts people see.
 */
import { approverIds, findRule, groupsToGather as groupsToResolve } from '../../../../src/domain/authority';
import { evaluateRequest, type GroupMembers, type RequestInput } from './evaluateShim';
import { policyFrom, SPEC_POLICY_YAML } from '../policy/specPolicy';

const isApprover = (policy: Parameters<typeof approverIds>[0], group: string, user: string, members: GroupMembers): boolean =>
  approverIds(policy, group, members).includes(user);

const spec = policyFrom(SPEC_POLICY_YAML);

const policy = policyFrom(`
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups:
  platform: [U0BOB, U0CAROL, S0SRE]
  security: [S0SECURITY]
rules:
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/payments-*"]
    roles: [roles/run.invoker, roles/run.viewer]
    members: [self, serviceAccount]
    maxDuration: 2h
    minDuration: 10m
    approvers: security
    approvals: 2
    requesters: [S0PAYMENTS, U0DAVE]
    channel: C0SECURITY
  - kind: invoker
    resources: ["projects/acme-prod/**"]
    maxDuration: 8h
    approvers: platform
  - kind: egress
    resources: ["projects/acme-prod/locations/*/services/*"]
    maxDuration: 4h
    approvers: platform
  - kind: ingress
    resources: ["projects/acme-prod/locations/*/services/*"]
    minDuration: 1h
    approvers: platform
  - kind: rotate
    resources: ["projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
`);

const groups: GroupMembers = new Map([
  ['S0PAYMENTS', ['U0ERIN']],
  ['S0SRE', ['U0CAROL', 'U0FRANK']],
  ['S0SECURITY', ['U0GRACE', 'U0HEIDI']],
]);

const payments = 'projects/acme-prod/locations/us-central1/services/payments-api';
const billing = 'projects/acme-prod/locations/us-central1/services/billing';
const key = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/payments';

describe('findRule', () => {
  test.each([
    ['the first matching rule wins over a later, broader one', 'invoker', payments, 0],
    ['a later rule matches when the first does not', 'invoker', billing, 1],
    ['the kind must match as well as the resource', 'egress', payments, 2],
    ['a key matches the rotate rule', 'rotate', key, 4],
  ] as const)('%s', (_description, kind, target, index) => {
    expect(findRule(policy, kind, target)).toMatchObject({ index, rule: policy.rules[index] });
  });

  test('returns the glob that matched', () => {
    expect(findRule(policy, 'invoker', billing)?.glob).toBe('projects/acme-prod/**');
  });

  test('is undefined when no rule of that kind covers the resource', () => {
    expect(findRule(policy, 'rotate', payments)).toBeUndefined();
    expect(findRule(policy, 'egress', 'projects/acme-stage/locations/us-central1/services/x')).toBeUndefined();
  });
});

describe('evaluateRequest', () => {
  const ask = (input: Partial<RequestInput>) =>
    evaluateRequest(
      policy,
      { kind: 'invoker', target: billing, requester: 'U0ZOE', requesterMember: 'user:zoe@acme.example', durationSeconds: 3600, ...input },
      groups,
    );

  test.each([
    [
      'anyone may ask under a "*" rule',
      {},
      {
        ruleIndex: 1,
        approverGroup: 'platform',
        approvalsRequired: 1,
        channel: 'C0APPROVALS',
        role: 'roles/run.invoker',
        member: 'user:zoe@acme.example',
      },
    ],
    ['their own identity named explicitly (self), in any case', { member: 'user:Zoe@ACME.example' }, { member: 'user:zoe@acme.example' }],
    [
      'a service account where the rule lists serviceAccount',
      { target: payments, requester: 'U0DAVE', member: 'serviceAccount:ci@acme.example' },
      { member: 'serviceAccount:ci@acme.example' },
    ],
    [
      'a rotation period within the default 90d',
      { kind: 'rotate', target: key, durationSeconds: undefined, rotationPeriodSeconds: 90 * 86_400 },
      { ruleIndex: 4 },
    ],
    [
      'a listed requester may ask',
      { target: payments, requester: 'U0DAVE', durationSeconds: 3600 },
      { ruleIndex: 0, approverGroup: 'security', approvalsRequired: 2, channel: 'C0SECURITY' },
    ],
    ['a member of a requester user group may ask', { target: payments, requester: 'U0ERIN', durationSeconds: 3600 }, { ruleIndex: 0 }],
    ['another role the rule allows', { target: payments, requester: 'U0DAVE', role: 'roles/run.viewer' }, { role: 'roles/run.viewer' }],
    ['exactly the maximum duration', { durationSeconds: 8 * 3600 }, { ruleIndex: 1 }],
    ['exactly the minimum duration', { target: payments, requester: 'U0DAVE', durationSeconds: 600 }, { ruleIndex: 0 }],
    [
      'a temporary egress change within bounds',
      { kind: 'egress', target: payments, durationSeconds: 3600 },
      { ruleIndex: 2, role: undefined },
    ],
    [
      'a permanent ingress change when the rule sets no maximum',
      { kind: 'ingress', target: payments, durationSeconds: undefined },
      { ruleIndex: 3 },
    ],
    ['a key rotation', { kind: 'rotate', target: key, durationSeconds: undefined }, { ruleIndex: 4, approverGroup: 'security' }],
  ] as const)('allows %s', (_description, input, decision) => {
    expect(ask(input)).toMatchObject({ allowed: true, ...decision });
  });

  test.each([
    [
      'no rule covers the target',
      { kind: 'rotate', target: payments, durationSeconds: undefined },
      'no_matching_rule',
      `No rule in the policy covers rotate requests for ${payments}, so it cannot be requested.`,
    ],
    [
      'the requester is not listed',
      { target: payments, requester: 'U0ZOE' },
      'not_a_requester',
      'You are not among the people this policy lets make invoker requests for projects/acme-prod/locations/*/services/payments-*.',
    ],
    [
      'the requester group is not resolved',
      { target: payments, requester: 'U0FRANK' },
      'not_a_requester',
      'You are not among the people this policy lets make invoker requests for projects/acme-prod/locations/*/services/payments-*.',
    ],
    [
      'a role the rule does not grant',
      { role: 'roles/run.admin' },
      'role_not_allowed',
      'roles/run.admin is not a role this policy grants for projects/acme-prod/**: ask for roles/run.invoker.',
    ],
    [
      'a role on an egress request',
      { kind: 'egress', target: payments, role: 'roles/run.invoker' },
      'role_not_allowed',
      'Only invoker requests take a role; egress requests do not.',
    ],
    [
      'a duration longer than the rule allows',
      { durationSeconds: 2 * 86_400 },
      'duration_too_long',
      '2d is longer than the 8h this rule allows for projects/acme-prod/**.',
    ],
    [
      'a duration shorter than the rule requires',
      { target: payments, requester: 'U0DAVE', durationSeconds: 300 },
      'duration_too_short',
      '5m is shorter than the 10m this rule requires for projects/acme-prod/locations/*/services/payments-*.',
    ],
    [
      'an invoker request without duration',
      { durationSeconds: undefined },
      'duration_required',
      'Access to projects/acme-prod/** is time-bound: give a duration of at most 8h.',
    ],
    [
      'a permanent egress change when the rule sets a maximum',
      { kind: 'egress', target: payments, durationSeconds: undefined },
      'duration_required',
      'egress changes to projects/acme-prod/locations/*/services/* must be temporary: give a duration of at most 4h.',
    ],
    [
      'an egress change past the maximum',
      { kind: 'egress', target: payments, durationSeconds: 5 * 3600 },
      'duration_too_long',
      '5h is longer than the 4h this rule allows for projects/acme-prod/locations/*/services/*.',
    ],
    [
      'an ingress change under the minimum',
      { kind: 'ingress', target: payments, durationSeconds: 1800 },
      'duration_too_short',
      '30m is shorter than the 1h this rule requires for projects/acme-prod/locations/*/services/*.',
    ],
    // SPEC §5 members: default [self]. Approving a grant to someone else's identity was how an approver approved their own access.
    [
      'another user under a rule that grants only to self',
      { member: 'user:bob@acme.example' },
      'member_not_allowed',
      'This rule grants access only to your own identity, so user:bob@acme.example cannot be granted it.',
    ],
    [
      'a group under a rule without group',
      { target: payments, requester: 'U0DAVE', member: 'group:ops@acme.example' },
      'member_not_allowed',
      'This rule grants access only to your own identity or service accounts, so group:ops@acme.example cannot be granted it.',
    ],
    [
      'a member outside the domains',
      { target: payments, requester: 'U0DAVE', member: 'serviceAccount:ci@evil.example' },
      'member_outside_domains',
      "serviceAccount:ci@evil.example is outside the policy's domains: acme.example (service accounts need their evil.example domain listed there).",
    ],
    [
      'runwarden knows no identity of the requester',
      { requesterMember: undefined },
      'identity_unknown',
      "runwarden does not know your Google account: your Slack profile shows no email and the policy's identities map has no entry for you.",
    ],
    [
      'a rotation period over the default 90d',
      { kind: 'rotate', target: key, durationSeconds: undefined, rotationPeriodSeconds: 91 * 86_400 },
      'rotation_period_too_long',
      'A rotation period of 91d is longer than the 90d this rule allows.',
    ],
    [
      'a rotation with a duration',
      { kind: 'rotate', target: key, durationSeconds: 3600 },
      'duration_not_allowed',
      'Key rotation is permanent: it takes no duration.',
    ],
  ] as const)('denies when %s', (_description, input, reason, message) => {
    expect(ask(input)).toEqual({ allowed: false, reason, message });
  });

  test('checks the requester before the role and the duration', () => {
    expect(ask({ target: payments, requester: 'U0ZOE', role: 'roles/owner', durationSeconds: 99 * 86_400 })).toMatchObject({
      reason: 'not_a_requester',
    });
  });

  test('the SPEC example: 2 of platform for payments-* egress, 1 of platform for invoker in C0PLATFORM', () => {
    const egress = evaluateRequest(spec, { kind: 'egress', target: payments, requester: 'U0ALICE' }, new Map());
    const invoker = evaluateRequest(
      spec,
      { kind: 'invoker', target: billing, requester: 'U0ALICE', requesterMember: 'user:alice@acme.example', durationSeconds: 3600 },
      new Map(),
    );
    expect(egress).toMatchObject({ allowed: true, approvalsRequired: 2, approverGroup: 'platform', channel: 'C0APPROVALS' });
    expect(invoker).toMatchObject({ allowed: true, approvalsRequired: 1, approverGroup: 'platform', channel: 'C0PLATFORM' });
  });
});

describe('approvers', () => {
  test('approverIds expands user groups and lists each user once, in policy order', () => {
    expect(approverIds(policy, 'platform', groups)).toEqual(['U0BOB', 'U0CAROL', 'U0FRANK']);
  });

  test('approverIds of an unresolved user group is empty', () => {
    expect(approverIds(policy, 'security', new Map())).toEqual([]);
  });

  test('approverIds of an unknown group is empty, even one named like an Object method', () => {
    expect(approverIds(policy, 'nope', groups)).toEqual([]);
    expect(approverIds(policy, 'constructor', groups)).toEqual([]);
    expect(approverIds(policy, '__proto__', groups)).toEqual([]);
  });

  test.each([
    ['a listed user', 'platform', 'U0BOB', true],
    ['a user through a user group', 'platform', 'U0FRANK', true],
    ['a user of another group', 'security', 'U0BOB', false],
    ['a user group id itself', 'platform', 'S0SRE', false],
  ])('isApprover: %s', (_description, group, user, expected) => {
    expect(isApprover(policy, group, user, groups)).toBe(expected);
  });

  test('groupsToResolve for one rule: its approver group and requester user groups', () => {
    expect(groupsToResolve(policy, policy.rules[0])).toEqual(['S0SECURITY', 'S0PAYMENTS']);
    expect(groupsToResolve(policy, policy.rules[1])).toEqual(['S0SRE']);
  });

  test('groupsToResolve for the whole policy, each once', () => {
    expect(groupsToResolve(policy)).toEqual(['S0SRE', 'S0SECURITY', 'S0PAYMENTS']);
  });
});

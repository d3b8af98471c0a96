/**
 * evaluateRequest with the rule fields of policy power: justification rules,
 * auto-approval, break-glass and scheduled starts. One plain-English line per case.
 */
import { FactReader, groupsToGather as groupsToResolve } from '../../../../src/domain/authority';
import { qualifiesForAuto } from '../../../../src/domain/authority/standing';
import type { Rule } from '../../../../src/domain/policy/schema';
import { evaluateRequest, type GroupMembers, type RequestInput } from './evaluateShim';
import { policyFrom } from '../policy/specPolicy';

const qualifiesForAutoApproval = (
  rule: Pick<Rule, 'autoApprove'>,
  requester: string,
  seconds: number | undefined,
  members: GroupMembers,
): boolean =>
  qualifiesForAuto(
    new FactReader(policy, { groupMembers: members, emails: new Map() }),
    { ...(policy.rules[0] as Rule), ...rule },
    requester,
    seconds,
  );

const policy = policyFrom(`
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL], security: [S0SECURITY] }
rules:
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    maxDuration: 8h
    requesters: [S0ENG, U0ALICE]
    reason: { pattern: "^[A-Z]+-[0-9]+ ", hint: "start with the ticket id, e.g. OPS-123", minLength: 10 }
    autoApprove: { requesters: [S0ONCALL], maxDuration: 1h }
    breakGlass: { requesters: [S0ONCALL], maxDuration: 2h }
    maxStartDelay: 2d
    steps: [{ approvers: platform }, { approvers: security }]
  - kind: egress
    resources: ["projects/acme-stage/locations/*/services/*"]
    approvers: platform
    requesters: [U0ALICE, U0ERIN]
    autoApprove: { requesters: [U0ALICE], maxDuration: 4h }
    breakGlass: { maxDuration: 1h }
  - kind: rotate
    resources: ["projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
`);

const groups: GroupMembers = new Map([
  ['S0ENG', ['U0ALICE', 'U0ERIN', 'U0OSCAR']],
  ['S0ONCALL', ['U0OSCAR']],
  ['S0SECURITY', ['U0DAVE']],
]);

const prod = 'projects/acme-prod/locations/us-central1/services/api';
const stage = 'projects/acme-stage/locations/us-central1/services/api';
const key = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/k';
const ask = (input: Partial<RequestInput>) =>
  evaluateRequest(
    policy,
    {
      kind: 'invoker',
      target: prod,
      requester: 'U0ERIN',
      requesterMember: 'user:erin@acme.example',
      durationSeconds: 3600,
      reason: 'OPS-1 checking logs',
      ...input,
    },
    groups,
  );

describe('evaluateRequest: how an allowed request proceeds', () => {
  test.each([
    ['a requester outside autoApprove needs approval', {}, 'approval'],
    ['an on-call member within autoApprove.maxDuration is auto-approved', { requester: 'U0OSCAR' }, 'auto'],
    ['an on-call member at exactly autoApprove.maxDuration is auto-approved', { requester: 'U0OSCAR', durationSeconds: 3600 }, 'auto'],
    [
      'an on-call member asking longer than autoApprove.maxDuration needs approval',
      { requester: 'U0OSCAR', durationSeconds: 3601 },
      'approval',
    ],
    [
      '--break-glass by an on-call member within breakGlass.maxDuration',
      { requester: 'U0OSCAR', breakGlass: true, durationSeconds: 7200 },
      'break_glass',
    ],
    [
      "--break-glass by a user named in the rule's requesters when breakGlass names none",
      { kind: 'egress', target: stage, requester: 'U0ERIN', breakGlass: true },
      'break_glass',
    ],
    [
      'a listed user on the staging egress rule within its autoApprove',
      { kind: 'egress', target: stage, requester: 'U0ALICE', durationSeconds: 4 * 3600 },
      'auto',
    ],
    [
      'a permanent egress change is never auto-approved',
      { kind: 'egress', target: stage, requester: 'U0ALICE', durationSeconds: undefined },
      'approval',
    ],
    ['a scheduled grant within maxStartDelay', { startDelaySeconds: 2 * 86_400 }, 'approval'],
  ] as const)('%s', (_description, input, mode) => {
    expect(ask(input)).toMatchObject({ allowed: true, mode });
  });
});

describe('evaluateRequest: refusals of policy power', () => {
  test.each([
    [
      'a reason without the ticket id, with the hint',
      { reason: 'checking the logs' },
      'reason_rejected',
      'The reason does not have the form this rule requires. Hint: start with the ticket id, e.g. OPS-123',
    ],
    [
      'a reason that is too short, with the hint',
      { reason: 'OPS-1 x' },
      'reason_rejected',
      'The reason is 7 character(s) long; this rule needs at least 10. Hint: start with the ticket id, e.g. OPS-123',
    ],
    [
      '--break-glass on a rule without breakGlass',
      { kind: 'rotate', target: key, durationSeconds: undefined, breakGlass: true },
      'break_glass_not_allowed',
      'Key rotations cannot be done with --break-glass.',
    ],
    [
      '--break-glass by someone who is not a break-glass requester',
      { breakGlass: true },
      'not_a_break_glass_requester',
      'You are not among the people this policy lets use --break-glass for projects/acme-prod/locations/*/services/*.',
    ],
    [
      '--break-glass for longer than breakGlass.maxDuration',
      { requester: 'U0OSCAR', breakGlass: true, durationSeconds: 7201 },
      'break_glass_too_long',
      '2h1s is longer than the 2h this rule allows with --break-glass for projects/acme-prod/locations/*/services/*.',
    ],
    [
      '--break-glass without a duration',
      { kind: 'egress', target: stage, requester: 'U0ALICE', breakGlass: true, durationSeconds: undefined },
      'duration_required',
      'Break-glass access is always time-bound: give a duration of at most 1h.',
    ],
    [
      '--break-glass by someone outside the default (rule) requesters',
      { kind: 'egress', target: stage, requester: 'U0OSCAR', breakGlass: true },
      'not_a_break_glass_requester',
      'You are not among the people this policy lets use --break-glass for projects/acme-stage/locations/*/services/*.',
    ],
    [
      'a start further ahead than maxStartDelay',
      { startDelaySeconds: 2 * 86_400 + 1 },
      'start_too_late',
      'The start is more than the 2d ahead this rule allows for scheduled grants.',
    ],
    [
      '--start on an egress change',
      { kind: 'egress', target: stage, requester: 'U0ALICE', startDelaySeconds: 60 },
      'start_not_allowed',
      'Only invoker grants can be scheduled with --start.',
    ],
    [
      '--start with --break-glass',
      { requester: 'U0OSCAR', breakGlass: true, startDelaySeconds: 60 },
      'start_not_allowed',
      'Break-glass access starts now: --break-glass takes no --start.',
    ],
  ] as const)('%s', (_description, input, reason, message) => {
    expect(ask(input)).toEqual({ allowed: false, reason, message });
  });

  test('the reason is checked after who and how long: a too-long request is refused for its duration first', () => {
    expect(ask({ durationSeconds: 9 * 3600, reason: 'no ticket' })).toMatchObject({ reason: 'duration_too_long' });
  });
});

describe('qualifiesForAutoApproval (also used for extensions)', () => {
  const rule = policy.rules[0] ?? policy.rules[1];
  test.each([
    ['a member of the on-call user group, within the limit', 'U0OSCAR', 1800, true],
    ['a member of the on-call user group, over the limit', 'U0OSCAR', 3601, false],
    ['someone outside the on-call user group', 'U0ERIN', 60, false],
    ['no duration (a permanent change) never qualifies', 'U0OSCAR', undefined, false],
  ] as const)('%s', (_description, requester, seconds, expected) => {
    expect(qualifiesForAutoApproval(rule!, requester, seconds, groups)).toBe(expected);
  });

  test('a rule without autoApprove never qualifies', () => {
    expect(qualifiesForAutoApproval({ autoApprove: undefined }, 'U0OSCAR', 60, groups)).toBe(false);
  });
});

test('groupsToResolve covers every step, autoApprove and breakGlass requesters', () => {
  expect(groupsToResolve(policy, policy.rules[0]).sort()).toEqual(['S0ENG', 'S0ONCALL', 'S0SECURITY']);
});

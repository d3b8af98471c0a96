/**
 * The authority decision as a table: every moment × every rule shape
 * (approvers/approvals, steps, autoApprove, breakGlass, members self / user /
 * group / serviceAccount, scheduled --start), one plain-English case per row.
 */
import {
  decideAuthority,
  type AuthorityDecision,
  type AuthorityFacts,
  type Grounds,
  type MomentInput,
  type MomentOf,
} from '../../../../src/domain/authority';
import type { AccessRequest, Approval } from '../../../../src/domain/request';
import { policyFrom } from '../policy/specPolicy';
import { KIND_RULES } from '../../../../src/kinds/registry';

const SVC = (name: string) => `projects/acme-prod/locations/us-central1/services/${name}`;
const KEY = 'projects/acme-prod/locations/global/keyRings/run-cmek/cryptoKeys/payments';

const POLICY_YAML = `
defaults: { project: acme-prod, region: us-central1, kmsLocation: global, channel: C0APPROVALS }
domains: [acme.example, acme-prod.iam.gserviceaccount.com]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
  security: [S0SECURITY]
auditors: [U0AUDREY, S0AUDIT]
rules:
  - kind: invoker
    name: plain
    resources: ["projects/acme-prod/locations/*/services/plain-*"]
    maxDuration: 8h
    minDuration: 5m
    approvers: platform
    maxExtensions: 2
    reason: { minLength: 5, hint: "say why" }
  - kind: invoker
    name: pair
    resources: ["projects/acme-prod/locations/*/services/pair-*"]
    maxDuration: 8h
    approvers: platform
    approvals: 2
  - kind: invoker
    name: stepped
    resources: ["projects/acme-prod/locations/*/services/stepped-*"]
    maxDuration: 8h
    steps: [{ approvers: platform }, { approvers: security }]
    autoApprove: { requesters: [U0FRANK], maxDuration: 1h }
    breakGlass: { requesters: [U0ALICE], maxDuration: 1h }
  - kind: invoker
    name: oncall
    resources: ["projects/acme-prod/locations/*/services/oncall-*"]
    maxDuration: 8h
    approvers: platform
    members: [self, user, serviceAccount]
    maxExtensions: 5
    autoApprove: { requesters: [S0ONCALL], maxDuration: 1h }
    breakGlass: { requesters: [S0ONCALL], maxDuration: 2h }
  - kind: invoker
    name: groups
    resources: ["projects/acme-prod/locations/*/services/groups-*"]
    maxDuration: 8h
    approvers: platform
    approvals: 2
    members: [self, group]
  - kind: egress
    resources: ["projects/acme-prod/locations/*/services/*"]
    approvers: platform
  - kind: rotate
    resources: ["projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
    maxRotationPeriod: 30d
`;
const policy = policyFrom(POLICY_YAML);
const NOW = new Date('2026-11-22T12:00:00Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

const EMAILS: Record<string, string | undefined> = {
  U0ALICE: 'alice@acme.example',
  U0BOB: 'bob@acme.example',
  U0CAROL: 'carol@acme.example',
  U0DAVE: 'dave@acme.example',
  U0ERIN: 'erin@acme.example',
  U0FRANK: 'frank@acme.example',
  U0AUDREY: 'audrey@acme.example',
  U0GINA: 'gina@acme.example',
  U0MALLORY: 'mallory@evil.example',
  U0NOBODY: undefined,
};
const GROUPS: Record<string, string[]> = { S0SECURITY: ['U0DAVE', 'U0ERIN'], S0ONCALL: ['U0ALICE'], S0AUDIT: ['U0GINA'] };

function facts(
  change: { groups?: Record<string, string[]>; emails?: Record<string, string | undefined>; without?: string[] } = {},
): AuthorityFacts {
  const emails = new Map(Object.entries({ ...EMAILS, ...change.emails }));
  const groupMembers = new Map(Object.entries({ ...GROUPS, ...change.groups }));
  for (const missing of change.without ?? []) {
    emails.delete(missing);
    groupMembers.delete(missing);
  }
  return { groupMembers, emails };
}

const by = (approver: string, step?: number, at = minutes(-10)): Approval =>
  step === undefined ? { approver, at } : { approver, at, step };

/** A request as the store would hold it. */
function filed(target: string, change: Partial<AccessRequest> = {}): AccessRequest {
  const stepped = target.includes('/stepped-');
  const requester = change.requester ?? 'U0ALICE';
  return {
    id: 'req0000001',
    kind: 'invoker',
    status: 'pending',
    requester,
    target,
    reason: 'debugging checkout',
    createdAt: minutes(-30),
    updatedAt: minutes(-30),
    approvals: [],
    approvalsRequired: target.includes('/pair-') || target.includes('/groups-') ? 2 : 1,
    approverGroup: 'platform',
    ruleIndex: 0,
    channel: 'C0APPROVALS',
    durationSeconds: 3600,
    role: 'roles/run.invoker',
    member: `user:${EMAILS[requester] ?? ''}`,
    ...(stepped
      ? {
          steps: [
            { approverGroup: 'platform', approvalsRequired: 1 },
            { approverGroup: 'security', approvalsRequired: 1 },
          ],
          step: 1,
        }
      : {}),
    ...change,
  };
}

/** An active grant that started 20 minutes ago and ends in 40. */
const active = (target: string, change: Partial<AccessRequest> = {}): AccessRequest =>
  filed(target, { status: 'active', approvals: [by('U0BOB')], appliedAt: minutes(-20), expiresAt: minutes(40), ...change });

type Expected = 'allowed' | 'wait' | `refused:${string}`;

function outcome(decision: AuthorityDecision): Expected {
  return decision.verdict === 'refused' ? `refused:${decision.refusal.code}` : decision.verdict;
}

function decide(input: MomentInput, given: AuthorityFacts = facts(), inForce = policy): AuthorityDecision {
  const { moment, ...rest } = input;
  return decideAuthority(moment, { ...rest, policy: inForce, facts: given, kinds: KIND_RULES, now: NOW } as MomentOf<typeof moment> &
    Grounds);
}

const submit = (
  actor: string,
  draft: Partial<Extract<MomentInput, { moment: 'submit' }>['draft']> & { target: string },
  openRequests = 0,
): MomentInput => ({
  moment: 'submit',
  actor,
  openRequests,
  draft: { kind: 'invoker', reason: 'debugging checkout', durationSeconds: 3600, ...draft },
});

describe('submit', () => {
  test.each<[string, MomentInput, Expected, AuthorityFacts?]>([
    [
      'anyone may ask for a grant of their own identity; it waits for one platform approval',
      submit('U0ALICE', { target: SVC('plain-api') }),
      'wait',
    ],
    [
      'a service no rule covers cannot be requested',
      submit('U0ALICE', { target: 'projects/other/locations/us-central1/services/x' }),
      'refused:no_matching_rule',
    ],
    [
      'someone runwarden has no Google identity for asks for nothing',
      submit('U0NOBODY', { target: SVC('plain-api') }),
      'refused:identity_unknown',
    ],
    [
      'someone whose identity is outside the domains asks for nothing',
      submit('U0MALLORY', { target: SVC('plain-api') }),
      'refused:identity_outside_domains',
    ],
    [
      'a grant longer than the rule’s maxDuration is refused',
      submit('U0ALICE', { target: SVC('plain-api'), durationSeconds: 9 * 3600 }),
      'refused:duration_too_long',
    ],
    [
      'a grant shorter than the rule’s minDuration is refused',
      submit('U0ALICE', { target: SVC('plain-api'), durationSeconds: 60 }),
      'refused:duration_too_short',
    ],
    [
      'an invoker grant always needs a duration',
      submit('U0ALICE', { target: SVC('plain-api'), durationSeconds: undefined }),
      'refused:duration_required',
    ],
    [
      'a reason shorter than the rule’s minLength is refused',
      submit('U0ALICE', { target: SVC('plain-api'), reason: 'fix' }),
      'refused:reason_rejected',
    ],
    [
      'a role the rule does not list is refused',
      submit('U0ALICE', { target: SVC('plain-api'), role: 'roles/run.admin' }),
      'refused:role_not_allowed',
    ],
    [
      'another user, on a rule that grants only the requester’s own identity, is refused',
      submit('U0ALICE', { target: SVC('plain-api'), member: 'user:bob@acme.example' }),
      'refused:member_not_allowed',
    ],
    [
      'a member outside the domains is refused',
      submit('U0ALICE', { target: SVC('oncall-api'), member: 'user:eve@evil.example' }),
      'refused:member_outside_domains',
    ],
    [
      'another user, where the rule lists user, waits for approval',
      submit('U0CAROL', { target: SVC('oncall-api'), member: 'user:dave@acme.example' }),
      'wait',
    ],
    [
      'a service account, where the rule lists serviceAccount, waits for approval',
      submit('U0CAROL', { target: SVC('oncall-api'), member: 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com' }),
      'wait',
    ],
    [
      'a group, where the rule lists group, waits for two approvals',
      submit('U0ALICE', { target: SVC('groups-api'), member: 'group:eng@acme.example' }),
      'wait',
    ],
    [
      'a group, on a rule that does not list group, is refused',
      submit('U0ALICE', { target: SVC('oncall-api'), member: 'group:eng@acme.example' }),
      'refused:member_not_allowed',
    ],
    ['a two-step rule waits for its first step', submit('U0CAROL', { target: SVC('stepped-api') }), 'wait'],
    [
      'an on-call requester’s own short grant is auto-approved',
      submit('U0ALICE', { target: SVC('oncall-api'), durationSeconds: 1800 }),
      'allowed',
    ],
    [
      'an on-call grant longer than autoApprove.maxDuration waits for people',
      submit('U0ALICE', { target: SVC('oncall-api'), durationSeconds: 2 * 3600 }),
      'wait',
    ],
    [
      'one person alone never gives access to someone else: another member is never auto-approved',
      submit('U0ALICE', { target: SVC('oncall-api'), durationSeconds: 1800, member: 'user:dave@acme.example' }),
      'wait',
    ],
    [
      'a service account is never auto-approved either',
      submit('U0ALICE', {
        target: SVC('oncall-api'),
        durationSeconds: 1800,
        member: 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com',
      }),
      'wait',
    ],
    [
      'someone outside autoApprove.requesters waits for people',
      submit('U0CAROL', { target: SVC('oncall-api'), durationSeconds: 1800 }),
      'wait',
    ],
    [
      'break-glass by a break-glass requester for their own identity is applied at once',
      submit('U0ALICE', { target: SVC('oncall-api'), breakGlass: true }),
      'allowed',
    ],
    [
      'break-glass is never for another member',
      submit('U0ALICE', { target: SVC('oncall-api'), breakGlass: true, member: 'user:dave@acme.example' }),
      'refused:break_glass_for_another_member',
    ],
    [
      'break-glass by someone who is not a break-glass requester is refused',
      submit('U0CAROL', { target: SVC('oncall-api'), breakGlass: true }),
      'refused:not_a_break_glass_requester',
    ],
    [
      'break-glass longer than breakGlass.maxDuration is refused',
      submit('U0ALICE', { target: SVC('oncall-api'), breakGlass: true, durationSeconds: 3 * 3600 }),
      'refused:break_glass_too_long',
    ],
    [
      'break-glass on a rule without breakGlass is refused',
      submit('U0ALICE', { target: SVC('plain-api'), breakGlass: true }),
      'refused:break_glass_not_allowed',
    ],
    [
      'break-glass on a two-step rule is applied at once (it stands on the rule, not on steps)',
      submit('U0ALICE', { target: SVC('stepped-api'), breakGlass: true }),
      'allowed',
    ],
    [
      'auto-approval on a two-step rule applies at once too',
      submit('U0FRANK', { target: SVC('stepped-api'), durationSeconds: 1800 }),
      'allowed',
    ],
    [
      'a scheduled grant within maxStartDelay waits for approval',
      submit('U0ALICE', { target: SVC('plain-api'), startsAt: minutes(120) }),
      'wait',
    ],
    [
      'a start further ahead than maxStartDelay (7d) is refused',
      submit('U0ALICE', { target: SVC('plain-api'), startsAt: minutes(8 * 24 * 60) }),
      'refused:start_too_late',
    ],
    ['a start in the past is refused', submit('U0ALICE', { target: SVC('plain-api'), startsAt: minutes(-1) }), 'refused:start_in_past'],
    [
      'break-glass takes no --start',
      submit('U0ALICE', { target: SVC('oncall-api'), breakGlass: true, startsAt: minutes(60) }),
      'refused:start_not_allowed',
    ],
    [
      'only invoker grants take --start',
      submit('U0ALICE', { kind: 'egress', target: SVC('hello'), durationSeconds: undefined, startsAt: minutes(60) }),
      'refused:start_not_allowed',
    ],
    [
      'a permanent egress change waits for approval where the rule sets no maxDuration',
      submit('U0ALICE', { kind: 'egress', target: SVC('hello'), durationSeconds: undefined, role: undefined }),
      'wait',
    ],
    [
      'a role on an egress request is refused',
      submit('U0ALICE', { kind: 'egress', target: SVC('hello'), durationSeconds: undefined, role: 'roles/run.invoker' }),
      'refused:role_not_allowed',
    ],
    ['a key rotation takes no duration', submit('U0ALICE', { kind: 'rotate', target: KEY }), 'refused:duration_not_allowed'],
    [
      'a rotation period longer than maxRotationPeriod is refused',
      submit('U0ALICE', { kind: 'rotate', target: KEY, durationSeconds: undefined, rotationPeriodSeconds: 60 * 86_400 }),
      'refused:rotation_period_too_long',
    ],
    [
      'a key rotation can never be break-glass',
      submit('U0ALICE', { kind: 'rotate', target: KEY, durationSeconds: undefined, breakGlass: true }),
      'refused:break_glass_not_allowed',
    ],
    [
      'someone with as many open requests as the policy allows (10) files no more',
      submit('U0ALICE', { target: SVC('plain-api') }, 10),
      'refused:too_many_open_requests',
    ],
    [
      'a request two platform approvers must approve cannot be filed by one of the two',
      submit('U0BOB', { target: SVC('pair-api') }),
      'refused:unreachable_approvals',
    ],
    [
      'a grant to the only other approver could never be approved',
      submit('U0CAROL', { target: SVC('oncall-api'), member: 'user:bob@acme.example' }),
      'refused:unreachable_approvals',
    ],
    [
      'a user group the decision needs and nobody looked up fails closed',
      submit('U0ALICE', { target: SVC('stepped-api') }),
      'refused:facts_missing',
      facts({ without: ['S0SECURITY'] }),
    ],
    [
      'a requester nobody looked up fails closed',
      submit('U0ALICE', { target: SVC('plain-api') }),
      'refused:facts_missing',
      facts({ without: ['U0ALICE'] }),
    ],
  ])('%s', (...[, input, expected, given]) => {
    expect(outcome(decide(input, given))).toBe(expected);
  });

  test('a request that may be filed names its rule, its channel and every step', () => {
    const decision = decide(submit('U0CAROL', { target: SVC('stepped-api') }));
    expect(decision).toMatchObject({
      verdict: 'wait',
      mode: 'approval',
      rule: { index: 2, name: 'stepped' },
      channel: 'C0APPROVALS',
      steps: [{ approvers: 'platform' }, { approvers: 'security' }],
    });
  });

  test('a rule without a name is named by its kind and position', () => {
    expect(decide(submit('U0ALICE', { kind: 'egress', target: SVC('hello'), durationSeconds: undefined }))).toMatchObject({
      rule: { name: 'egress#6' },
    });
  });
});

describe('approve (weighed against the request as read in the transaction)', () => {
  const approve = (actor: string, request: AccessRequest): MomentInput => ({ moment: 'approve', actor, request });
  test.each<[string, MomentInput, Expected, AuthorityFacts?]>([
    ['a platform approver’s approval completes a one-approval request', approve('U0BOB', filed(SVC('plain-api'))), 'allowed'],
    [
      'the requester never approves their own request',
      approve('U0ALICE', filed(SVC('plain-api'), { requester: 'U0ALICE' })),
      'refused:self_approval',
    ],
    ['someone outside the approver group is refused', approve('U0DAVE', filed(SVC('plain-api'))), 'refused:not_an_approver'],
    [
      'nobody approves a grant to their own identity',
      approve('U0BOB', filed(SVC('oncall-api'), { requester: 'U0CAROL', member: 'user:bob@acme.example' })),
      'refused:member_approval',
    ],
    [
      'an approver whose identity is unknown cannot approve a grant to another member',
      approve('U0BOB', filed(SVC('oncall-api'), { member: 'user:dave@acme.example' })),
      'refused:approver_identity_unknown',
      facts({ emails: { U0BOB: undefined } }),
    ],
    ['each approver counts once', approve('U0BOB', filed(SVC('pair-api'), { approvals: [by('U0BOB')] })), 'refused:duplicate_approval'],
    ['the first of two approvals waits for the second', approve('U0BOB', filed(SVC('pair-api'))), 'wait'],
    ['the second of two approvals completes it', approve('U0CAROL', filed(SVC('pair-api'), { approvals: [by('U0BOB')] })), 'allowed'],
    [
      'an earlier approval whose approver left the group no longer counts: the click waits',
      approve('U0CAROL', filed(SVC('pair-api'), { approvals: [by('U0ERIN')] })),
      'wait',
    ],
    [
      'step 1’s approval moves the request to step 2, which waits',
      approve('U0BOB', filed(SVC('stepped-api'), { requester: 'U0CAROL' })),
      'wait',
    ],
    [
      'at step 2 a platform approver is not the one asked',
      approve('U0BOB', filed(SVC('stepped-api'), { requester: 'U0ERIN', step: 2, approvals: [by('U0CAROL', 1)] })),
      'refused:not_an_approver',
    ],
    [
      'at step 2 a security approver completes it',
      approve('U0DAVE', filed(SVC('stepped-api'), { step: 2, approvals: [by('U0BOB', 1)] })),
      'allowed',
    ],
    [
      'one person counts in one step only',
      approve('U0BOB', filed(SVC('stepped-api'), { step: 2, approvals: [by('U0BOB', 1)] })),
      'refused:counted_in_other_step',
      facts({ groups: { S0SECURITY: ['U0DAVE', 'U0BOB'] } }),
    ],
    [
      'a request already decided cannot be approved',
      approve('U0BOB', filed(SVC('plain-api'), { status: 'denied' })),
      'refused:wrong_state',
    ],
    [
      'a request the policy in force no longer allows cannot be approved',
      approve('U0BOB', filed(SVC('plain-api'), { durationSeconds: 9 * 3600 })),
      'refused:no_longer_allowed',
    ],
    [
      'a request whose rule’s steps changed cannot be approved',
      approve(
        'U0BOB',
        filed(SVC('plain-api'), {
          steps: [
            { approverGroup: 'platform', approvalsRequired: 1 },
            { approverGroup: 'security', approvalsRequired: 1 },
          ],
          step: 1,
        }),
      ),
      'refused:no_longer_allowed',
    ],
    [
      'an earlier approver nobody looked up fails closed (the caller looks them up and asks again)',
      approve('U0CAROL', filed(SVC('oncall-api'), { member: 'user:dave@acme.example', approvals: [by('U0BOB')] })),
      'refused:facts_missing',
      facts({ without: ['U0BOB'] }),
    ],
  ])('%s', (...[, input, expected, given]) => {
    expect(outcome(decide(input, given))).toBe(expected);
  });

  test('an approval that completes step 1 names step 2 and its group', () => {
    expect(decide(approve('U0BOB', filed(SVC('stepped-api'), { requester: 'U0CAROL' })))).toMatchObject({
      verdict: 'wait',
      step: 1,
      next: { step: 2, approverGroup: 'security', approvalsRequired: 1 },
    });
  });

  test('an approval that no longer counts is reported dropped, with why', () => {
    expect(decide(approve('U0CAROL', filed(SVC('pair-api'), { approvals: [by('U0ERIN')] })))).toMatchObject({
      verdict: 'wait',
      kept: [],
      dropped: [{ approver: 'U0ERIN', reason: 'not_an_approver' }],
    });
  });
});

describe('deny, cancel, revoke, review', () => {
  const act = (moment: 'deny' | 'cancel' | 'revoke' | 'review', actor: string, request: AccessRequest): MomentInput => ({
    moment,
    actor,
    request,
  });
  test.each<[string, MomentInput, Expected]>([
    ['an approver denies a pending request', act('deny', 'U0CAROL', filed(SVC('plain-api'))), 'allowed'],
    [
      'the requester does not deny their own request (they cancel it)',
      act('deny', 'U0ALICE', filed(SVC('plain-api'))),
      'refused:self_decision',
    ],
    ['someone outside the group cannot deny', act('deny', 'U0DAVE', filed(SVC('plain-api'))), 'refused:not_an_approver'],
    [
      'at step 2 only security denies',
      act('deny', 'U0BOB', filed(SVC('stepped-api'), { step: 2, approvals: [by('U0CAROL', 1)] })),
      'refused:not_an_approver',
    ],
    ['a decided request cannot be denied', act('deny', 'U0BOB', filed(SVC('plain-api'), { status: 'cancelled' })), 'refused:wrong_state'],
    ['the requester cancels their pending request', act('cancel', 'U0ALICE', filed(SVC('plain-api'))), 'allowed'],
    ['an approver cannot cancel someone else’s request', act('cancel', 'U0BOB', filed(SVC('plain-api'))), 'refused:not_the_requester'],
    [
      'someone who may not read the request is told there is no such request',
      act('cancel', 'U0MALLORY', filed(SVC('plain-api'))),
      'refused:not_visible',
    ],
    ['an active request is revoked, not cancelled', act('cancel', 'U0ALICE', active(SVC('plain-api'))), 'refused:already_active'],
    ['the requester revokes their active grant', act('revoke', 'U0ALICE', active(SVC('plain-api'))), 'allowed'],
    ['an approver of any step revokes an active grant', act('revoke', 'U0DAVE', active(SVC('stepped-api'), { step: 2 })), 'allowed'],
    ['an auditor reads but never revokes', act('revoke', 'U0AUDREY', active(SVC('plain-api'))), 'refused:not_requester_or_approver'],
    ['an outsider’s revoke finds no such request', act('revoke', 'U0MALLORY', active(SVC('plain-api'))), 'refused:not_visible'],
    [
      'a request still being applied cannot be revoked yet',
      act('revoke', 'U0ALICE', filed(SVC('plain-api'), { status: 'approved' })),
      'refused:being_applied',
    ],
    [
      'a grant whose extension is being written cannot be revoked this moment',
      act(
        'revoke',
        'U0ALICE',
        active(SVC('plain-api'), {
          op: { type: 'extend', intent: 'extend', by: 'runwarden', holder: 'h', leaseUntil: minutes(1), attempts: 1 },
        }),
      ),
      'refused:being_extended',
    ],
    [
      'a grant already ending is not revoked twice',
      act(
        'revoke',
        'U0ALICE',
        active(SVC('plain-api'), {
          op: { type: 'revert', intent: 'revoke', by: 'U0ALICE', holder: 'h', leaseUntil: minutes(1), attempts: 1 },
        }),
      ),
      'refused:already_ending',
    ],
    [
      'a step-2 approver reviews a break-glass grant',
      act('review', 'U0DAVE', active(SVC('stepped-api'), { breakGlass: true, approvals: [] })),
      'allowed',
    ],
    [
      'the requester never reviews their own break-glass grant',
      act('review', 'U0ALICE', active(SVC('stepped-api'), { breakGlass: true, approvals: [] })),
      'refused:self_review',
    ],
    [
      'the member a break-glass grant went to does not review it',
      act(
        'review',
        'U0BOB',
        active(SVC('oncall-api'), { breakGlass: true, approvals: [], requester: 'U0CAROL', member: 'user:bob@acme.example' }),
      ),
      'refused:member_review',
    ],
    [
      'a request that is not break-glass has nothing to review',
      act('review', 'U0BOB', active(SVC('plain-api'))),
      'refused:not_break_glass',
    ],
    [
      'a reviewed grant is not reviewed again',
      act('review', 'U0BOB', active(SVC('oncall-api'), { breakGlass: true, reviewedBy: 'U0CAROL', reviewedAt: minutes(-1) })),
      'refused:already_reviewed',
    ],
    ['an outsider cannot review', act('review', 'U0MALLORY', active(SVC('oncall-api'), { breakGlass: true })), 'refused:not_an_approver'],
  ])('%s', (_case, input, expected) => {
    expect(outcome(decide(input))).toBe(expected);
  });
});

describe('extend (ask), approve and deny an extension', () => {
  const extend = (actor: string, request: AccessRequest, seconds = 1800, reason = 'still debugging'): MomentInput => ({
    moment: 'extend',
    actor,
    request,
    durationSeconds: seconds,
    reason,
  });
  const pendingExtension = {
    n: 1,
    duration: '30m',
    durationSeconds: 1800,
    reason: 'still debugging',
    status: 'pending' as const,
    approvals: [],
    requestedAt: minutes(-1),
  };
  test.each<[string, MomentInput, Expected]>([
    ['the requester asks for more time; it waits for the approvers', extend('U0ALICE', active(SVC('plain-api'))), 'wait'],
    [
      'an on-call grant of their own identity is extended at once while the whole grant stays within autoApprove.maxDuration',
      extend('U0ALICE', active(SVC('oncall-api'), { durationSeconds: 1800, appliedAt: minutes(-10), expiresAt: minutes(20) }), 600),
      'allowed',
    ],
    [
      'an auto-approved extension never takes the whole grant past autoApprove.maxDuration',
      extend('U0ALICE', active(SVC('oncall-api'), { durationSeconds: 1800, appliedAt: minutes(-10), expiresAt: minutes(20) }), 3600),
      'wait',
    ],
    [
      'an extension of another member’s grant is never auto-approved',
      extend(
        'U0ALICE',
        active(SVC('oncall-api'), {
          member: 'user:dave@acme.example',
          durationSeconds: 1800,
          appliedAt: minutes(-10),
          expiresAt: minutes(20),
        }),
        600,
      ),
      'wait',
    ],
    [
      'the rule’s reason rules apply to an extension’s reason',
      extend('U0ALICE', active(SVC('plain-api')), 1800, 'x'),
      'refused:reason_rejected',
    ],
    [
      'an extension longer than the rule’s maxDuration is refused',
      extend('U0ALICE', active(SVC('plain-api')), 9 * 3600),
      'refused:extension_too_long',
    ],
    [
      'a rule without maxExtensions allows none',
      extend('U0ALICE', active(SVC('pair-api'), { approvals: [by('U0BOB'), by('U0CAROL')] })),
      'refused:extensions_not_allowed',
    ],
    [
      'one extension at a time',
      extend('U0ALICE', active(SVC('plain-api'), { extensions: [pendingExtension] })),
      'refused:extension_pending',
    ],
    [
      'at most maxExtensions',
      extend(
        'U0ALICE',
        active(SVC('plain-api'), { extensions: [1, 2].map((n) => ({ ...pendingExtension, n, status: 'applied' as const })) }),
      ),
      'refused:too_many_extensions',
    ],
    ['only the requester extends', extend('U0BOB', active(SVC('plain-api'))), 'refused:not_the_requester'],
    ['an outsider is told there is no such request', extend('U0MALLORY', active(SVC('plain-api'))), 'refused:not_visible'],
    [
      'a permanent change cannot be extended',
      extend(
        'U0ALICE',
        active(SVC('hello'), { kind: 'egress', durationSeconds: undefined, expiresAt: undefined, role: undefined, member: undefined }),
      ),
      'refused:permanent_request',
    ],
    [
      'a grant that has ended cannot be extended',
      extend('U0ALICE', active(SVC('plain-api'), { expiresAt: minutes(-1) })),
      'refused:grant_ending',
    ],
    [
      'a requester the policy no longer lets ask gets no extension',
      extend('U0MALLORY', active(SVC('plain-api'), { requester: 'U0MALLORY' })),
      'refused:no_longer_allowed',
    ],
  ])('%s', (_case, input, expected) => {
    expect(outcome(decide(input))).toBe(expected);
  });

  const decideExt = (moment: 'approve_extension' | 'deny_extension', actor: string, request: AccessRequest, n = 1): MomentInput => ({
    moment,
    actor,
    request,
    n,
  });
  const waiting = (change: Partial<AccessRequest> = {}) => active(SVC('plain-api'), { extensions: [pendingExtension], ...change });
  test.each<[string, MomentInput, Expected]>([
    ['an approver approves an extension', decideExt('approve_extension', 'U0CAROL', waiting()), 'allowed'],
    ['the requester never approves their own extension', decideExt('approve_extension', 'U0ALICE', waiting()), 'refused:self_approval'],
    [
      'nobody approves an extension of a grant to their own identity',
      decideExt(
        'approve_extension',
        'U0BOB',
        active(SVC('oncall-api'), { requester: 'U0CAROL', member: 'user:bob@acme.example', extensions: [pendingExtension] }),
      ),
      'refused:member_approval',
    ],
    ['an outsider cannot approve an extension', decideExt('approve_extension', 'U0DAVE', waiting()), 'refused:not_an_approver'],
    [
      'an extension that does not exist is refused (and recorded)',
      decideExt('approve_extension', 'U0CAROL', waiting(), 7),
      'refused:no_such_extension',
    ],
    [
      'an extension already decided is refused',
      decideExt('approve_extension', 'U0CAROL', waiting({ extensions: [{ ...pendingExtension, status: 'denied' }] })),
      'refused:extension_not_pending',
    ],
    ['an approver denies an extension', decideExt('deny_extension', 'U0BOB', waiting()), 'allowed'],
    ['the requester does not deny their own extension', decideExt('deny_extension', 'U0ALICE', waiting()), 'refused:self_decision'],
  ])('%s', (_case, input, expected) => {
    expect(outcome(decide(input))).toBe(expected);
  });
});

describe('apply (before Google is touched)', () => {
  const apply = (request: AccessRequest): MomentInput => ({ moment: 'apply', request });
  const approved = (target: string, change: Partial<AccessRequest> = {}) =>
    filed(target, { status: 'approved', approvals: [by('U0BOB')], ...change });
  test.each<[string, MomentInput, Expected, AuthorityFacts?, string?]>([
    ['a request whose approval still counts is applied', apply(approved(SVC('plain-api'))), 'allowed'],
    [
      'an approval whose approver left the group sends the request back to wait',
      apply(approved(SVC('plain-api'))),
      'wait',
      undefined,
      POLICY_YAML.replace('platform: [U0BOB, U0CAROL]', 'platform: [U0CAROL, U0DAVE]'),
    ],
    [
      'a request the policy no longer allows is not applied',
      apply(approved(SVC('plain-api'), { durationSeconds: 9 * 3600 })),
      'refused:no_longer_allowed',
    ],
    [
      'every step’s approvals are weighed: both still counting',
      apply(approved(SVC('stepped-api'), { step: 2, approvals: [by('U0BOB', 1), by('U0DAVE', 2)] })),
      'allowed',
    ],
    [
      'a step whose approval no longer counts fails the request',
      apply(approved(SVC('stepped-api'), { step: 2, approvals: [by('U0BOB', 1), by('U0DAVE', 2)] })),
      'refused:approvals_lost',
      facts({ groups: { S0SECURITY: ['U0ERIN'] } }),
    ],
    [
      'break-glass on a two-step rule stands on the rule, not on approvals',
      apply(approved(SVC('stepped-api'), { breakGlass: true, approvals: [] })),
      'allowed',
    ],
    [
      'auto-approval on a two-step rule stands on the rule too',
      apply(
        approved(SVC('stepped-api'), {
          requester: 'U0FRANK',
          durationSeconds: 1800,
          autoApproved: true,
          approvals: [by('runwarden:auto')],
        }),
      ),
      'allowed',
    ],
    [
      'an auto-approved request that no longer qualifies is not applied',
      apply(approved(SVC('oncall-api'), { durationSeconds: 1800, autoApproved: true, approvals: [by('runwarden:auto')] })),
      'refused:no_longer_allowed',
      facts({ groups: { S0ONCALL: [] } }),
    ],
    [
      'a break-glass grant to another member is never applied',
      apply(approved(SVC('oncall-api'), { breakGlass: true, approvals: [], member: 'user:dave@acme.example' })),
      'refused:no_longer_allowed',
    ],
    [
      'a scheduled grant whose window has passed is not applied',
      apply(approved(SVC('plain-api'), { startsAt: minutes(-120), durationSeconds: 3600 })),
      'refused:window_passed',
    ],
    [
      'a scheduled grant still ahead is applied (written with both bounds)',
      apply(approved(SVC('plain-api'), { startsAt: minutes(60) })),
      'allowed',
    ],
  ])('%s', (...[, input, expected, given, yaml]) => {
    expect(outcome(decide(input, given, yaml ? policyFrom(yaml) : policy))).toBe(expected);
  });

  const extension = (change: Record<string, unknown> = {}) => ({
    n: 1,
    duration: '10m',
    durationSeconds: 600,
    reason: 'more',
    status: 'approved' as const,
    approvals: [by('U0BOB')],
    requestedAt: minutes(-1),
    ...change,
  });
  test.each<[string, AccessRequest, Expected, AuthorityFacts?]>([
    ['an approved extension whose approval still counts is written', active(SVC('plain-api'), { extensions: [extension()] }), 'allowed'],
    [
      'an extension approver who left the group no longer counts',
      active(SVC('plain-api'), { extensions: [extension({ approvals: [by('U0ERIN')] })] }),
      'refused:approvals_lost',
    ],
    [
      'an auto-approved extension is re-checked against autoApprove',
      active(SVC('oncall-api'), {
        durationSeconds: 1800,
        appliedAt: minutes(-10),
        expiresAt: minutes(20),
        extensions: [extension({ autoApproved: true, approvals: [by('runwarden:auto')] })],
      }),
      'refused:no_longer_auto_approved',
      facts({ groups: { S0ONCALL: [] } }),
    ],
  ])('%s', (...[, request, expected, given]) => {
    expect(outcome(decide({ moment: 'apply_extension', request }, given))).toBe(expected);
  });
});

describe('read (SPEC §4: who may read what)', () => {
  const read = (actor: string, request: AccessRequest): MomentInput => ({ moment: 'read', actor, request });
  const grant = active(SVC('stepped-api'), { requester: 'U0CAROL', member: 'user:frank@acme.example' });
  test.each<[string, MomentInput, Expected]>([
    ['its requester', read('U0CAROL', grant), 'allowed'],
    ['its member', read('U0FRANK', grant), 'allowed'],
    ['an approver of step 1', read('U0BOB', grant), 'allowed'],
    ['an approver of step 2', read('U0ERIN', grant), 'allowed'],
    ['an auditor named by id', read('U0AUDREY', grant), 'allowed'],
    ['an auditor through a Slack user group', read('U0GINA', grant), 'allowed'],
    ['anyone else is told there is no such request', read('U0MALLORY', grant), 'refused:not_visible'],
  ])('%s reads a request', (_case, input, expected) => {
    expect(outcome(decide(input))).toBe(expected);
  });
});

describe('a kind that names its subjects (the people it gives or takes access from)', () => {
  // e.g. a conversion of a standing binding: the members losing it never decide it, and may read it
  const kinds = { ...KIND_RULES, egress: { ...KIND_RULES.egress, subjects: () => ['Bob@acme.example'] } };
  const request = filed(SVC('hello'), {
    kind: 'egress',
    role: undefined,
    member: undefined,
    durationSeconds: undefined,
    value: 'all-traffic',
  });
  const decideWith = (moment: 'approve' | 'read', actor: string) =>
    decideAuthority(moment, { actor, request, policy, facts: facts(), kinds, now: NOW });
  test.each<[string, 'approve' | 'read', string, Expected]>([
    ['a subject never approves it', 'approve', 'U0BOB', 'refused:member_approval'],
    ['another approver does', 'approve', 'U0CAROL', 'allowed'],
    ['a subject may read it', 'read', 'U0BOB', 'allowed'],
  ])('%s', (...[, moment, actor, expected]) => {
    expect(outcome(decideWith(moment, actor))).toBe(expected);
  });
});

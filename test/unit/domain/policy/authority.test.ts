import { approvalStanding, recheckRequest, weighApprovals, type AuthorityFacts, type RecheckInput } from '../../../../src/domain/policy/authority';
import { policyFrom } from './specPolicy';

const POLICY = `
defaults: { channel: C0APPROVALS }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL, S0SRE]
rules:
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    members: [self, user]
    maxDuration: 8h
    approvers: platform
    approvals: 1
  - kind: rotate
    resources: ["projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: platform
`;
const policy = policyFrom(POLICY);
const HELLO = 'projects/acme-prod/locations/us-central1/services/hello';
const T = new Date('2026-11-22T12:00:00Z');

const request: RecheckInput = {
  kind: 'invoker',
  target: HELLO,
  requester: 'U0ALICE',
  role: 'roles/run.invoker',
  member: 'user:alice@acme.example',
  durationSeconds: 3600,
  approvals: [{ approver: 'U0BOB', at: T }],
};

function facts(overrides: Partial<{ groups: Record<string, string[]>; emails: Record<string, string | undefined> }> = {}): AuthorityFacts {
  const emails = { U0ALICE: 'alice@acme.example', U0BOB: 'bob@acme.example', U0CAROL: 'carol@acme.example', U0FRANK: 'frank@acme.example', ...overrides.emails };
  return { groupMembers: new Map(Object.entries(overrides.groups ?? { S0SRE: ['U0FRANK'] })), emails: new Map(Object.entries(emails)) };
}

describe('approvalStanding', () => {
  test.each([
    ['an approver listed by id counts', 'U0BOB', facts(), null],
    ['an approver through a Slack user group counts', 'U0FRANK', facts(), null],
    ['the requester never counts', 'U0ALICE', facts(), 'self_approval'],
    ['someone outside the group', 'U0MALLORY', facts(), 'not_an_approver'],
    ['someone who left the Slack user group', 'U0FRANK', facts({ groups: { S0SRE: [] } }), 'not_an_approver'],
    ['an approver whose own identity is unknown (cannot be told apart from the member)', 'U0BOB', facts({ emails: { U0BOB: undefined } }), 'identity_unknown'],
  ] as const)('%s', (_title, user, given, expected) => {
    expect(approvalStanding(policy, 'platform', request, user, given)).toBe(expected);
  });

  test.each([
    ['exactly', 'user:bob@acme.example', 'bob@acme.example'],
    ['whatever the case of the member', 'user:Bob@ACME.example', 'bob@acme.example'],
    ['whatever the case of the Slack email', 'user:bob@acme.example', 'BOB@acme.EXAMPLE'],
  ])('an approver whose identity is the member granted (%s) does not count', (_title, member, email) => {
    expect(approvalStanding(policy, 'platform', { ...request, member }, 'U0BOB', facts({ emails: { U0BOB: email } }))).toBe('member_approval');
  });
});

describe('recheckRequest', () => {
  test('a request still allowed: the policy’s approvals now, and everyone’s standing', () => {
    expect(recheckRequest(policy, { ...request, member: 'user:bob@acme.example' }, facts())).toEqual({
      ok: true,
      approverGroup: 'platform',
      approvalsRequired: 1,
      mode: 'approval',
      standing: { U0ALICE: 'self_approval', U0BOB: 'member_approval', U0CAROL: null, U0FRANK: null },
    });
  });

  test.each([
    ['the rule no longer matches', POLICY.replace('services/*"]', 'services/other"]'), request, facts(), 'no_matching_rule'],
    ['the requester may no longer ask', POLICY.replace('    approvals: 1\n', '    approvals: 1\n    requesters: [U0CAROL]\n'), request, facts(), 'not_a_requester'],
    ['the role is no longer granted', POLICY.replace('    members: [self, user]\n', '    members: [self, user]\n    roles: [roles/run.viewer]\n'), request, facts(), 'role_not_allowed'],
    ['the duration no longer fits', POLICY.replace('maxDuration: 8h', 'maxDuration: 30m'), request, facts(), 'duration_too_long'],
    ['another user may no longer be granted', POLICY.replace('members: [self, user]', 'members: [self]'), { ...request, member: 'user:bob@acme.example' }, facts(), 'member_not_allowed'],
    ['the requester has no identity any more', POLICY.replace('identities: { U0ALICE: alice@acme.example }', 'identities: {}'), request, facts({ emails: { U0ALICE: undefined } }), 'identity_unknown'],
    ['the requester’s Slack email left the domains', POLICY.replace('identities: { U0ALICE: alice@acme.example }', 'identities: {}'), request, facts({ emails: { U0ALICE: 'alice@evil.example' } }), 'identity_outside_domains'],
    ['the rotation period is now too long', `${POLICY}    maxRotationPeriod: 30d\n`, { ...request, kind: 'rotate', target: 'projects/acme-prod/locations/global/keyRings/r/cryptoKeys/k', role: undefined, member: undefined, durationSeconds: undefined, rotationPeriodSeconds: 60 * 86_400 }, facts(), 'rotation_period_too_long'],
  ] as const)('refuses when %s', (_title, yaml, input, given, reason) => {
    const result = recheckRequest(policyFrom(yaml), input, given);
    expect(result).toMatchObject({ ok: false, reason });
  });

  test('takes the approvals now required from the policy in force', () => {
    const stricter = policyFrom(POLICY.replace('approvals: 1', 'approvals: 2'));
    expect(recheckRequest(stricter, request, facts())).toMatchObject({ ok: true, approvalsRequired: 2 });
  });
});

describe('weighApprovals', () => {
  const approvals = [
    { approver: 'U0BOB', at: T },
    { approver: 'U0CAROL', at: T },
    { approver: 'U0NEW', at: T },
  ];
  test('drops those that no longer count, keeps those that do and those not weighed yet', () => {
    expect(weighApprovals(approvals, { U0BOB: 'not_an_approver', U0CAROL: null })).toEqual({
      counted: [approvals[1], approvals[2]],
      dropped: [{ approver: 'U0BOB', reason: 'not_an_approver' }],
    });
  });
});

describe('recheckRequest of requests that stand on the rule', () => {
  const glassPolicy = policyFrom(`${POLICY}`.replace('    approvals: 1\n', '    approvals: 1\n    requesters: [U0CAROL]\n    breakGlass: { requesters: [U0ALICE], maxDuration: 1h }\n    autoApprove: { requesters: [U0ALICE], maxDuration: 30m }\n'));
  test.each([
    ['a break-glass request by a break-glass requester who is no ordinary requester stays allowed', { ...request, breakGlass: true, durationSeconds: 3600 }, { ok: true, mode: 'break_glass' }],
    ['a break-glass request longer than breakGlass.maxDuration allows no more', { ...request, breakGlass: true, durationSeconds: 7200 }, { ok: false, reason: 'break_glass_too_long' }],
    ['an auto-approved request that no longer qualifies (here: the requester may no longer ask) is refused', { ...request, autoApproved: true, durationSeconds: 1800 }, { ok: false, reason: 'not_a_requester' }],
  ])('%s', (_description, input, expected) => {
    expect(recheckRequest(glassPolicy, input, facts())).toMatchObject(expected);
  });
});

describe('recheckRequest of multi-step requests', () => {
  const stepsPolicy = policyFrom(
    POLICY.replace('    approvers: platform\n    approvals: 1\n', '    steps: [{ approvers: platform }, { approvers: security }]\n').replace(
      '  platform: [U0BOB, U0CAROL, S0SRE]\n',
      '  platform: [U0BOB, U0CAROL, S0SRE]\n  security: [U0DAVE]\n',
    ),
  );
  const steps = [
    { approverGroup: 'platform', approvalsRequired: 1 },
    { approverGroup: 'security', approvalsRequired: 1 },
  ];
  const twoStep: RecheckInput = { ...request, steps, step: 2, approvals: [{ approver: 'U0BOB', at: T, step: 1 }, { approver: 'U0DAVE', at: T, step: 2 }] };
  const withDave = facts({ emails: { U0DAVE: 'dave@acme.example' } });

  test("the current step's group decides, and every step's approvals are weighed against their own step's group", () => {
    const result = recheckRequest(stepsPolicy, twoStep, withDave);
    expect(result).toMatchObject({
      ok: true,
      approverGroup: 'security',
      steps: [
        { step: 1, approverGroup: 'platform', standing: { U0BOB: null } },
        { step: 2, approverGroup: 'security', standing: { U0DAVE: null } },
      ],
    });
  });

  test('a step-1 approver who left the platform group no longer counts in step 1', () => {
    const shrunk = policyFrom(
      POLICY.replace('    approvers: platform\n    approvals: 1\n', '    steps: [{ approvers: platform }, { approvers: security }]\n').replace(
        '  platform: [U0BOB, U0CAROL, S0SRE]\n',
        '  platform: [U0CAROL, S0SRE]\n  security: [U0DAVE]\n',
      ),
    );
    const result = recheckRequest(shrunk, twoStep, withDave);
    expect(result.ok && result.steps?.[0]?.standing).toEqual({ U0BOB: 'not_an_approver' });
  });

  test('a request made under steps is refused once the rule has none (and the other way round)', () => {
    expect(recheckRequest(policy, twoStep, withDave)).toMatchObject({ ok: false, reason: 'steps_changed' });
    expect(recheckRequest(stepsPolicy, request, withDave)).toMatchObject({ ok: false, reason: 'steps_changed' });
  });
});

/**
 * Asking for access the member already has (issue 19): an active grant of
 * the same role to the same member on the same service answers the draft
 * with that grant (`already_granted`) — only when the one asking may read it.
 */
import { decideAuthority } from '../../../../src/domain/authority/decideAuthority';
import { refusalText } from '../../../../src/adapters/slack/views/refusalText';
import { KIND_RULES } from '../../../../src/kinds/registry';
import { aRequest, NOW } from '../../../fixtures/requests';
import { policyFrom } from '../policy/specPolicy';

const TARGET = 'projects/acme-prod/locations/us-central1/services/hello';
const policy = policyFrom(`
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL] }
rules:
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    roles: [roles/run.invoker, roles/run.viewer]
    members: [self, serviceAccount]
    maxDuration: 8h
    approvers: platform
`);
const facts = {
  groupMembers: new Map<string, string[]>(),
  emails: new Map([
    ['U0ALICE', 'alice@acme.example'],
    ['U0DAVE', 'dave@acme.example'],
    ['U0BOB', 'bob@acme.example'],
    ['U0CAROL', 'carol@acme.example'],
  ]),
};
const until = new Date(NOW.getTime() + 3600_000);
const grant = aRequest({ id: 'grant12345', status: 'active', target: TARGET, expiresAt: until, requester: 'U0ALICE' });

function decide(actor: string, draft: { role?: string; member?: string; startsAt?: Date }, activeGrants = [grant]) {
  return decideAuthority('submit', {
    actor,
    draft: { kind: 'invoker', target: TARGET, reason: 'again', durationSeconds: 3600, ...draft },
    openRequests: 0,
    activeGrants,
    policy,
    facts,
    kinds: KIND_RULES,
    now: NOW,
  });
}

test('the same role for the same member is answered with the grant, its end and who may extend it', () => {
  const decision = decide('U0ALICE', {});
  expect(decision).toMatchObject({
    verdict: 'refused',
    refusal: { code: 'already_granted', requestId: 'grant12345', until, ownGrant: true, member: 'user:alice@acme.example' },
  });
  if (decision.verdict !== 'refused') return;
  expect(refusalText(decision.refusal, '/jit')).toBe(
    '`user:alice@acme.example` already has `roles/run.invoker` on `' +
      TARGET +
      '` through request `grant12345`, until 2026-11-22 21:00 UTC, so nothing new was asked for. For more time: `/jit extend grant12345 <duration> <reason…>`.',
  );
});

test('another role, another member, or no active grant is decided as usual', () => {
  expect(decide('U0ALICE', { role: 'roles/run.viewer' }).verdict).toBe('wait');
  expect(decide('U0ALICE', { member: 'serviceAccount:ci@acme.example' }).verdict).toBe('wait');
  expect(decide('U0ALICE', {}, []).verdict).toBe('wait');
  expect(decide('U0ALICE', {}, [{ ...grant, status: 'expired' }]).verdict).toBe('wait');
});

test('a grant the asker may not read is never named', () => {
  const sa = 'serviceAccount:ci@acme.example';
  const theirs = { ...grant, member: sa };
  // Dave is neither its requester, its member, an approver nor an auditor
  expect(decide('U0DAVE', { member: sa }, [theirs]).verdict).toBe('wait');
  // Bob approves its rule, so he may read it: told who can extend it
  expect(decide('U0BOB', { member: sa }, [theirs])).toMatchObject({
    verdict: 'refused',
    refusal: { code: 'already_granted', ownGrant: false },
  });
});

test("a window that does not meet the grant's is asked for as usual", () => {
  // scheduled to start after the grant ends
  expect(decide('U0ALICE', { startsAt: new Date(until.getTime() + 60_000) }).verdict).toBe('wait');
  // scheduled to start before it ends
  expect(decide('U0ALICE', { startsAt: new Date(until.getTime() - 60_000) }).verdict).toBe('refused');
  // a scheduled grant whose window opens after the draft's ends
  const later = { ...grant, startsAt: new Date(NOW.getTime() + 3 * 3600_000), expiresAt: new Date(NOW.getTime() + 4 * 3600_000) };
  expect(decide('U0ALICE', {}, [later]).verdict).toBe('wait');
});

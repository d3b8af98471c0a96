import { ErrorCode } from '../../../src/domain/errors';
import { userText } from '../../../src/adapters/slack/views/refusalText';
import { facts, grounds, policyYaml } from './grounds';
import { policyFrom } from './policy/specPolicy';
import type { AccessRequest } from '../../../src/domain/request';
import { transition, type RequestEvent, type TransitionOutcome } from '../../../src/domain/stateMachine';
import { KIND_RULES } from '../../../src/kinds/registry';

const T0 = new Date('2026-11-22T12:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const lease = (holder = 'h1', seconds = 300) => ({ holder, leaseUntil: at(seconds) });

function pending(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'abcdefghjk',
    kind: 'invoker',
    status: 'pending',
    requester: 'U0ALICE',
    target: 'projects/acme-prod/locations/us-central1/services/hello',
    reason: 'debugging',
    createdAt: T0,
    updatedAt: T0,
    approvals: [],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 0,
    channel: 'C0APPROVALS',
    durationSeconds: 7200,
    role: 'roles/run.invoker',
    member: 'user:alice@acme.example',
    ...overrides,
  };
}

function ok(outcome: TransitionOutcome): Extract<TransitionOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected a transition, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}
function refused(outcome: TransitionOutcome): Extract<TransitionOutcome, { ok: false }> {
  if (outcome.ok) throw new Error(`expected a refusal, got ${outcome.next.status}`);
  return outcome;
}

describe('approvals', () => {
  /** A click weighed on the policy in force (platform needing `required`) with these people's groups and identities. */
  const approve = (actor: string, required = 1, change: Parameters<typeof grounds>[1] = {}): RequestEvent => ({
    type: 'approve',
    actor,
    grounds: grounds(required, change),
    ...lease(),
  });

  describe('the apply’s first write, recorded with the claim (issue 20 §5)', () => {
    const plan = (request: AccessRequest, now: Date) => ({
      call: 'SetIamPolicy',
      writing: { expression: `${request.id} from ${now.toISOString()}` },
    });
    const approving = (actor: string, required = 1): RequestEvent => ({
      type: 'approve',
      actor,
      grounds: grounds(required),
      plan,
      ...lease(),
    });

    it('records what the apply will write, and whose claim planned it, in the approving transaction', () => {
      const out = ok(transition(pending(), approving('U0BOB'), at(10)));
      expect(out.next.status).toBe('approved');
      expect(out.next.writing).toEqual({ expression: `abcdefghjk from ${at(10).toISOString()}`, plannedBy: 'h1' });
      expect(out.event).toMatchObject({ action: 'approved' });
      expect(out.then).toEqual([
        {
          at: at(10),
          actor: 'runwarden',
          action: 'google_write',
          detail: { call: 'SetIamPolicy', expression: `abcdefghjk from ${at(10).toISOString()}` },
          category: 'bookkeeping',
        },
      ]);
    });

    it('plans nothing for an approval that does not start the apply, nor over a write recorded before', () => {
      const waiting = ok(transition(pending({ approvalsRequired: 2 }), approving('U0BOB', 2), at(10)));
      expect(waiting.next.status).toBe('pending');
      expect(waiting.next.writing).toBeUndefined();
      expect(waiting.then).toBeUndefined();

      const recorded = ok(transition(pending({ writing: { expression: 'earlier' } }), approving('U0BOB'), at(10)));
      expect(recorded.next.writing).toEqual({ expression: 'earlier' });
      expect(recorded.then).toBeUndefined();
    });
  });

  it('one approval of one needed approves the request and asks to apply under the clicker’s lease', () => {
    const out = ok(transition(pending(), approve('U0BOB'), at(10)));
    expect(out.next.status).toBe('approved');
    expect(out.next.approvals).toEqual([{ approver: 'U0BOB', at: at(10) }]);
    expect(out.next.op).toMatchObject({ type: 'apply', holder: 'h1', attempts: 1 });
    expect(out.effects).toContainEqual({ type: 'apply' });
    expect(out.event).toMatchObject({ actor: 'U0BOB', action: 'approved' });
  });

  it('the first of two needed approvals keeps the request pending and tells the requester', () => {
    const out = ok(transition(pending({ approvalsRequired: 2 }), approve('U0BOB', 2), at(10)));
    expect(out.next.status).toBe('pending');
    expect(out.effects).toEqual([{ type: 'refresh_message' }, { type: 'notify_requester', notice: 'approval' }]);
  });

  it('a second distinct approver completes N of M', () => {
    const first = ok(transition(pending({ approvalsRequired: 2 }), approve('U0BOB', 2), at(10))).next;
    const second = ok(transition(first, approve('U0CAROL', 2), at(20))).next;
    expect(second.status).toBe('approved');
    expect(second.approvals.map((a) => a.approver)).toEqual(['U0BOB', 'U0CAROL']);
  });

  it('the number required is the policy’s now, not the one at submission', () => {
    const out = ok(transition(pending({ approvalsRequired: 1 }), approve('U0BOB', 2), at(10)));
    expect(out.next).toMatchObject({ status: 'pending', approvalsRequired: 2 });
  });

  it.each([
    ['the requester approving their own request', approve('U0ALICE'), ErrorCode.SelfApproval, 'self_approval'],
    ['someone outside the approver group', approve('U0MALLORY'), ErrorCode.NotAnApprover, 'not_an_approver'],
    [
      'an approver whose identity is unknown, on a grant to a member (fail closed)',
      approve('U0BOB', 1, { emails: { U0BOB: undefined } }),
      ErrorCode.SelfApproval,
      'approver_identity_unknown',
    ],
    [
      'an approver whose own identity is the member granted',
      approve('U0BOB', 1, { emails: { U0BOB: 'alice@acme.example', U0ALICE: 'alice@acme.example' } }),
      ErrorCode.SelfApproval,
      'member_approval',
    ],
  ])('refuses %s and records the refusal', (_title, event, code, reason) => {
    const out = refused(transition(pending(), event, at(10)));
    expect(out.error.code).toBe(code);
    expect(out.record).toMatchObject({ action: 'approve_refused', at: at(10), detail: { reason } });
  });

  it('refuses and records an approval of a request the policy no longer allows', () => {
    const out = refused(
      transition(pending({ target: 'projects/acme-other/locations/us-central1/services/hello' }), approve('U0BOB'), at(10)),
    );
    expect(out.error.code).toBe(ErrorCode.NotAllowed);
    expect(out.record).toMatchObject({ detail: { reason: 'no_longer_allowed' } });
  });

  it('counts each approver once, and records the duplicate', () => {
    const first = ok(transition(pending({ approvalsRequired: 2 }), approve('U0BOB', 2), at(10))).next;
    const out = refused(transition(first, approve('U0BOB', 2), at(11)));
    expect(out.error.code).toBe(ErrorCode.AlreadyApproved);
    expect(out.record).toMatchObject({ actor: 'U0BOB', action: 'approve_refused', detail: { reason: 'duplicate_approval' } });
  });

  it('drops an earlier approval that no longer counts, audits it, and waits for more', () => {
    const first = ok(transition(pending({ approvalsRequired: 2 }), approve('U0BOB', 2), at(10))).next;
    const bobLeft: RequestEvent = {
      type: 'approve',
      actor: 'U0CAROL',
      grounds: {
        policy: policyFrom(policyYaml(2).replace('platform: [U0BOB, U0CAROL, U0DAVE]', 'platform: [U0CAROL, U0DAVE]')),
        facts: facts(),
        kinds: KIND_RULES,
      },
      ...lease(),
    };
    const out = ok(transition(first, bobLeft, at(20)));
    expect(out.next).toMatchObject({ status: 'pending', approvals: [{ approver: 'U0CAROL', at: at(20) }] });
    expect(out.also).toEqual([
      { at: at(20), actor: 'runwarden', action: 'approval_dropped', detail: { approver: 'U0BOB', reason: 'not_an_approver' } },
    ]);
    expect(out.effects).not.toContainEqual({ type: 'apply' });
  });

  it('refuses and records an approval once the request is decided (a replayed click), even by an outsider', () => {
    const approved = ok(transition(pending(), approve('U0BOB'), at(10))).next;
    const replay = refused(transition(approved, approve('U0CAROL'), at(11)));
    expect(replay.error.code).toBe(ErrorCode.InvalidState);
    expect(replay.record).toMatchObject({ actor: 'U0CAROL', action: 'approve_refused', detail: { reason: 'already_approved' } });
    const outsider = refused(transition(approved, approve('U0MALLORY'), at(12)));
    expect(outsider.record).toMatchObject({ actor: 'U0MALLORY', detail: { reason: 'already_approved' } });
  });
});

describe('re-check at apply', () => {
  const approved = (): AccessRequest =>
    ok(transition(pending({ approvalsRequired: 1 }), { type: 'approve', actor: 'U0BOB', grounds: grounds(), ...lease('h1') }, at(10))).next;

  it('approvals that no longer count send the request back to pending, audited, with nothing applied', () => {
    const out = ok(
      transition(
        approved(),
        { type: 'requeue', holder: 'h1', approvalsRequired: 1, dropped: [{ approver: 'U0BOB', reason: 'not_an_approver' }] },
        at(11),
      ),
    );
    expect(out.next).toMatchObject({ status: 'pending', approvals: [], op: undefined });
    expect(out.event).toMatchObject({ action: 'awaiting_approvals', detail: { count: 0, required: 1 } });
    expect(out.also).toEqual([
      { at: at(11), actor: 'runwarden', action: 'approval_dropped', detail: { approver: 'U0BOB', reason: 'not_an_approver' } },
    ]);
    expect(out.effects).toEqual([{ type: 'refresh_message' }]);
  });

  it('only the holder of the apply lease may send it back', () => {
    expect(refused(transition(approved(), { type: 'requeue', holder: 'h2', approvalsRequired: 1, dropped: [] }, at(11))).ok).toBe(false);
  });
});

describe('deny, cancel, timeout', () => {
  it('an approver denies: the request ends and the requester is told', () => {
    const out = ok(transition(pending(), { type: 'deny', actor: 'U0BOB', grounds: grounds() }, at(5)));
    expect(out.next).toMatchObject({ status: 'denied', decidedBy: 'U0BOB' });
    expect(out.effects).toContainEqual({ type: 'notify_requester', notice: 'denied' });
  });

  it('a deny with a reason keeps it on the request and in the denied event; one without adds nothing', () => {
    const out = ok(transition(pending(), { type: 'deny', actor: 'U0BOB', grounds: grounds(), reason: 'too broad' }, at(5)));
    expect(out.next).toMatchObject({ status: 'denied', decisionReason: 'too broad' });
    expect(out.event).toMatchObject({ action: 'denied', detail: { reason: 'too broad' } });
    const plain = ok(transition(pending(), { type: 'deny', actor: 'U0BOB', grounds: grounds() }, at(5)));
    expect(plain.next.decisionReason).toBeUndefined();
    expect(plain.event.detail).toEqual({});
  });

  it('a refused deny records nothing of its reason on the request', () => {
    const out = refused(transition(pending(), { type: 'deny', actor: 'U0ALICE', grounds: grounds(), reason: 'mine' }, at(5)));
    expect(out.record).toMatchObject({ action: 'deny_refused' });
  });

  it('the requester cannot deny their own request', () => {
    expect(refused(transition(pending(), { type: 'deny', actor: 'U0ALICE', grounds: grounds() }, at(5))).error.code).toBe(
      ErrorCode.SelfApproval,
    );
  });

  it('only the requester cancels', () => {
    expect(ok(transition(pending(), { type: 'cancel', actor: 'U0ALICE', grounds: grounds() }, at(5))).next.status).toBe('cancelled');
    expect(userText(refused(transition(pending(), { type: 'cancel', actor: 'U0BOB', grounds: grounds() }, at(5))).error)).toEqual(
      expect.stringContaining('an approver decides it with *Deny*'),
    );
    expect(refused(transition(pending(), { type: 'cancel', actor: 'U0BOB', grounds: grounds() }, at(5))).error).toMatchObject({
      code: ErrorCode.NotAllowed,
    });
  });

  it('cancelling an active grant is refused with the way to end it: revoke', () => {
    const active = pending({ status: 'active', approvals: [{ approver: 'U0BOB', at: at(10) }], appliedAt: at(11), expiresAt: at(7211) });
    const out = refused(transition(active, { type: 'cancel', actor: 'U0ALICE', grounds: grounds() }, at(20)));
    expect(out.error.code).toBe(ErrorCode.InvalidState);
    expect(userText(out.error)).toContain(`to end it now: \`/warden revoke ${active.id}\``);
    expect(out.record).toMatchObject({ action: 'cancel_refused', detail: { reason: 'already_active' } });
  });

  it('times out only when stale', () => {
    expect(refused(transition(pending(), { type: 'timeout', pendingTimeoutSeconds: 3600 }, at(3599))).ok).toBe(false);
    expect(ok(transition(pending(), { type: 'timeout', pendingTimeoutSeconds: 3600 }, at(3600))).next.status).toBe('timed_out');
  });
});

describe('apply under a lease', () => {
  const approved = (): AccessRequest =>
    ok(transition(pending(), { type: 'approve', actor: 'U0BOB', grounds: grounds(), ...lease('h1') }, at(10))).next;

  it('only the lease holder may record the apply; a time-bound change becomes active with its expiry', () => {
    expect(refused(transition(approved(), { type: 'applied', holder: 'h2', result: {}, expiresAt: at(7210) }, at(11))).ok).toBe(false);
    const out = ok(
      transition(approved(), { type: 'applied', holder: 'h1', result: { binding: 'runwarden-abcdefghjk' }, expiresAt: at(7210) }, at(11)),
    );
    expect(out.next).toMatchObject({ status: 'active', expiresAt: at(7210), appliedAt: at(11), op: undefined });
  });

  it('a permanent change ends as applied', () => {
    const request = ok(
      transition(
        pending({ kind: 'egress', durationSeconds: undefined, value: 'all-traffic', role: undefined, member: undefined }),
        { type: 'approve', actor: 'U0BOB', grounds: grounds(), ...lease('h1') },
        at(10),
      ),
    ).next;
    expect(
      ok(transition(request, { type: 'applied', holder: 'h1', result: {}, previousValue: 'private-ranges-only' }, at(11))).next,
    ).toMatchObject({
      status: 'applied',
      previousValue: 'private-ranges-only',
    });
  });

  it('the sweep cannot claim an apply while the lease is live, and can once it lapsed', () => {
    expect(refused(transition(approved(), { type: 'claim_apply', maxAttempts: 5, ...lease('sweep') }, at(100))).error.code).toBe(
      ErrorCode.Conflict,
    );
    const out = ok(transition(approved(), { type: 'claim_apply', maxAttempts: 5, ...lease('sweep', 900) }, at(400)));
    expect(out.next.op).toMatchObject({ holder: 'sweep', attempts: 2 });
    expect(out.effects).toEqual([{ type: 'apply' }]);
  });

  it('gives up after the maximum number of attempts', () => {
    const out = ok(transition(approved(), { type: 'claim_apply', maxAttempts: 1, ...lease('sweep', 900) }, at(400)));
    expect(out.next.status).toBe('failed');
  });

  it('a permanent failure ends the request; a transient one releases the lease for the sweep', () => {
    expect(
      ok(transition(approved(), { type: 'apply_failed', holder: 'h1', reason: 'Permission denied', retryable: false }, at(12))).next.status,
    ).toBe('failed');
    const transient = ok(
      transition(approved(), { type: 'apply_failed', holder: 'h1', reason: 'unavailable', retryable: true }, at(12)),
    ).next;
    expect(transient.status).toBe('approved');
    expect(transient.op?.leaseUntil).toEqual(at(12));
  });
});

describe('ending an active change', () => {
  const active = (overrides: Partial<AccessRequest> = {}): AccessRequest =>
    pending({ status: 'active', approvals: [{ approver: 'U0BOB', at: at(10) }], appliedAt: at(11), expiresAt: at(7211), ...overrides });

  it('expiry: claimable only when due, then expired', () => {
    expect(refused(transition(active(), { type: 'claim_revert', maxAttempts: 5, ...lease('s') }, at(7000))).ok).toBe(false);
    const claimed = ok(transition(active(), { type: 'claim_revert', maxAttempts: 5, ...lease('s', 8000) }, at(7211))).next;
    expect(claimed.op).toMatchObject({ type: 'revert', intent: 'expire' });
    expect(ok(transition(claimed, { type: 'reverted', holder: 's', detail: { binding: 'removed' } }, at(7212))).next.status).toBe(
      'expired',
    );
  });

  it('revoke by the requester or an approver, not by others', () => {
    // someone who may not even read the request is told there is no such request (SPEC §4), and it is recorded
    const outsider = refused(transition(active(), { type: 'revoke', actor: 'U0MALLORY', grounds: grounds(), ...lease() }, at(100)));
    expect(outsider.error.code).toBe(ErrorCode.NotFound);
    expect(outsider.record).toMatchObject({ actor: 'U0MALLORY', action: 'revoke_refused', detail: { reason: 'not_visible' } });
    const revoking = ok(transition(active(), { type: 'revoke', actor: 'U0ALICE', grounds: grounds(), ...lease('r') }, at(100))).next;
    expect(revoking.op).toMatchObject({ intent: 'revoke', by: 'U0ALICE' });
    const out = ok(transition(revoking, { type: 'reverted', holder: 'r', detail: {} }, at(101)));
    expect(out.next).toMatchObject({ status: 'revoked', decidedBy: 'U0ALICE' });
    expect(out.event.actor).toBe('U0ALICE');
  });

  it('a revoke with a reason: kept from the moment it is asked, in revoke_requested and revoked events', () => {
    const revoking = ok(
      transition(active(), { type: 'revoke', actor: 'U0BOB', grounds: grounds(), reason: 'done', ...lease('r') }, at(100)),
    );
    expect(revoking.next.decisionReason).toBe('done');
    expect(revoking.event).toMatchObject({ action: 'revoke_requested', detail: { reason: 'done' } });
    const out = ok(transition(revoking.next, { type: 'reverted', holder: 'r', detail: {} }, at(101)));
    expect(out.next).toMatchObject({ status: 'revoked', decisionReason: 'done' });
    expect(out.event).toMatchObject({ action: 'revoked', detail: { reason: 'done' } });
  });

  it('an interrupted revoke is finished by the sweep as a revoke', () => {
    const revoking = ok(transition(active(), { type: 'revoke', actor: 'U0BOB', grounds: grounds(), ...lease('r', 300) }, at(100))).next;
    const claimed = ok(transition(revoking, { type: 'claim_revert', maxAttempts: 5, ...lease('s', 1000) }, at(500))).next;
    expect(claimed.op).toMatchObject({ intent: 'revoke', by: 'U0BOB', holder: 's', attempts: 2 });
  });

  describe('the revert’s first write, recorded with the sweep’s claim (issue 20 §4)', () => {
    const planRevert = (request: AccessRequest) => ({ call: 'SetIamPolicy', writing: { removing: `runwarden-${request.id}` } });
    const claim = (holder: string, leaseEnd: number): RequestEvent => ({
      type: 'claim_revert',
      maxAttempts: 5,
      plan: planRevert,
      ...lease(holder, leaseEnd),
    });

    it('records what the revert will write, and whose claim planned it, beside what was written before', () => {
      const out = ok(transition(active({ writing: { expression: 'the grant' } }), claim('s', 8000), at(7211)));
      expect(out.next.op).toMatchObject({ type: 'revert', holder: 's', attempts: 1 });
      expect(out.next.writing).toEqual({ expression: 'the grant', removing: 'runwarden-abcdefghjk', plannedBy: 's' });
      expect(out.event).toMatchObject({ action: 'revert_started' });
      expect(out.then).toEqual([
        {
          at: at(7211),
          actor: 'runwarden',
          action: 'google_write',
          detail: { call: 'SetIamPolicy', removing: 'runwarden-abcdefghjk' },
          category: 'bookkeeping',
        },
      ]);
    });

    it('plans nothing on a retried revert: its guard records the write (an earlier attempt’s plan stays evidence)', () => {
      const first = ok(transition(active(), claim('s1', 7300), at(7211))).next;
      // the first holder died with its lease; a second sweep claims again
      const second = ok(transition(first, claim('s2', 8000), at(7400)));
      expect(second.next.op).toMatchObject({ holder: 's2', attempts: 2 });
      expect(second.next.writing).toEqual({ removing: 'runwarden-abcdefghjk', plannedBy: 's1' });
      expect(second.then).toBeUndefined();
    });
  });

  it('drift ends the request without reverting and tells requester and approvers', () => {
    const claimed = ok(transition(active(), { type: 'claim_revert', maxAttempts: 5, ...lease('s', 8000) }, at(7211))).next;
    const out = ok(transition(claimed, { type: 'drifted', holder: 's', detail: 'changed meanwhile', observed: 'all-traffic' }, at(7212)));
    expect(out.next).toMatchObject({ status: 'expired', outcome: 'changed meanwhile', result: { drift: 'all-traffic' } });
    expect(out.effects).toContainEqual({ type: 'notify_approvers', notice: 'drift' });
  });
});

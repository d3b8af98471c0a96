/**
 * Issue 16 §11 and §9: a revert Google keeps refusing. The request stays
 * active (never a quiet `failed`, never called ended while what runwarden
 * wrote is in force), the next attempt waits a backoff recorded on the
 * request, the requester and the approvers are told once at the first
 * failure and "undone after all" when it goes through; an invoker grant
 * whose IAM condition has passed may end `failed` after maxAttempts,
 * saying the condition ended the access.
 */
import { REVERT_BACKOFF_CAP_SECONDS, revertBackoffSeconds, revertWaiting } from '../../../src/domain/ending';
import { obsoleteNotice } from '../../../src/domain/obsoleteNotice';
import type { AccessRequest, Delivery } from '../../../src/domain/request';
import { transition, type RequestEvent, type TransitionOutcome } from '../../../src/domain/stateMachine';

const T0 = new Date('2026-11-22T12:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const EXPIRY = 3600;

function active(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'abcdefghjk',
    kind: 'invoker',
    status: 'active',
    requester: 'U0ALICE',
    target: 'projects/acme-prod/locations/us-central1/services/hello',
    reason: 'debugging',
    createdAt: T0,
    updatedAt: T0,
    approvals: [{ approver: 'U0BOB', at: at(1) }],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 0,
    channel: 'C0APPROVALS',
    durationSeconds: EXPIRY,
    expiresAt: at(EXPIRY),
    appliedAt: at(2),
    role: 'roles/run.invoker',
    member: 'user:alice@acme.example',
    ...overrides,
  };
}

function ok(outcome: TransitionOutcome): Extract<TransitionOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected a transition, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}

const claim = (now: number, holder = 's'): RequestEvent => ({ type: 'claim_revert', maxAttempts: 5, holder, leaseUntil: at(now + 300) });
const refusedBy = (holder: string, accessEndsAt?: Date): RequestEvent => ({
  type: 'revert_failed',
  holder,
  reason: 'Permission denied',
  accessEndsAt,
});

/** Claims and fails the revert at `now` (seconds), returning the request after the failure and its transition. */
function failAt(request: AccessRequest, now: number, accessEndsAt?: Date) {
  const claimed = ok(transition(request, claim(now), at(now))).next;
  return ok(transition(claimed, refusedBy('s', accessEndsAt), at(now + 1)));
}

describe('the backoff between attempts of a failing revert', () => {
  it('doubles from one minute and stops at an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map(revertBackoffSeconds)).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    expect(REVERT_BACKOFF_CAP_SECONDS).toBe(3600);
  });

  it('is recorded on the request, and no claim is made before it is due — by any instance', () => {
    const first = failAt(active(), EXPIRY).next;
    expect(first.revertFailing).toMatchObject({ failures: 1, retryAt: at(EXPIRY + 1 + 60), since: at(EXPIRY + 1) });
    expect(revertWaiting(first, at(EXPIRY + 30))).toBe(true);
    const early = transition(first, claim(EXPIRY + 30, 'other-instance'), at(EXPIRY + 30));
    expect(early.ok).toBe(false);
    expect(revertWaiting(first, at(EXPIRY + 61))).toBe(false);
    const second = failAt(first, EXPIRY + 61).next;
    expect(second.revertFailing).toMatchObject({ failures: 2, retryAt: at(EXPIRY + 62 + 120), since: at(EXPIRY + 1) });
  });
});

describe('a revert Google refuses', () => {
  it('leaves the request active, and tells the requester and the approvers once, at the first failure', () => {
    const first = failAt(active(), EXPIRY);
    expect(first.next.status).toBe('active');
    expect(first.next.endedAt).toBeUndefined();
    expect(first.effects).toEqual(
      expect.arrayContaining([
        { type: 'notify_requester', notice: 'revert_failing' },
        { type: 'notify_approvers', notice: 'revert_failing' },
      ]),
    );
    const second = failAt(first.next, EXPIRY + 100);
    expect(second.next.status).toBe('active');
    expect(second.effects.filter((e) => e.type === 'notify_requester' || e.type === 'notify_approvers')).toEqual([]);
  });

  it('an egress change is never given up, however often it fails: no failed, no ended', () => {
    let request = active({
      kind: 'egress',
      value: 'all-traffic',
      previousValue: 'private-ranges-only',
      role: undefined,
      member: undefined,
    });
    let now = EXPIRY;
    for (let i = 0; i < 12; i++) {
      const out = failAt(request, now);
      request = out.next;
      expect(request.status).toBe('active');
      now = Math.ceil((request.revertFailing?.retryAt.getTime() ?? 0) - T0.getTime()) / 1000;
    }
    expect(request.revertFailing).toMatchObject({ failures: 12 });
    expect(request.revertFailing?.accessEndsAt).toBeUndefined();
    expect(ok(transition(request, claim(now), at(now))).next.status).toBe('active');
  });

  it('an invoker revoke whose IAM condition is still ahead is kept trying past maxAttempts', () => {
    const revoking = active({ op: { type: 'revert', intent: 'revoke', by: 'U0ALICE', holder: 'r', leaseUntil: at(100), attempts: 1 } });
    let request = ok(transition(revoking, refusedBy('r', at(EXPIRY)), at(50))).next;
    let now = 200;
    for (let i = 0; i < 6; i++) {
      request = failAt(request, now, at(EXPIRY)).next;
      now = (request.revertFailing?.retryAt.getTime() ?? 0) / 1000 - T0.getTime() / 1000;
      if (now >= EXPIRY) break;
    }
    expect(request.status).toBe('active');
    expect(request.op).toMatchObject({ intent: 'revoke' });
  });

  it('an invoker grant whose IAM condition has passed ends failed after maxAttempts, saying the condition ended the access', () => {
    let request = active();
    let now = EXPIRY;
    for (let i = 0; i < 5; i++) {
      request = failAt(request, now, at(EXPIRY)).next;
      now = (request.revertFailing?.retryAt.getTime() ?? 0) / 1000 - T0.getTime() / 1000;
    }
    const out = ok(transition(request, claim(now), at(now)));
    expect(out.next.status).toBe('failed');
    expect(out.next.outcome).toMatch(/IAM condition ended the access at 2026-11-22T13:00:00.000Z/);
    expect(out.next.outcome).toMatch(/remove it by hand/);
    expect(out.effects).toEqual(expect.arrayContaining([{ type: 'notify_approvers', notice: 'failed' }]));
  });

  it('goes through at last: ended, the failure record cleared, and both told it is undone after all', () => {
    const failing = failAt(active(), EXPIRY).next;
    const claimed = ok(transition(failing, claim(EXPIRY + 61), at(EXPIRY + 61))).next;
    const out = ok(transition(claimed, { type: 'reverted', holder: 's', detail: { binding: 'removed' } }, at(EXPIRY + 62)));
    expect(out.next.status).toBe('expired');
    expect(out.next.revertFailing).toBeUndefined();
    expect(out.effects).toEqual(
      expect.arrayContaining([
        { type: 'notify_requester', notice: 'revert_recovered' },
        { type: 'notify_approvers', notice: 'revert_recovered' },
      ]),
    );
    expect(out.event.detail).toMatchObject({ afterFailures: 1 });
  });

  it('a revert that never failed ends as before: one notice of its status', () => {
    const claimed = ok(transition(active(), claim(EXPIRY), at(EXPIRY))).next;
    const out = ok(transition(claimed, { type: 'reverted', holder: 's', detail: {} }, at(EXPIRY + 1)));
    expect(out.effects).toEqual([{ type: 'refresh_message' }, { type: 'notify_requester', notice: 'expired' }]);
  });

  it('a "still in force" notice still waiting when the revert went through is dropped, never sent late', () => {
    const failing = failAt(active(), EXPIRY).next;
    const delivery = (type: Delivery['type']): Delivery => ({
      id: 'd1',
      type,
      notice: 'revert_failing',
      enqueuedAt: at(EXPIRY),
      notBefore: at(EXPIRY),
      attempts: 0,
    });
    expect(obsoleteNotice(failing, delivery('notify_approvers'), at(EXPIRY + 2))).toBeUndefined();
    const ended = { ...failing, status: 'expired' as const, revertFailing: undefined };
    expect(obsoleteNotice(ended, delivery('notify_approvers'), at(EXPIRY + 70))).toBeDefined();
    expect(obsoleteNotice(ended, delivery('notify_requester'), at(EXPIRY + 70))).toBeDefined();
  });
});

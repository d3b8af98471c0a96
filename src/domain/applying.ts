/**
 * Applying an approved request (SPEC §6–§8): the sweep (or the approving
 * click) claims the work under a lease; the holder records what Google did —
 * applied, failed (for good, or to be tried again), or a scheduled window
 * already passed. Only the lease's holder may record a result; a stalled
 * process that comes back is refused and audited. Pure.
 */
import { ErrorCode } from './errors';
import type { AccessRequest, Operation } from './request';
import { SYSTEM_ACTOR, isTimeBound } from './request';
import { inForceTooLate, windowPassed } from './schedule';
import { done, holds, leaseIsLive, refuse, staleResult, wrongState, type RequestEvent, type TransitionOutcome } from './transitions';

/** The sweep takes over an approved request whose apply was interrupted (its lease ran out), or gives up after maxAttempts. */
export function claimApply(request: AccessRequest, event: Extract<RequestEvent, { type: 'claim_apply' }>, now: Date): TransitionOutcome {
  if (request.status !== 'approved') return wrongState(request, 'applied');
  if (leaseIsLive(request.op, now)) return refuse(ErrorCode.Conflict, `Request \`${request.id}\` is being applied.`);
  const attempts = (request.op?.attempts ?? 0) + 1;
  if (attempts > event.maxAttempts) {
    const outcome = `The change could not be applied after ${event.maxAttempts} attempts.`;
    return done(request, { status: 'failed', op: undefined, endedAt: now, outcome }, now, SYSTEM_ACTOR, 'failed', { outcome }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'failed' },
    ]);
  }
  const op: Operation = {
    type: 'apply',
    intent: 'approve',
    by: SYSTEM_ACTOR,
    holder: event.holder,
    leaseUntil: event.leaseUntil,
    attempts,
  };
  return done(request, { op }, now, SYSTEM_ACTOR, 'apply_started', { attempt: attempts }, [{ type: 'apply' }]);
}

/** The holder found the scheduled grant's window already passed: it ends, nothing written. */
export function passWindow(request: AccessRequest, event: Extract<RequestEvent, { type: 'window_passed' }>, now: Date): TransitionOutcome {
  if (request.status !== 'approved' || !holds(request, event.holder, 'apply')) return staleResult(request, event, 'ended', now);
  return windowPassed(request, now);
}

/** The holder's change is in force: active until its expiry, or applied for good. */
export function applied(request: AccessRequest, event: Extract<RequestEvent, { type: 'applied' }>, now: Date): TransitionOutcome {
  if (request.status !== 'approved' || !holds(request, event.holder, 'apply')) return staleResult(request, event, 'marked applied', now);
  if (event.expiresAt !== undefined && event.expiresAt.getTime() <= now.getTime()) return inForceTooLate(request, event, now);
  const timeBound = isTimeBound(request);
  const changes: Partial<AccessRequest> = {
    status: timeBound ? 'active' : 'applied',
    appliedAt: now,
    expiresAt: timeBound ? event.expiresAt : undefined,
    result: { ...request.result, ...event.result },
    op: undefined,
    writing: undefined,
  };
  if (event.previousValue !== undefined) changes.previousValue = event.previousValue;
  if (event.removed !== undefined) changes.removed = event.removed;
  if (!timeBound) changes.endedAt = now;
  const detail = { ...event.result, ...(event.expiresAt ? { expiresAt: event.expiresAt.toISOString() } : {}) };
  return done(request, changes, now, SYSTEM_ACTOR, 'applied', detail, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'applied' },
    // access taken from other people (a conversion's members): each is told how to ask for it just in time
    ...((event.removed?.members.length ?? 0) > 0 ? [{ type: 'notify_members' } as const] : []),
  ]);
}

/** The apply failed: tried again by the sweep when retryable (the lease released), else the request fails. */
export function applyFailed(request: AccessRequest, event: Extract<RequestEvent, { type: 'apply_failed' }>, now: Date): TransitionOutcome {
  if (request.status !== 'approved' || !holds(request, event.holder, 'apply')) return staleResult(request, event, 'marked failed', now);
  if (event.retryable) {
    // keep the attempt count, release the lease: the sweep tries again
    const op: Operation = { ...(request.op as Operation), leaseUntil: now };
    return done(
      request,
      { op },
      now,
      SYSTEM_ACTOR,
      'apply_interrupted',
      { reason: event.reason, ...(event.detail !== undefined ? { error: event.detail } : {}) },
      [],
    );
  }
  const detail = { reason: event.reason, ...(event.detail !== undefined ? { error: event.detail } : {}) };
  return done(request, { status: 'failed', op: undefined, endedAt: now, outcome: event.reason }, now, SYSTEM_ACTOR, 'failed', detail, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'failed' },
    { type: 'notify_approvers', notice: 'failed' },
  ]);
}

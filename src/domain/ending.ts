/**
 * How a request ends besides a person's decision: a stale pending request
 * times out; an active one is reverted at expiry or on revoke (claimed
 * under a lease, its result recorded by the holder: reverted, drift found,
 * or failed and tried again), or ends when the sweep's drift check finds
 * someone else's change. Pure.
 */
import { ErrorCode } from './errors';
import { lapseOpenExtension } from './extensions';
import type { AccessRequest, Operation } from './request';
import { SYSTEM_ACTOR } from './request';
import { done, holds, leaseIsLive, refuse, staleResult, wrongState, type RequestEvent, type TransitionOutcome } from './transitions';

/** A pending request nobody decided within the timeout ends timed_out. */
export function timeOut(request: AccessRequest, event: Extract<RequestEvent, { type: 'timeout' }>, now: Date): TransitionOutcome {
  if (request.status !== 'pending') return wrongState(request, 'timed out');
  const due = request.createdAt.getTime() + event.pendingTimeoutSeconds * 1000;
  if (now.getTime() < due) return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` is not stale yet.`);
  const outcome = `No decision within ${Math.round(event.pendingTimeoutSeconds / 3600)}h.`;
  return done(request, { status: 'timed_out', endedAt: now, outcome }, now, SYSTEM_ACTOR, 'timed_out', {}, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'timed_out' },
  ]);
}

/** The sweep (or a revoke) claims the revert of an active request that is due or being revoked, or gives up after maxAttempts. */
export function claimRevert(request: AccessRequest, event: Extract<RequestEvent, { type: 'claim_revert' }>, now: Date): TransitionOutcome {
  if (request.status !== 'active') return wrongState(request, 'reverted');
  if (leaseIsLive(request.op, now)) return refuse(ErrorCode.Conflict, `Request \`${request.id}\` is being reverted.`);
  const revoking = request.op?.type === 'revert' && request.op.intent === 'revoke';
  const due = request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime();
  if (!revoking && !due) return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` has not expired yet.`);
  const attempts = (request.op?.type === 'revert' ? request.op.attempts : 0) + 1;
  if (attempts > event.maxAttempts) {
    const outcome = `The change could not be reverted after ${event.maxAttempts} attempts; check the resource by hand.`;
    return done(request, { status: 'failed', op: undefined, endedAt: now, outcome }, now, SYSTEM_ACTOR, 'failed', { outcome }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'failed' },
      { type: 'notify_approvers', notice: 'failed' },
    ]);
  }
  const lapse = lapseOpenExtension(request, now, 'The grant ended');
  const op: Operation = {
    type: 'revert',
    intent: revoking ? 'revoke' : 'expire',
    by: revoking ? (request.op as Operation).by : SYSTEM_ACTOR,
    holder: event.holder,
    leaseUntil: event.leaseUntil,
    attempts,
  };
  const changes: Partial<AccessRequest> = lapse.extensions ? { op, extensions: lapse.extensions } : { op };
  const effects = lapse.extensions ? [{ type: 'refresh_message' } as const, ...lapse.effects] : [];
  return done(request, changes, now, SYSTEM_ACTOR, 'revert_started', { intent: op.intent, attempt: attempts }, [
    { type: 'revert' },
    ...effects,
  ]);
}

/** The holder undid the change: the request is expired, or revoked by whoever asked. */
export function reverted(request: AccessRequest, event: Extract<RequestEvent, { type: 'reverted' }>, now: Date): TransitionOutcome {
  if (request.status !== 'active' || !holds(request, event.holder, 'revert')) return staleResult(request, event, 'marked reverted', now);
  const op = request.op as Operation;
  const status = op.intent === 'revoke' ? 'revoked' : 'expired';
  const changes: Partial<AccessRequest> = { status, op: undefined, endedAt: now, result: { ...request.result, ...event.detail } };
  if (event.outcome !== undefined) changes.outcome = event.outcome;
  if (status === 'revoked') changes.decidedBy = op.by;
  const detail = { ...event.detail, ...(event.outcome !== undefined ? { outcome: event.outcome } : {}) };
  return done(request, changes, now, op.by, status, detail, [{ type: 'refresh_message' }, { type: 'notify_requester', notice: status }]);
}

/** At revert, Google showed someone else's change: it stands, and the request ends saying so (SPEC §10). */
export function drifted(request: AccessRequest, event: Extract<RequestEvent, { type: 'drifted' }>, now: Date): TransitionOutcome {
  if (request.status !== 'active' || !holds(request, event.holder, 'revert')) return staleResult(request, event, 'marked drifted', now);
  const op = request.op as Operation;
  const status = op.intent === 'revoke' ? 'revoked' : 'expired';
  const changes: Partial<AccessRequest> = {
    status,
    op: undefined,
    endedAt: now,
    outcome: event.detail,
    result: { ...request.result, drift: event.observed },
  };
  if (status === 'revoked') changes.decidedBy = op.by;
  return done(request, changes, now, SYSTEM_ACTOR, 'drift_detected', { detail: event.detail, observed: event.observed }, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'drift' },
    { type: 'notify_approvers', notice: 'drift' },
  ]);
}

/** The revert failed: the lease is released and the sweep tries again. */
export function revertFailed(
  request: AccessRequest,
  event: Extract<RequestEvent, { type: 'revert_failed' }>,
  now: Date,
): TransitionOutcome {
  if (request.status !== 'active' || !holds(request, event.holder, 'revert')) return staleResult(request, event, 'marked failed', now);
  const op: Operation = { ...(request.op as Operation), leaseUntil: now };
  return done(request, { op }, now, SYSTEM_ACTOR, 'revert_interrupted', { reason: event.reason }, []);
}

/** The sweep's periodic check found someone else's change: the request ends, their change stands (SPEC §10). */
export function driftFound(request: AccessRequest, event: Extract<RequestEvent, { type: 'drift_found' }>, now: Date): TransitionOutcome {
  // The sweep's periodic check found someone else's change: the request ends, their change stands.
  if (request.status !== 'active') return wrongState(request, 'ended for drift');
  if (request.op !== undefined || request.updatedAt.getTime() !== event.checkedVersion.getTime()) {
    return refuse(ErrorCode.Conflict, `Request \`${request.id}\` changed while it was being checked.`);
  }
  const changes: Partial<AccessRequest> = {
    status: 'revoked',
    decidedBy: SYSTEM_ACTOR,
    endedAt: now,
    outcome: event.detail,
    result: { ...request.result, drift: event.observed },
  };
  const lapse = lapseOpenExtension(request, now, 'The grant ended (changed outside runwarden)');
  if (lapse.extensions) changes.extensions = lapse.extensions;
  return done(request, changes, now, SYSTEM_ACTOR, 'drift_detected', { detail: event.detail, observed: event.observed }, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'drift' },
    { type: 'notify_approvers', notice: 'drift' },
    ...lapse.effects,
  ]);
}

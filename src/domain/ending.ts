/**
 * How a request ends besides a person's decision: a stale pending request
 * times out; an active one is reverted at expiry or on revoke (claimed
 * under a lease, its result recorded by the holder: reverted, drift found,
 * or failed and tried again with backoff), or ends when the sweep's drift
 * check finds someone else's change. A revert that keeps failing never ends
 * the request while what runwarden wrote is in force: it stays `active`, the
 * requester and approvers are told once, and it is retried with backoff
 * (`revertFailing`). Pure.
 */
import { ErrorCode } from './errors';
import { lapseOpenExtension } from './extensions';
import type { AccessRequest, Operation, RevertFailing } from './request';
import { SYSTEM_ACTOR } from './request';
import {
  done,
  holds,
  leaseIsLive,
  recordPlanned,
  refuse,
  staleResult,
  wrongState,
  type Effect,
  type RequestEvent,
  type TransitionOutcome,
} from './transitions';

/** The longest wait between two attempts of a failing revert, seconds. */
export const REVERT_BACKOFF_CAP_SECONDS = 3600;

/**
 * Seconds to wait after the `failures`-th failure in a row of a revert
 * before the next attempt: 60, 120, 240 … doubling, capped at
 * REVERT_BACKOFF_CAP_SECONDS (1 h). `failures` < 1 counts as 1.
 */
export function revertBackoffSeconds(failures: number): number {
  const n = Math.max(1, Math.floor(failures));
  return n > 7 ? REVERT_BACKOFF_CAP_SECONDS : Math.min(REVERT_BACKOFF_CAP_SECONDS, 60 * 2 ** (n - 1));
}

/** Whether a failing revert of `request` must wait (its `retryAt` is after `now`). */
export function revertWaiting(request: AccessRequest, now: Date): boolean {
  return request.revertFailing !== undefined && request.revertFailing.retryAt.getTime() > now.getTime();
}

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

/**
 * The sweep (or a revoke) claims the revert of an active request that is due
 * or being revoked. A failing revert is not claimed before its `retryAt`.
 * It is given up only where Google's IAM condition has already ended the
 * access (`revertFailing.accessEndsAt` passed) and it failed `maxAttempts`
 * times: the request ends `failed`, saying the access ended by the condition
 * and the binding is left to remove by hand. Anything else is tried again for
 * as long as it takes.
 */
export function claimRevert(request: AccessRequest, event: Extract<RequestEvent, { type: 'claim_revert' }>, now: Date): TransitionOutcome {
  if (request.status !== 'active') return wrongState(request, 'reverted');
  if (leaseIsLive(request.op, now)) return refuse(ErrorCode.Conflict, `Request \`${request.id}\` is being reverted.`);
  const revoking = request.op?.type === 'revert' && request.op.intent === 'revoke';
  const due = request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime();
  if (!revoking && !due) return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` has not expired yet.`);
  const failing = request.revertFailing;
  if (failing && revertWaiting(request, now)) {
    return refuse(
      ErrorCode.Conflict,
      `The revert of request \`${request.id}\` is failing; it is tried again at ${failing.retryAt.toISOString()}.`,
    );
  }
  const attempts = (request.op?.type === 'revert' ? request.op.attempts : 0) + 1;
  if (failing?.accessEndsAt && failing.accessEndsAt.getTime() <= now.getTime() && failing.failures >= event.maxAttempts) {
    const outcome =
      `runwarden could not remove the IAM binding after ${failing.failures} attempts (${failing.reason.replace(/\.$/, '')}); ` +
      `its IAM condition ended the access at ${failing.accessEndsAt.toISOString()}. ` +
      `The binding is still on ${request.target}: remove it by hand.`;
    const detail = { outcome, failures: failing.failures, accessEndedAt: failing.accessEndsAt.toISOString() };
    return done(request, { status: 'failed', op: undefined, endedAt: now, outcome }, now, SYSTEM_ACTOR, 'failed', detail, [
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
  // The revert's first write recorded with the claim (as an approval records its apply's): no renewal right after it.
  // Only on the first attempt: a retry's guard records its write, so a removal an earlier attempt planned (and may
  // have made) stays evidence that an absent binding is runwarden's own doing.
  const planned = attempts === 1 ? event.plan?.({ ...request, op }, now) : undefined;
  const recorded = planned ? recordPlanned(request, planned, event.holder, now) : undefined;
  const changes: Partial<AccessRequest> = {
    op,
    ...(lapse.extensions ? { extensions: lapse.extensions } : {}),
    ...(recorded ? { writing: recorded.writing } : {}),
  };
  const effects = lapse.extensions ? [{ type: 'refresh_message' } as const, ...lapse.effects] : [];
  const outcome = done(request, changes, now, SYSTEM_ACTOR, 'revert_started', { intent: op.intent, attempt: attempts }, [
    { type: 'revert' },
    ...effects,
  ]);
  return recorded ? { ...outcome, then: [recorded.event] } : outcome;
}

/** The holder undid the change: the request is expired, or revoked by whoever asked. */
export function reverted(request: AccessRequest, event: Extract<RequestEvent, { type: 'reverted' }>, now: Date): TransitionOutcome {
  if (request.status !== 'active' || !holds(request, event.holder, 'revert')) return staleResult(request, event, 'marked reverted', now);
  const op = request.op as Operation;
  const status = op.intent === 'revoke' ? 'revoked' : 'expired';
  const changes: Partial<AccessRequest> = {
    status,
    op: undefined,
    revertFailing: undefined,
    endedAt: now,
    result: { ...request.result, ...event.detail },
  };
  if (event.outcome !== undefined) changes.outcome = event.outcome;
  if (status === 'revoked') changes.decidedBy = op.by;
  const failing = request.revertFailing;
  const reason = status === 'revoked' ? request.decisionReason : undefined;
  const detail = {
    ...event.detail,
    ...(event.outcome !== undefined ? { outcome: event.outcome } : {}),
    ...(failing ? { afterFailures: failing.failures } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
  // After failures the requester and the approvers were told the access remained: they are told it is undone after all.
  const notices: Effect[] = failing
    ? [
        { type: 'notify_requester', notice: 'revert_recovered' },
        { type: 'notify_approvers', notice: 'revert_recovered' },
      ]
    : [{ type: 'notify_requester', notice: status }];
  return done(request, changes, now, op.by, status, detail, [{ type: 'refresh_message' }, ...notices]);
}

/** At revert, Google showed someone else's change: it stands, and the request ends saying so (SPEC §10). */
export function drifted(request: AccessRequest, event: Extract<RequestEvent, { type: 'drifted' }>, now: Date): TransitionOutcome {
  if (request.status !== 'active' || !holds(request, event.holder, 'revert')) return staleResult(request, event, 'marked drifted', now);
  const op = request.op as Operation;
  const status = op.intent === 'revoke' ? 'revoked' : 'expired';
  const changes: Partial<AccessRequest> = {
    status,
    op: undefined,
    revertFailing: undefined,
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

/**
 * The revert failed (Google refused it): the request stays `active` — what
 * runwarden wrote is still in force, so it is not called ended —, the lease
 * is released and the next attempt waits revertBackoffSeconds(failures)
 * (`revertFailing.retryAt`, honoured by every instance's sweep). At the first
 * failure of a run the requester and the approvers are told the truth: the
 * revert was refused, the access remains (until the IAM condition's end
 * `event.accessEndsAt` for a binding, else until runwarden manages to undo
 * it), and runwarden keeps trying.
 */
export function revertFailed(
  request: AccessRequest,
  event: Extract<RequestEvent, { type: 'revert_failed' }>,
  now: Date,
): TransitionOutcome {
  if (request.status !== 'active' || !holds(request, event.holder, 'revert')) return staleResult(request, event, 'marked failed', now);
  const op: Operation = { ...(request.op as Operation), leaseUntil: now };
  const before = request.revertFailing;
  const failures = (before?.failures ?? 0) + 1;
  const retryAt = new Date(now.getTime() + revertBackoffSeconds(failures) * 1000);
  const revertFailing: RevertFailing = { since: before?.since ?? now, failures, retryAt, reason: event.reason };
  if (event.accessEndsAt) revertFailing.accessEndsAt = event.accessEndsAt;
  const detail = { reason: event.reason, failures, retryAt: retryAt.toISOString() };
  const notices: Effect[] = before
    ? []
    : [
        { type: 'refresh_message' },
        { type: 'notify_requester', notice: 'revert_failing' },
        { type: 'notify_approvers', notice: 'revert_failing' },
      ];
  return done(request, { op, revertFailing }, now, SYSTEM_ACTOR, 'revert_interrupted', detail, notices);
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

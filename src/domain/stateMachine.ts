/**
 * The request state machine: state + event + now → next state, the audit
 * event to append, and the effects to run once the transition is committed.
 * Pure: no I/O, no clock (now is a parameter), no randomness.
 *
 *   pending ──approve×N──▶ approved ──applied──▶ active ──expire/revoke──▶ expired | revoked
 *      │                      │                    (time-bound)
 *      │                      ├──applied──▶ applied (permanent)
 *      │                      └──apply_failed──▶ failed
 *      ├──deny──▶ denied      ├──cancel──▶ cancelled      └──timeout──▶ timed_out
 *
 * Work against Google runs under a lease (`op`): the transition that starts
 * it records who holds it until when, and only the holder may finish it. An
 * expired lease lets the sweep take the work over. The holder renews it, in a
 * transaction, immediately before each write to Google (`renew_lease`); a
 * holder whose lease lapsed meanwhile is refused and writes nothing.
 */
import { ErrorCode } from './errors';
import type { AccessRequest, Operation } from './request';
import { SYSTEM_ACTOR, isTimeBound } from './request';
import { approve, deny, requeue, revoke } from './decisions';
import { renewLease } from './lease';
import { done, holds, leaseIsLive, refuse, refusedBy, wrongState, type Refused, type RequestEvent, type TransitionOutcome } from './transitions';
import { decideAuthority } from './authority/decideAuthority';
import { claimExtend, decideExtension, extend, finishExtend, lapseOpenExtension } from './extensions';
import { warnExpiry } from './expiryWarning';
import { autoApprove, breakGlass, review } from './powers';
import { claimDelivery, deliveriesOf, deliveryFailed, deliverySucceeded, enqueue, strayMessage } from './outbox';
import { remind } from './reminders';
import { inForceTooLate, windowOpened, windowPassed } from './schedule';

export type { Effect, Lease, NoticeKind, Refused, RequestEvent, Transitioned, TransitionOutcome } from './transitions';

/**
 * The result of Google work reported by a process that no longer holds the
 * lease (it stalled, and another instance took over): refused, and audited so
 * the history shows the stalled process came back.
 */
function staleResult(request: AccessRequest, event: { type: string; holder: string }, what: string, now: Date): Refused {
  const refused = wrongState(request, what);
  return { ...refused, record: { at: now, actor: SYSTEM_ACTOR, action: 'stale_result', detail: { holder: event.holder, result: event.type } } };
}

/**
 * The next state of `request` after `event` at `now`. A transition's Slack
 * effects are queued in the request's outbox (src/domain/outbox.ts) in the
 * same document write, so they are delivered even if the process that made
 * the transition dies before sending them.
 */
export function transition(request: AccessRequest, event: RequestEvent, now: Date): TransitionOutcome {
  const outcome = decide(request, event, now);
  return outcome.ok ? { ...outcome, next: enqueue(outcome.next, deliveriesOf(outcome.effects), now) } : outcome;
}

function decide(request: AccessRequest, event: RequestEvent, now: Date): TransitionOutcome {
  switch (event.type) {
    case 'approve':
      return approve(request, event, now);
    case 'deny':
      return deny(request, event, now);
    case 'cancel': {
      const decision = decideAuthority('cancel', { actor: event.actor, request, ...event.grounds, now });
      if (decision.verdict === 'refused') return refusedBy(decision.refusal, now, event.actor, 'cancel_refused');
      return done(request, { status: 'cancelled', decidedBy: event.actor, endedAt: now }, now, event.actor, 'cancelled', {}, [
        { type: 'refresh_message' },
        { type: 'notify_requester', notice: 'cancelled' },
      ]);
    }
    case 'revoke':
      return revoke(request, event, now);
    case 'timeout': {
      if (request.status !== 'pending') return wrongState(request, 'timed out');
      const due = request.createdAt.getTime() + event.pendingTimeoutSeconds * 1000;
      if (now.getTime() < due) return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` is not stale yet.`);
      const outcome = `No decision within ${Math.round(event.pendingTimeoutSeconds / 3600)}h.`;
      return done(request, { status: 'timed_out', endedAt: now, outcome }, now, SYSTEM_ACTOR, 'timed_out', {}, [
        { type: 'refresh_message' },
        { type: 'notify_requester', notice: 'timed_out' },
      ]);
    }
    case 'claim_apply': {
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
      const op: Operation = { type: 'apply', intent: 'approve', by: SYSTEM_ACTOR, holder: event.holder, leaseUntil: event.leaseUntil, attempts };
      return done(request, { op }, now, SYSTEM_ACTOR, 'apply_started', { attempt: attempts }, [{ type: 'apply' }]);
    }
    case 'window_passed':
      if (request.status !== 'approved' || !holds(request, event.holder, 'apply')) return staleResult(request, event, 'ended', now);
      return windowPassed(request, now);
    case 'applied': {
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
      if (!timeBound) changes.endedAt = now;
      const detail = { ...event.result, ...(event.expiresAt ? { expiresAt: event.expiresAt.toISOString() } : {}) };
      return done(request, changes, now, SYSTEM_ACTOR, 'applied', detail, [
        { type: 'refresh_message' },
        { type: 'notify_requester', notice: 'applied' },
      ]);
    }
    case 'requeue':
      return requeue(request, event, now);
    case 'apply_failed': {
      if (request.status !== 'approved' || !holds(request, event.holder, 'apply')) return staleResult(request, event, 'marked failed', now);
      if (event.retryable) {
        // keep the attempt count, release the lease: the sweep tries again
        const op: Operation = { ...(request.op as Operation), leaseUntil: now };
        return done(request, { op }, now, SYSTEM_ACTOR, 'apply_interrupted', { reason: event.reason, ...(event.detail !== undefined ? { error: event.detail } : {}) }, []);
      }
      const detail = { reason: event.reason, ...(event.detail !== undefined ? { error: event.detail } : {}) };
      return done(request, { status: 'failed', op: undefined, endedAt: now, outcome: event.reason }, now, SYSTEM_ACTOR, 'failed', detail, [
        { type: 'refresh_message' },
        { type: 'notify_requester', notice: 'failed' },
        { type: 'notify_approvers', notice: 'failed' },
      ]);
    }
    case 'claim_revert': {
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
      const lapse = lapseOpenExtension(request, now, 'The grant ended before the extension was decided.');
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
      return done(request, changes, now, SYSTEM_ACTOR, 'revert_started', { intent: op.intent, attempt: attempts }, [{ type: 'revert' }, ...effects]);
    }
    case 'reverted': {
      if (request.status !== 'active' || !holds(request, event.holder, 'revert')) return staleResult(request, event, 'marked reverted', now);
      const op = request.op as Operation;
      const status = op.intent === 'revoke' ? 'revoked' : 'expired';
      const changes: Partial<AccessRequest> = { status, op: undefined, endedAt: now, result: { ...request.result, ...event.detail } };
      if (event.outcome !== undefined) changes.outcome = event.outcome;
      if (status === 'revoked') changes.decidedBy = op.by;
      const detail = { ...event.detail, ...(event.outcome !== undefined ? { outcome: event.outcome } : {}) };
      return done(request, changes, now, op.by, status, detail, [
        { type: 'refresh_message' },
        { type: 'notify_requester', notice: status },
      ]);
    }
    case 'drifted': {
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
    case 'revert_failed': {
      if (request.status !== 'active' || !holds(request, event.holder, 'revert')) return staleResult(request, event, 'marked failed', now);
      const op: Operation = { ...(request.op as Operation), leaseUntil: now };
      return done(request, { op }, now, SYSTEM_ACTOR, 'revert_interrupted', { reason: event.reason }, []);
    }
    case 'renew_lease':
      return renewLease(request, event, now);
    case 'drift_found': {
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
      const lapse = lapseOpenExtension(request, now, 'The grant ended (changed outside runwarden) before the extension was decided.');
      if (lapse.extensions) changes.extensions = lapse.extensions;
      return done(request, changes, now, SYSTEM_ACTOR, 'drift_detected', { detail: event.detail, observed: event.observed }, [
        { type: 'refresh_message' },
        { type: 'notify_requester', notice: 'drift' },
        { type: 'notify_approvers', notice: 'drift' },
        ...lapse.effects,
      ]);
    }
    case 'late_write_undone':
      // A write that landed after this process had lost its lease, and was taken back.
      return done(request, {}, now, SYSTEM_ACTOR, 'late_write_undone', event.detail, []);
    case 'claim_delivery':
      return claimDelivery(request, event, now);
    case 'delivered':
      return deliverySucceeded(request, event, now);
    case 'delivery_failed':
      return deliveryFailed(request, event, now);
    case 'stray_message':
      return strayMessage(request, event, now);
    case 'extend':
      return extend(request, event, now);
    case 'approve_extension':
    case 'deny_extension':
      return decideExtension(request, event, now);
    case 'claim_extend':
      return claimExtend(request, event, now);
    case 'extended':
    case 'extend_failed':
      return finishExtend(request, event, now);
    case 'warn_expiry':
      return warnExpiry(request, now);
    case 'reminded':
    case 'review_reminded':
      return remind(request, event, now);
    case 'auto_approve':
      return autoApprove(request, event, now);
    case 'break_glass':
      return breakGlass(request, event, now);
    case 'review':
      return review(request, event, now);
    case 'window_opened':
      return windowOpened(request, now);
  }
}

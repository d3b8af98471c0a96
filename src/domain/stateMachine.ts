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
import type { AccessRequest } from './request';
import { SYSTEM_ACTOR } from './request';
import { applied, applyFailed, claimApply, passWindow } from './applying';
import { approve, cancel, deny, requeue, revoke } from './decisions';
import { claimRevert, driftFound, drifted, revertFailed, reverted, timeOut } from './ending';
import { renewLease } from './lease';
import { done, type RequestEvent, type TransitionOutcome } from './transitions';
import { claimExtend, decideExtension, extend, finishExtend } from './extensions';
import { warnExpiry } from './expiryWarning';
import { autoApprove, breakGlass, review } from './powers';
import { claimDelivery, deliveriesOf, deliveryFailed, deliverySucceeded, enqueue, strayMessage } from './outbox';
import { remind } from './reminders';
import { windowOpened } from './schedule';

export type { Effect, Lease, NoticeKind, Refused, RequestEvent, Transitioned, TransitionOutcome } from './transitions';

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
    case 'cancel':
      return cancel(request, event, now);
    case 'revoke':
      return revoke(request, event, now);
    case 'timeout':
      return timeOut(request, event, now);
    case 'claim_apply':
      return claimApply(request, event, now);
    case 'window_passed':
      return passWindow(request, event, now);
    case 'applied':
      return applied(request, event, now);
    case 'requeue':
      return requeue(request, event, now);
    case 'apply_failed':
      return applyFailed(request, event, now);
    case 'claim_revert':
      return claimRevert(request, event, now);
    case 'reverted':
      return reverted(request, event, now);
    case 'drifted':
      return drifted(request, event, now);
    case 'revert_failed':
      return revertFailed(request, event, now);
    case 'renew_lease':
      return renewLease(request, event, now);
    case 'drift_found':
      return driftFound(request, event, now);
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

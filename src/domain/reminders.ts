/**
 * Reminders the sweep sends into a request's thread: approvers of a pending
 * request who have not acted yet, and the approvers of a break-glass request
 * nobody has reviewed (whatever its status), every `remindAfterSeconds`.
 * Whether one is due is decided inside the transition, so of two sweeps at
 * once only one records it; the reminder itself waits in the outbox (queued
 * here, not as an effect: it changes nothing anyone's App Home shows). Pure.
 */
import { ErrorCode } from './errors';
import { enqueue } from './outbox';
import type { AccessRequest } from './request';
import { SYSTEM_ACTOR, awaitsReview } from './request';
import { done, refuse, wrongState, type RequestEvent, type TransitionOutcome } from './transitions';

type Remind = Extract<RequestEvent, { type: 'reminded' | 'review_reminded' }>;

function elapsed(since: Date, now: Date, seconds: number): boolean {
  return since.getTime() + seconds * 1000 <= now.getTime();
}

/** A pending request with a posted message whose approvers were last reminded (or asked) `remindAfterSeconds` ago or more. */
export function reminderDue(request: AccessRequest, now: Date, remindAfterSeconds: number): boolean {
  return (
    request.status === 'pending' &&
    request.message !== undefined &&
    elapsed(request.lastRemindedAt ?? request.createdAt, now, remindAfterSeconds)
  );
}

/** An unreviewed break-glass request with a posted message, last reminded (or applied) `remindAfterSeconds` ago or more. */
export function reviewReminderDue(request: AccessRequest, now: Date, remindAfterSeconds: number): boolean {
  const since = request.lastRemindedAt ?? request.appliedAt ?? request.createdAt;
  return awaitsReview(request) && request.message !== undefined && elapsed(since, now, remindAfterSeconds);
}

export function remind(request: AccessRequest, event: Remind, now: Date): TransitionOutcome {
  if (event.type === 'reminded') {
    if (request.status !== 'pending') return wrongState(request, 'reminded about');
    if (!reminderDue(request, now, event.remindAfterSeconds))
      return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` needs no reminder now.`);
  } else {
    if (!awaitsReview(request)) return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` does not await review.`);
    if (!reviewReminderDue(request, now, event.remindAfterSeconds))
      return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` needs no review reminder now.`);
  }
  const outcome = done(request, { lastRemindedAt: now }, now, SYSTEM_ACTOR, event.type, {}, []);
  const work = event.type === 'reminded' ? 'remind_approvers' : 'remind_review';
  return { ...outcome, next: enqueue(outcome.next, [{ type: work }], now) };
}

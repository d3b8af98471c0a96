/**
 * Scheduled grants (SPEC §4 `--start`, §8): the binding is written as soon as
 * the request is approved, carrying both bounds, so the request is `active`
 * from then on with `startsAt` in the future. When the window opens the sweep
 * tells the requester, once. A grant whose window has closed by the time it
 * would be in force is never called in force: before the write it ends with
 * nothing written; after a write that landed too late (an apply that stalled
 * and was taken over) it is undone at once. Either way the request ends
 * `expired` and the requester is told why. Pure.
 */
import { ErrorCode } from './errors';
import type { AccessRequest, Operation } from './request';
import { SYSTEM_ACTOR } from './request';
import { done, refuse, type RequestEvent, type TransitionOutcome } from './transitions';

/** `2026-11-22 23:00 UTC` */
function utc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** approved → expired: the apply found the window already closed and wrote nothing. */
export function windowPassed(request: AccessRequest, now: Date): TransitionOutcome {
  const end =
    request.startsAt && request.durationSeconds !== undefined
      ? new Date(request.startsAt.getTime() + request.durationSeconds * 1000)
      : undefined;
  const outcome = `its window${end ? ` (until ${utc(end)})` : ''} had passed before it could be put in force, so nothing was written and it gave no access`;
  return done(request, { status: 'expired', op: undefined, endedAt: now, outcome }, now, SYSTEM_ACTOR, 'window_passed', { outcome }, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'expired' },
  ]);
}

/**
 * approved → active, its revert started at once: what was written ends
 * before now (an apply held past its lease and finished by another
 * instance), so it never gave access; runwarden removes it and the request
 * ends `expired`, saying why — never "in force".
 */
export function inForceTooLate(request: AccessRequest, event: Extract<RequestEvent, { type: 'applied' }>, now: Date): TransitionOutcome {
  const expiresAt = event.expiresAt ?? now;
  const outcome = `its window had passed (it ended ${utc(expiresAt)}) by the time it was in force, so it gave no access; runwarden removed what it wrote`;
  const op: Operation = {
    type: 'revert',
    intent: 'expire',
    by: SYSTEM_ACTOR,
    holder: event.holder,
    leaseUntil: event.leaseUntil ?? request.op?.leaseUntil ?? now,
    attempts: 1,
  };
  const changes: Partial<AccessRequest> = {
    status: 'active',
    appliedAt: now,
    expiresAt,
    result: { ...request.result, ...event.result },
    op,
    writing: undefined,
    outcome,
  };
  if (event.previousValue !== undefined) changes.previousValue = event.previousValue;
  return done(
    request,
    changes,
    now,
    SYSTEM_ACTOR,
    'applied_after_window',
    { ...event.result, expiresAt: expiresAt.toISOString(), outcome },
    [{ type: 'revert' }, { type: 'refresh_message' }],
  );
}

/** Whether the sweep should tell the requester that the window of a scheduled grant opened. */
export function windowOpenDue(request: AccessRequest, now: Date): boolean {
  return (
    request.status === 'active' &&
    request.startsAt !== undefined &&
    request.startNotifiedAt === undefined &&
    request.startsAt.getTime() <= now.getTime() &&
    (request.expiresAt === undefined || request.expiresAt.getTime() > now.getTime())
  );
}

export function windowOpened(request: AccessRequest, now: Date): TransitionOutcome {
  if (!windowOpenDue(request, now)) return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` has no window opening now.`);
  return done(request, { startNotifiedAt: now }, now, SYSTEM_ACTOR, 'window_opened', {}, [
    { type: 'notify_requester', notice: 'window_open' },
    { type: 'refresh_message' },
  ]);
}

/**
 * Scheduled grants (SPEC §4 `--start`, §8): the binding is written as soon as
 * the request is approved, carrying both bounds, so the request is `active`
 * from then on with `startsAt` in the future. When the window opens the sweep
 * tells the requester, once. Pure.
 */
import { ErrorCode } from './errors';
import type { AccessRequest } from './request';
import { SYSTEM_ACTOR } from './request';
import { done, refuse, type TransitionOutcome } from './transitions';

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
  return done(request, { startNotifiedAt: now }, now, SYSTEM_ACTOR, 'window_opened', {}, [{ type: 'notify_requester', notice: 'window_open' }, { type: 'refresh_message' }]);
}

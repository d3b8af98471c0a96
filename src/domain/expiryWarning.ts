/**
 * The expiry warning (SPEC §9): one direct message to the requester before an
 * active grant ends — once 15 minutes or less remain, or, for grants of 30
 * minutes or less, once half of the grant has passed. Sent by the sweep and
 * recorded (`expiryWarnedAt`), so it goes out once per expiry; an applied
 * extension moves the expiry and clears the record. A scheduled grant
 * (`--start`) counts from its `startsAt`, so it is never warned about before
 * its window opens. Pure: now is a parameter.
 */
import { ErrorCode } from './errors';
import type { AccessRequest } from './request';
import { SYSTEM_ACTOR } from './request';
import { done, refuse, wrongState, type TransitionOutcome } from './transitions';

export const WARN_BEFORE_SECONDS = 15 * 60;
export const SHORT_GRANT_SECONDS = 30 * 60;

/** When the warning for the request's current expiry is due, or undefined when it never is (not active, permanent). */
export function expiryWarningAt(request: AccessRequest): Date | undefined {
  if (request.status !== 'active' || request.expiresAt === undefined) return undefined;
  const end = request.expiresAt.getTime();
  // A scheduled grant (`startsAt` after the binding was written) is a grant from its start, not from when it was written.
  const written = request.appliedAt?.getTime() ?? end - (request.durationSeconds ?? 0) * 1000;
  const start = Math.max(written, request.startsAt?.getTime() ?? written);
  const span = Math.max(0, end - start);
  return new Date(span <= SHORT_GRANT_SECONDS * 1000 ? end - span / 2 : end - WARN_BEFORE_SECONDS * 1000);
}

/** True when the sweep should warn now: due, not yet warned, the grant not yet over nor ending. */
export function expiryWarningDue(request: AccessRequest, now: Date): boolean {
  const at = expiryWarningAt(request);
  if (!at || request.expiryWarnedAt !== undefined || request.op?.type === 'revert') return false;
  return at.getTime() <= now.getTime() && (request.expiresAt as Date).getTime() > now.getTime();
}

export function warnExpiry(request: AccessRequest, now: Date): TransitionOutcome {
  if (request.status !== 'active') return wrongState(request, 'warned about');
  if (!expiryWarningDue(request, now)) return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` needs no expiry warning now.`);
  const detail = { expiresAt: (request.expiresAt as Date).toISOString() };
  return done(request, { expiryWarnedAt: now }, now, SYSTEM_ACTOR, 'expiry_warned', detail, [
    { type: 'notify_requester', notice: 'expiring' },
  ]);
}

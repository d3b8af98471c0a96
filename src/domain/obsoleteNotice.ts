/**
 * Whether a notice waiting in the outbox (src/domain/outbox.ts) is no longer
 * true, so that sending it late would mislead: it is then dropped, audited,
 * instead of sent. Notices that stay true however late they arrive (denied,
 * expired, revoked, failed, cancelled...) are never obsolete; those about a
 * state that may have passed are:
 * - `expiring` (":alarm_clock: … ends <time>", maybe with **Extend**): the
 *   grant is no longer active, has ended, or its expiry moved since the
 *   warning was queued (an applied extension clears `expiryWarnedAt`; the
 *   new expiry gets its own warning);
 * - `window_open` (the window of a scheduled grant is open): the grant is no
 *   longer active or has ended;
 * - `approved` / `auto_approved` ("… is being applied"): the apply is over, so
 *   the notice of its outcome (in force, applied, failed) says it all — one DM
 *   per outcome, never "applying it now" after "in force".
 * - `revert_failing` (to the requester or the approvers: "the access remains,
 *   runwarden keeps trying"): the revert went through (or the request ended)
 *   since; "undone after all" follows, and says it all.
 * Pure: now is a parameter.
 */
import type { AccessRequest, Delivery } from './request';

/** Why `delivery` would be untrue if sent now (a short reason for the audit), or undefined when it may be sent. */
export function obsoleteNotice(request: AccessRequest, delivery: Delivery, now: Date): string | undefined {
  if (delivery.notice === 'revert_failing' && (delivery.type === 'notify_requester' || delivery.type === 'notify_approvers')) {
    return request.status === 'active' && request.revertFailing
      ? undefined
      : `the revert is no longer failing (the request is ${request.status})`;
  }
  if (delivery.type !== 'notify_requester') return undefined;
  const ended =
    request.status !== 'active'
      ? `the request is ${request.status}`
      : request.expiresAt && request.expiresAt.getTime() <= now.getTime()
        ? 'the grant has ended'
        : undefined;
  switch (delivery.notice) {
    case 'expiring': {
      if (ended) return ended;
      if (request.expiryWarnedAt === undefined || request.expiryWarnedAt.getTime() > delivery.enqueuedAt.getTime())
        return 'the expiry has moved since the warning';
      return undefined;
    }
    case 'window_open':
      return ended;
    case 'approved':
    case 'auto_approved':
      // "approved; runwarden is applying it now" is progress, not an outcome: once the apply is over, the notice of
      // how it went (in force, applied, failed) is the one DM about it (SPEC §6: the requester is told each decision).
      return request.status === 'approved' ? undefined : `the request is ${request.status}`;
    default:
      return undefined;
  }
}

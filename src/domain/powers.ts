/**
 * The transitions of policy power (SPEC §9): auto-approval and break-glass,
 * which skip the people's decision under the rule's limits, and the review
 * of a break-glass request afterwards. Pure. Whether a request qualifies is
 * the authority decision's call (src/domain/authority, at submit); these
 * record it and start the apply.
 */
import type { AccessRequest, Operation } from './request';
import { AUTO_APPROVER, SYSTEM_ACTOR } from './request';
import { decideAuthority } from './authority/decideAuthority';
import { done, refusedBy, wrongState, type RequestEvent, type TransitionOutcome } from './transitions';

function applyOp(event: { holder: string; leaseUntil: Date }): Operation {
  return { type: 'apply', intent: 'approve', by: SYSTEM_ACTOR, holder: event.holder, leaseUntil: event.leaseUntil, attempts: 1 };
}

/** pending → approved by runwarden itself: approvals [{approver: "runwarden:auto", at}], autoApproved. */
export function autoApprove(request: AccessRequest, event: Extract<RequestEvent, { type: 'auto_approve' }>, now: Date): TransitionOutcome {
  if (request.status !== 'pending' || request.approvals.length > 0) return wrongState(request, 'auto-approved');
  const changes: Partial<AccessRequest> = {
    status: 'approved',
    approvals: [{ approver: AUTO_APPROVER, at: now }],
    autoApproved: true,
    op: applyOp(event),
  };
  return done(
    request,
    changes,
    now,
    AUTO_APPROVER,
    'auto_approved',
    { rule: event.rule, durationSeconds: request.durationSeconds ?? null },
    [{ type: 'apply' }, { type: 'post_message' }],
  );
}

/** pending → approved with no approval at all, to be applied at once and reviewed afterwards. */
export function breakGlass(request: AccessRequest, event: Extract<RequestEvent, { type: 'break_glass' }>, now: Date): TransitionOutcome {
  if (request.status !== 'pending' || request.breakGlass !== true || request.approvals.length > 0)
    return wrongState(request, 'applied with break-glass');
  return done(
    request,
    { status: 'approved', op: applyOp(event) },
    now,
    request.requester,
    'break_glass',
    { rule: event.rule, reason: request.reason },
    [{ type: 'apply' }, { type: 'post_message' }],
  );
}

/**
 * The review of a break-glass request by an approver of any step of its rule
 * (never its requester, nor the member it granted access to), in any status —
 * also after it ended (decideAuthority's `review`). Records reviewedBy and
 * reviewedAt and changes nothing else.
 */
export function review(request: AccessRequest, event: Extract<RequestEvent, { type: 'review' }>, now: Date): TransitionOutcome {
  const decision = decideAuthority('review', { actor: event.actor, request, ...event.grounds, now });
  if (decision.verdict === 'refused') return refusedBy(decision.refusal, now, event.actor, 'review_refused');
  return done(request, { reviewedBy: event.actor, reviewedAt: now }, now, event.actor, 'reviewed', {}, [{ type: 'refresh_message' }]);
}

/**
 * The transitions of policy power (SPEC §9): auto-approval and break-glass,
 * which skip the people's decision under the rule's limits, and the review
 * of a break-glass request afterwards. Pure. Whether a request qualifies is
 * the policy's call (evaluateRequest); these record it and start the apply.
 */
import { ErrorCode } from './errors';
import { AUTO_APPROVER } from './policy/autoApproval';
import type { AccessRequest, AuditEvent, Operation } from './request';
import { SYSTEM_ACTOR, awaitsReview } from './request';
import { done, refuse, wrongState, type RequestEvent, type TransitionOutcome } from './transitions';

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
  return done(request, changes, now, AUTO_APPROVER, 'auto_approved', { rule: event.ruleIndex, durationSeconds: request.durationSeconds ?? null }, [
    { type: 'apply' },
    { type: 'post_message' },
  ]);
}

/** pending → approved with no approval at all, to be applied at once and reviewed afterwards. */
export function breakGlass(request: AccessRequest, event: Extract<RequestEvent, { type: 'break_glass' }>, now: Date): TransitionOutcome {
  if (request.status !== 'pending' || request.breakGlass !== true || request.approvals.length > 0) return wrongState(request, 'applied with break-glass');
  return done(request, { status: 'approved', op: applyOp(event) }, now, request.requester, 'break_glass', { rule: event.ruleIndex, reason: request.reason }, [
    { type: 'apply' },
    { type: 'post_message' },
  ]);
}

/**
 * The review of a break-glass request by one of the rule's approvers (never
 * its requester, nor the member it granted access to), in any status — also after it ended. Records reviewedBy and
 * reviewedAt and changes nothing else.
 */
export function review(request: AccessRequest, event: Extract<RequestEvent, { type: 'review' }>, now: Date): TransitionOutcome {
  const record = (reason: string): AuditEvent => ({ at: now, actor: event.actor, action: 'review_refused', detail: { reason } });
  if (request.breakGlass !== true) return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` is not a break-glass request: there is nothing to review.`);
  if (!awaitsReview(request)) {
    return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` was already reviewed by <@${request.reviewedBy ?? '?'}>.`);
  }
  if (event.actor === request.requester) {
    return refuse(ErrorCode.SelfApproval, 'You can’t review your own break-glass request.', record('self_review'));
  }
  if (!event.isApprover) {
    return refuse(ErrorCode.NotAnApprover, `Only members of the *${request.approverGroup}* approver group can review request \`${request.id}\`.`, record('not_an_approver'));
  }
  if (event.ownGrant === true) {
    return refuse(ErrorCode.SelfApproval, `You can’t review request \`${request.id}\`: it granted access to your own identity (or runwarden cannot tell yours), so someone else must.`, record('member_review'));
  }
  return done(request, { reviewedBy: event.actor, reviewedAt: now }, now, event.actor, 'reviewed', {}, [{ type: 'refresh_message' }]);
}

/**
 * The decisions people make about a request — approve, deny, revoke — with
 * the rules of SPEC §6. Who may decide is the authority decision's call
 * (src/domain/authority), made here, inside the transaction that records the
 * click, on the request as it stands in that transaction; this file turns
 * its answer into the next state. Refused clicks are audited.
 */
import type { AccessRequest, Approval, AuditEvent, Operation } from './request';
import { SYSTEM_ACTOR } from './request';
import { lapseOpenExtension } from './extensions';
import { decideAuthority } from './authority/decideAuthority';
import { done, holds, recordPlanned, refusedBy, wrongState, type Effect, type RequestEvent, type TransitionOutcome } from './transitions';

/**
 * An approval, weighed against the policy in force and the facts the click
 * gathered, on the request as read in this transaction: the clicker must
 * count in the step the request is in now; earlier approvals of that step
 * that no longer count are dropped (each audited); once the step has its
 * approvals the next step's approvers are asked, and after the last the
 * request is approved and its apply starts under the clicker's lease.
 */
export function approve(request: AccessRequest, event: Extract<RequestEvent, { type: 'approve' }>, now: Date): TransitionOutcome {
  const decision = decideAuthority('approve', { actor: event.actor, request, ...event.grounds, now });
  if (decision.verdict === 'refused') return refusedBy(decision.refusal, now, event.actor, 'approve_refused');
  const also = decision.dropped.map(({ approver, reason }): AuditEvent => ({
    at: now,
    actor: SYSTEM_ACTOR,
    action: 'approval_dropped',
    detail: { approver, reason },
  }));
  const earlier = request.approvals.filter((a) => a.step !== request.step);
  const approval: Approval =
    request.step === undefined ? { approver: event.actor, at: now } : { approver: event.actor, at: now, step: request.step };
  const approvals = [...earlier, ...decision.kept, approval];
  const count = decision.kept.length + 1;
  const required = decision.approvalsRequired;
  const stepDetail = request.step === undefined ? {} : { step: request.step };
  const changes: Partial<AccessRequest> = { approvals, approvalsRequired: required, approverGroup: decision.approverGroup };
  if (decision.verdict === 'wait' && decision.next === undefined) {
    const outcome = done(request, changes, now, event.actor, 'approved_by', { count, required, ...stepDetail }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'approval' },
    ]);
    return { ...outcome, also };
  }
  if (decision.next !== undefined) {
    // This step has its approvals: the next step's approvers are asked now.
    const { next } = decision;
    const advanced: Partial<AccessRequest> = {
      approvals,
      step: next.step,
      approverGroup: next.approverGroup,
      approvalsRequired: next.approvalsRequired,
    };
    const outcome = done(request, advanced, now, event.actor, 'step_approved', { count, required, ...stepDetail }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'step' },
      { type: 'notify_approvers', notice: 'step' },
    ]);
    return { ...outcome, also };
  }
  const op: Operation = {
    type: 'apply',
    intent: 'approve',
    by: SYSTEM_ACTOR,
    holder: event.holder,
    leaseUntil: event.leaseUntil,
    attempts: 1,
  };
  const claimed: Partial<AccessRequest> = { ...changes, status: 'approved', op };
  // The apply's first write recorded as being written with the claim (never over a write recorded before).
  const planned = request.writing === undefined ? event.plan?.({ ...request, ...claimed }, now) : undefined;
  // `plannedBy`: whose claim recorded it, so that only this claim's apply writes it (a later one computes afresh)
  const recorded = planned ? recordPlanned(request, planned, event.holder, now) : undefined;
  const outcome = done(
    request,
    recorded ? { ...claimed, writing: recorded.writing } : claimed,
    now,
    event.actor,
    'approved',
    { count, required, ...stepDetail, rule: decision.rule.name },
    [{ type: 'refresh_message' }, { type: 'notify_requester', notice: 'approved' }, { type: 'apply' }],
  );
  return recorded ? { ...outcome, also, then: [recorded.event] } : { ...outcome, also };
}

/**
 * Back to pending when the re-check at apply finds that approvals no longer
 * count (their approver left the group, the policy now needs more…): nothing
 * is applied; the request waits for more approvals.
 */
export function requeue(request: AccessRequest, event: Extract<RequestEvent, { type: 'requeue' }>, now: Date): TransitionOutcome {
  if (request.status !== 'approved' || !holds(request, event.holder, 'apply')) return wrongState(request, 'returned to pending');
  const droppedBy = new Set(event.dropped.map((d) => d.approver));
  const approvals = request.approvals.filter((a) => !droppedBy.has(a.approver));
  const also = event.dropped.map(({ approver, reason }): AuditEvent => ({
    at: now,
    actor: SYSTEM_ACTOR,
    action: 'approval_dropped',
    detail: { approver, reason },
  }));
  const changes: Partial<AccessRequest> = { status: 'pending', approvals, approvalsRequired: event.approvalsRequired, op: undefined };
  const detail = { count: approvals.length, required: event.approvalsRequired };
  return { ...done(request, changes, now, SYSTEM_ACTOR, 'awaiting_approvals', detail, [{ type: 'refresh_message' }]), also };
}

export function deny(request: AccessRequest, event: Extract<RequestEvent, { type: 'deny' }>, now: Date): TransitionOutcome {
  const decision = decideAuthority('deny', { actor: event.actor, request, ...event.grounds, now });
  if (decision.verdict === 'refused') return refusedBy(decision.refusal, now, event.actor, 'deny_refused');
  const reason = event.reason;
  const changes: Partial<AccessRequest> = { status: 'denied', decidedBy: event.actor, endedAt: now };
  if (reason !== undefined) changes.decisionReason = reason;
  return done(request, changes, now, event.actor, 'denied', reason !== undefined ? { reason } : {}, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'denied' },
  ]);
}

export function revoke(request: AccessRequest, event: Extract<RequestEvent, { type: 'revoke' }>, now: Date): TransitionOutcome {
  const decision = decideAuthority('revoke', { actor: event.actor, request, ...event.grounds, now });
  if (decision.verdict === 'refused') return refusedBy(decision.refusal, now, event.actor, 'revoke_refused');
  const attempts = request.op?.type === 'revert' ? request.op.attempts : 0;
  const op: Operation = {
    type: 'revert',
    intent: 'revoke',
    by: event.actor,
    holder: event.holder,
    leaseUntil: event.leaseUntil,
    attempts: attempts + 1,
  };
  const lapse = lapseOpenExtension(request, now, 'The grant was revoked');
  const changes: Partial<AccessRequest> = lapse.extensions ? { op, extensions: lapse.extensions } : { op };
  // the revoker's reason is kept from the moment it is asked for: the revert that ends the request reads it
  if (event.reason !== undefined) changes.decisionReason = event.reason;
  const effects: Effect[] = lapse.extensions ? [{ type: 'refresh_message' }, ...lapse.effects] : [];
  const detail = event.reason !== undefined ? { reason: event.reason } : {};
  return done(request, changes, now, event.actor, 'revoke_requested', detail, [{ type: 'revert' }, ...effects]);
}

/** The requester withdraws a pending request (the decision says who may, and when). */
export function cancel(request: AccessRequest, event: Extract<RequestEvent, { type: 'cancel' }>, now: Date): TransitionOutcome {
  const decision = decideAuthority('cancel', { actor: event.actor, request, ...event.grounds, now });
  if (decision.verdict === 'refused') return refusedBy(decision.refusal, now, event.actor, 'cancel_refused');
  return done(request, { status: 'cancelled', decidedBy: event.actor, endedAt: now }, now, event.actor, 'cancelled', {}, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'cancelled' },
  ]);
}

/**
 * The decisions people make about a request — approve, deny, revoke — with
 * the rules of SPEC §6: only the rule's approvers decide, nobody decides their
 * own request, each approver counts once, refused clicks are audited.
 */
import { ErrorCode } from './errors';
import type { AccessRequest, AuditEvent, Operation } from './request';
import { SYSTEM_ACTOR } from './request';
import { lapseOpenExtension } from './extensions';
import { done, leaseIsLive, refuse, wrongState, type Effect, type RequestEvent, type TransitionOutcome } from './transitions';

export function approve(request: AccessRequest, event: Extract<RequestEvent, { type: 'approve' }>, now: Date): TransitionOutcome {
  const record = (reason: string): AuditEvent => ({ at: now, actor: event.actor, action: 'approve_refused', detail: { reason } });
  if (request.status !== 'pending') return wrongState(request, 'approved');
  if (event.actor === request.requester) {
    return refuse(ErrorCode.SelfApproval, 'You can’t approve your own request.', record('self_approval'));
  }
  if (!event.isApprover) {
    return refuse(
      ErrorCode.NotAnApprover,
      `Only members of the *${request.approverGroup}* approver group can decide request \`${request.id}\`.`,
      record('not_an_approver'),
    );
  }
  if (request.approvals.some((a) => a.approver === event.actor)) {
    return refuse(ErrorCode.AlreadyApproved, `You have already approved request \`${request.id}\`; each approver counts once.`);
  }
  const approvals = [...request.approvals, { approver: event.actor, at: now }];
  const count = approvals.length;
  if (count < request.approvalsRequired) {
    return done(request, { approvals }, now, event.actor, 'approved_by', { count, required: request.approvalsRequired }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'approval' },
    ]);
  }
  const op: Operation = { type: 'apply', intent: 'approve', by: SYSTEM_ACTOR, holder: event.holder, leaseUntil: event.leaseUntil, attempts: 1 };
  return done(request, { approvals, status: 'approved', op }, now, event.actor, 'approved', { count, required: request.approvalsRequired }, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'approved' },
    { type: 'apply' },
  ]);
}

export function deny(request: AccessRequest, event: Extract<RequestEvent, { type: 'deny' }>, now: Date): TransitionOutcome {
  const record = (reason: string): AuditEvent => ({ at: now, actor: event.actor, action: 'deny_refused', detail: { reason } });
  if (request.status !== 'pending') return wrongState(request, 'denied');
  if (event.actor === request.requester) {
    return refuse(ErrorCode.SelfApproval, 'You can’t decide your own request; use `cancel` to withdraw it.', record('self_decision'));
  }
  if (!event.isApprover) {
    return refuse(
      ErrorCode.NotAnApprover,
      `Only members of the *${request.approverGroup}* approver group can decide request \`${request.id}\`.`,
      record('not_an_approver'),
    );
  }
  return done(request, { status: 'denied', decidedBy: event.actor, endedAt: now }, now, event.actor, 'denied', {}, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'denied' },
  ]);
}

export function revoke(request: AccessRequest, event: Extract<RequestEvent, { type: 'revoke' }>, now: Date): TransitionOutcome {
  if (request.status !== 'active') {
    if (request.status === 'approved') {
      return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` is still being applied; try again in a moment.`);
    }
    return wrongState(request, 'revoked');
  }
  if (event.actor !== request.requester && !event.isApprover) {
    const record: AuditEvent = { at: now, actor: event.actor, action: 'revoke_refused', detail: { reason: 'not_requester_or_approver' } };
    return refuse(ErrorCode.NotAllowed, `Only the requester or an approver of *${request.approverGroup}* can revoke request \`${request.id}\`.`, record);
  }
  if (request.op?.type === 'revert' && leaseIsLive(request.op, now)) {
    return refuse(ErrorCode.Conflict, `Request \`${request.id}\` is already ending.`);
  }
  if (request.op?.type === 'extend' && leaseIsLive(request.op, now)) {
    return refuse(ErrorCode.Conflict, `Request \`${request.id}\` is being extended right now; try again in a moment.`);
  }
  const attempts = request.op?.type === 'revert' ? request.op.attempts : 0;
  const op: Operation = { type: 'revert', intent: 'revoke', by: event.actor, holder: event.holder, leaseUntil: event.leaseUntil, attempts: attempts + 1 };
  const lapse = lapseOpenExtension(request, now, 'The grant was revoked before the extension was decided.');
  const changes: Partial<AccessRequest> = lapse.extensions ? { op, extensions: lapse.extensions } : { op };
  const effects: Effect[] = lapse.extensions ? [{ type: 'refresh_message' }, ...lapse.effects] : [];
  return done(request, changes, now, event.actor, 'revoke_requested', {}, [{ type: 'revert' }, ...effects]);
}

/**
 * The decisions people make about a request — approve, deny, revoke — with
 * the rules of SPEC §6: only the rule's approvers decide, nobody decides their
 * own request, each approver counts once, refused clicks are audited.
 */
import { ErrorCode } from './errors';
import type { AccessRequest, Approval, AuditEvent, Operation } from './request';
import { SYSTEM_ACTOR, approvalsInStep } from './request';
import { lapseOpenExtension } from './extensions';
import { weighApprovals, type StandingReason } from './policy/authority';
import { done, holds, leaseIsLive, refuse, wrongState, type Effect, type RequestEvent, type TransitionOutcome } from './transitions';

const STANDING_REFUSALS: Record<StandingReason, [ErrorCode, (request: AccessRequest, group: string) => string]> = {
  self_approval: [ErrorCode.SelfApproval, () => 'You can’t approve your own request.'],
  member_approval: [ErrorCode.SelfApproval, (r) => `You can’t approve request \`${r.id}\`: it grants access to your own identity, so someone else must.`],
  identity_unknown: [
    ErrorCode.SelfApproval,
    (r) => `You can’t approve request \`${r.id}\`: runwarden does not know your Google identity (no Slack profile email, no identities entry), so it cannot tell that the grant is not to you.`,
  ],
  not_an_approver: [ErrorCode.NotAnApprover, (r, group) => notAnApproverText(r, group)],
};

/**
 * Why a click by someone outside the deciding group is refused. With approval
 * steps it names the step and who comes after, so a later step's approver
 * knows to wait rather than reading it as "not allowed at all".
 */
export function notAnApproverText(request: Pick<AccessRequest, 'id' | 'step' | 'steps'>, group: string): string {
  const { step, steps } = request;
  if (step === undefined || steps === undefined) return `Only members of the *${group}* approver group can decide request \`${request.id}\`.`;
  const later = steps.slice(step).map((s) => `*${s.approverGroup}*`);
  const after = later.length === 0 ? '' : `; ${later.join(', then ')} ${later.length === 1 ? 'is' : 'are'} asked after it`;
  return `Step ${step} of ${steps.length} of request \`${request.id}\` is decided by the *${group}* approver group${after}.`;
}

/**
 * An approval, weighed against the authority computed from the policy in
 * force now (see policy/authority.ts): the clicker must count, earlier
 * approvals that no longer count are dropped (each audited), and the request
 * is approved once the approvals that still count reach what the policy
 * requires now. With approval steps, only the current step's approvals are
 * weighed; once it has its approvals the next step's approvers are asked,
 * and a person who approved in one step never counts in another.
 */
export function approve(request: AccessRequest, event: Extract<RequestEvent, { type: 'approve' }>, now: Date): TransitionOutcome {
  const record = (reason: string): AuditEvent => ({ at: now, actor: event.actor, action: 'approve_refused', detail: { reason } });
  if (request.status !== 'pending') return wrongState(request, 'approved', record(`already_${request.status}`));
  if (event.actor === request.requester) {
    return refuse(ErrorCode.SelfApproval, 'You can’t approve your own request.', record('self_approval'));
  }
  const { authority } = event;
  if (!authority.ok) {
    return refuse(ErrorCode.NotAllowed, `Request \`${request.id}\` can no longer be approved: ${authority.message}`, record('no_longer_allowed'));
  }
  // Fail closed: a clicker whose standing was not computed does not count.
  const standing = Object.hasOwn(authority.standing, event.actor) ? authority.standing[event.actor] : 'not_an_approver';
  if (standing) {
    const [code, text] = STANDING_REFUSALS[standing];
    return refuse(code, text(request, authority.approverGroup), record(standing));
  }
  if (request.approvals.some((a) => a.approver === event.actor)) {
    const text = request.step === undefined ? 'each approver counts once' : 'each approver counts once, in one step only';
    return refuse(ErrorCode.AlreadyApproved, `You have already approved request \`${request.id}\`; ${text}.`, record('duplicate_approval'));
  }
  const { counted, dropped } = weighApprovals(approvalsInStep(request), authority.standing);
  const also = dropped.map(({ approver, reason }): AuditEvent => ({ at: now, actor: SYSTEM_ACTOR, action: 'approval_dropped', detail: { approver, reason } }));
  const earlier = request.approvals.filter((a) => a.step !== request.step);
  const approval: Approval = request.step === undefined ? { approver: event.actor, at: now } : { approver: event.actor, at: now, step: request.step };
  const approvals = [...earlier, ...counted, approval];
  const count = counted.length + 1;
  const required = authority.approvalsRequired;
  const stepDetail = request.step === undefined ? {} : { step: request.step };
  const changes: Partial<AccessRequest> = { approvals, approvalsRequired: required, approverGroup: authority.approverGroup };
  if (count < required) {
    const outcome = done(request, changes, now, event.actor, 'approved_by', { count, required, ...stepDetail }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'approval' },
    ]);
    return { ...outcome, also };
  }
  const next = request.step !== undefined ? request.steps?.[request.step] : undefined;
  if (request.step !== undefined && next !== undefined) {
    // This step has its approvals: the next step's approvers are asked now.
    const advanced: Partial<AccessRequest> = { approvals, step: request.step + 1, approverGroup: next.approverGroup, approvalsRequired: next.approvalsRequired };
    const outcome = done(request, advanced, now, event.actor, 'step_approved', { count, required, step: request.step }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'step' },
      { type: 'notify_approvers', notice: 'step' },
    ]);
    return { ...outcome, also };
  }
  const op: Operation = { type: 'apply', intent: 'approve', by: SYSTEM_ACTOR, holder: event.holder, leaseUntil: event.leaseUntil, attempts: 1 };
  const outcome = done(request, { ...changes, status: 'approved', op }, now, event.actor, 'approved', { count, required, ...stepDetail }, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'approved' },
    { type: 'apply' },
  ]);
  return { ...outcome, also };
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
  const also = event.dropped.map(({ approver, reason }): AuditEvent => ({ at: now, actor: SYSTEM_ACTOR, action: 'approval_dropped', detail: { approver, reason } }));
  const changes: Partial<AccessRequest> = { status: 'pending', approvals, approvalsRequired: event.approvalsRequired, op: undefined };
  const detail = { count: approvals.length, required: event.approvalsRequired };
  return { ...done(request, changes, now, SYSTEM_ACTOR, 'awaiting_approvals', detail, [{ type: 'refresh_message' }]), also };
}

export function deny(request: AccessRequest, event: Extract<RequestEvent, { type: 'deny' }>, now: Date): TransitionOutcome {
  const record = (reason: string): AuditEvent => ({ at: now, actor: event.actor, action: 'deny_refused', detail: { reason } });
  if (request.status !== 'pending') return wrongState(request, 'denied', record(`already_${request.status}`));
  if (event.actor === request.requester) {
    return refuse(ErrorCode.SelfApproval, 'You can’t decide your own request; use `cancel` to withdraw it.', record('self_decision'));
  }
  if (!event.isApprover) {
    return refuse(ErrorCode.NotAnApprover, notAnApproverText(request, request.approverGroup), record('not_an_approver'));
  }
  return done(request, { status: 'denied', decidedBy: event.actor, endedAt: now }, now, event.actor, 'denied', {}, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'denied' },
  ]);
}

export function revoke(request: AccessRequest, event: Extract<RequestEvent, { type: 'revoke' }>, now: Date): TransitionOutcome {
  const record = (reason: string): AuditEvent => ({ at: now, actor: event.actor, action: 'revoke_refused', detail: { reason } });
  if (request.status !== 'active') {
    if (request.status === 'approved') {
      return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` is still being applied; try again in a moment.`, record('being_applied'));
    }
    return wrongState(request, 'revoked', record(`already_${request.status}`));
  }
  if (event.actor !== request.requester && !event.isApprover) {
    return refuse(ErrorCode.NotAllowed, `Only the requester or an approver of *${request.approverGroup}* can revoke request \`${request.id}\`.`, record('not_requester_or_approver'));
  }
  if (request.op?.type === 'revert' && leaseIsLive(request.op, now)) {
    return refuse(ErrorCode.Conflict, `Request \`${request.id}\` is already ending.`, record('already_ending'));
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

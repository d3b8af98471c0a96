/**
 * approve and deny (SPEC §6, §9 Steps), weighed against the request as read
 * in the transaction that records the click: its status, its current step and
 * the approvals already given. Only the current step's approvers decide;
 * nobody decides their own request nor approves a grant to their own
 * identity; each approver counts once, in one step only; approvals that no
 * longer count are dropped; the number required is the policy's now. Pure.
 */
import { approvalsInStep, type AccessRequest, type RequestKind } from '../request';
import type { FactReader } from './facts';
import type { KindRules } from './kindRules';
import type { ApproveDecision, PlainDecision } from './moments';
import type { Refusal } from './refusal';
import { approvalStanding, findRule, requestStanding, weigh } from './standing';

const refused = (refusal: Refusal): { verdict: 'refused'; refusal: Refusal } => ({ verdict: 'refused', refusal });

/** The step names of a multi-step request (for messages), or undefined. */
function stepNames(request: AccessRequest): string[] | undefined {
  return request.steps?.map((s) => s.approverGroup);
}

export function decideApprove(
  r: FactReader,
  kinds: Readonly<Record<RequestKind, KindRules>>,
  request: AccessRequest,
  actor: string,
): ApproveDecision {
  const base = { requestId: request.id };
  if (request.status !== 'pending') return refused({ code: 'wrong_state', ...base, status: request.status });
  if (actor === request.requester) return refused({ code: 'self_approval', ...base });
  const standing = requestStanding(r, kinds, request, 'approval');
  if (!standing.ok) return refused({ code: 'no_longer_allowed', ...base, because: standing.refusal });
  const { rule } = standing.rule;
  const stepNo = request.step ?? 1;
  const level = rule.steps[stepNo - 1];
  if (level === undefined) return refused({ code: 'no_longer_allowed', ...base, because: { code: 'steps_changed', rule: rule.name } });
  const step = request.step === undefined ? undefined : stepNo;
  const where = { ...base, group: level.approvers, step, steps: stepNames(request) };
  const clicker = approvalStanding(r, level.approvers, request, actor);
  if (clicker) return refused({ code: clicker, ...where, member: request.member });
  const earlier = request.approvals.find((a) => a.approver === actor);
  if (earlier)
    return refused({ code: earlier.step === request.step ? 'duplicate_approval' : 'counted_in_other_step', ...where, step: earlier.step });
  const weighed = weigh(r, { step, approverGroup: level.approvers, approvalsRequired: level.approvals }, request, approvalsInStep(request));
  const count = weighed.kept.length + 1;
  if (count < level.approvals) return { verdict: 'wait', rule: standing.rule, ...weighed };
  const following = rule.steps[stepNo];
  if (request.step !== undefined && following !== undefined) {
    return {
      verdict: 'wait',
      rule: standing.rule,
      ...weighed,
      next: { step: stepNo + 1, approverGroup: following.approvers, approvalsRequired: following.approvals },
    };
  }
  return { verdict: 'allowed', rule: standing.rule, ...weighed };
}

/** A deny ends a pending request: by an approver of its current step, never by its requester (who cancels instead). */
export function decideDeny(r: FactReader, request: AccessRequest, actor: string): PlainDecision {
  const base = { requestId: request.id };
  if (request.status !== 'pending') return refused({ code: 'wrong_state', ...base, status: request.status });
  if (actor === request.requester) return refused({ code: 'self_decision', ...base });
  const rule = findRule(r.policy, request.kind, request.target)?.rule;
  const level = rule?.steps[(request.step ?? 1) - 1];
  const group = level?.approvers ?? request.approverGroup;
  if (level === undefined || !r.isApprover(level.approvers, actor)) {
    return refused({ code: 'not_an_approver', ...base, group, step: request.step, steps: stepNames(request) });
  }
  return { verdict: 'allowed' };
}

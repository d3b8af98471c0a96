/**
 * apply: the last check before Google is touched (the click that completed
 * the approvals, or the sweep finishing an interrupted apply). The request
 * must still stand under the policy in force, on what it stands on: a
 * break-glass request on the rule's breakGlass, an auto-approved one on its
 * autoApprove, any other on people's approvals — every level's approvals
 * still counting. A scheduled grant whose window has passed is not applied.
 * Pure.
 */
import { approvalsInStep, type AccessRequest, type RequestKind } from '../request';
import type { FactReader } from './facts';
import type { KindRules } from './kindRules';
import type { ApplyDecision } from './moments';
import type { Refusal } from './refusal';
import { modeOf, requestStanding, weigh } from './standing';

const refused = (refusal: Refusal): { verdict: 'refused'; refusal: Refusal } => ({ verdict: 'refused', refusal });

/** When a scheduled grant's window closes (startsAt + duration), or undefined for anything else. */
export function windowEnd(request: Pick<AccessRequest, 'startsAt' | 'durationSeconds'>): Date | undefined {
  if (request.startsAt === undefined || request.durationSeconds === undefined) return undefined;
  return new Date(request.startsAt.getTime() + request.durationSeconds * 1000);
}

export function decideApply(
  r: FactReader,
  kinds: Readonly<Record<RequestKind, KindRules>>,
  request: AccessRequest,
  now: Date,
): ApplyDecision {
  const base = { requestId: request.id };
  const end = windowEnd(request);
  if (end !== undefined && end.getTime() <= now.getTime()) return refused({ code: 'window_passed', ...base });
  const mode = modeOf(request);
  const standing = requestStanding(r, kinds, request, mode);
  if (!standing.ok) return refused({ code: 'no_longer_allowed', ...base, because: standing.refusal });
  // Break-glass and auto-approved requests stand on the rule (checked above), not on people's approvals.
  if (mode !== 'approval') return { verdict: 'allowed', rule: standing.rule };
  const { steps } = standing.rule.rule;
  if (request.steps !== undefined) {
    // Every level's approvals must still count; a level that lost some fails the request (it is not sent back).
    for (const [index, level] of steps.entries()) {
      const weighed = weigh(
        r,
        { step: index + 1, approverGroup: level.approvers, approvalsRequired: level.approvals },
        request,
        approvalsInStep(request, index + 1),
      );
      if (weighed.dropped.length > 0 || weighed.kept.length < level.approvals) {
        return refused({
          code: 'approvals_lost',
          ...base,
          step: index + 1,
          group: level.approvers,
          count: weighed.kept.length,
          limit: level.approvals,
        });
      }
    }
    return { verdict: 'allowed', rule: standing.rule };
  }
  const [level] = steps;
  if (level === undefined) return refused({ code: 'no_longer_allowed', ...base, because: { code: 'steps_changed' } });
  const weighed = weigh(r, { approverGroup: level.approvers, approvalsRequired: level.approvals }, request, request.approvals);
  if (weighed.dropped.length > 0 || weighed.kept.length < level.approvals) {
    return { verdict: 'wait', rule: standing.rule, approvalsRequired: level.approvals, dropped: weighed.dropped };
  }
  return { verdict: 'allowed', rule: standing.rule };
}

/**
 * A reply in the approval message's thread when a step of a multi-step
 * request has its approvals: it mentions the next step's approvers (never the
 * requester, nor anyone who already approved — one person counts in one step).
 */
import { approvalsInStep, type AccessRequest } from '../../../domain/request';
import { changeSummary } from './describe';
import { type SlackView, LIMITS, code, mention, plural, safeText, section, truncate } from './format';

const MAX_MENTIONS = 30;

export function nextStepMessage(request: AccessRequest, approverIds: string[]): SlackView {
  const step = request.step ?? 1;
  const total = request.steps?.length ?? 1;
  const acted = new Set([request.requester, ...request.approvals.map((a) => a.approver)]);
  const asked = [...new Set(approverIds)].filter((id) => !acted.has(id));
  const shown = asked.slice(0, MAX_MENTIONS).map(mention);
  if (asked.length > MAX_MENTIONS) shown.push(`and ${asked.length - MAX_MENTIONS} more`);
  const who = shown.length > 0 ? shown.join(' ') : `approvers of *${safeText(request.approverGroup, 100)}*`;
  const before = approvalsInStep(request, step - 1).map((a) => mention(a.approver));
  const sentence =
    `:arrow_right: ${who}: step ${step - 1} of request ${code(request.id, 100)} by ${mention(request.requester)} ` +
    `(${changeSummary(request)}) was approved by ${before.join(', ') || 'its approvers'}. ` +
    `Step ${step} of ${total} needs ${plural(request.approvalsRequired, 'approval')} from *${safeText(request.approverGroup, 100)}*: use the buttons on the message above.`;
  return { text: truncate(sentence, LIMITS.messageText), blocks: [section(sentence)] };
}

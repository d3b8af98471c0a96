/**
 * A reminder posted in the approval message's thread, mentioning the
 * approvers who have not acted yet (the requester is never asked).
 */
import type { AccessRequest } from '../../../domain/request';
import { changeSummary, remainingApprovals } from './describe';
import { type SlackView, LIMITS, code, mention, safeText, section, slackDate, truncate } from './format';

/** Approvers mentioned by name before "and N more". */
const MAX_MENTIONS = 30;

export function reminderMessage(request: AccessRequest, approverIds: string[]): SlackView {
  const acted = new Set([request.requester, ...request.approvals.map((a) => a.approver)]);
  const waiting = [...new Set(approverIds)].filter((id) => !acted.has(id));
  const shown = waiting.slice(0, MAX_MENTIONS).map(mention);
  if (waiting.length > MAX_MENTIONS) shown.push(`and ${waiting.length - MAX_MENTIONS} more`);
  const who = shown.length > 0 ? shown.join(' ') : `approvers of *${safeText(request.approverGroup, 100)}*`;
  const n = remainingApprovals(request);
  const sentence =
    `:bell: ${who}: request ${code(request.id, 100)} by ${mention(request.requester)} (${changeSummary(request)}) ` +
    `still needs ${n} more ${n === 1 ? 'approval' : 'approvals'}. It was requested ${slackDate(request.createdAt)}.`;
  return { text: truncate(sentence, LIMITS.messageText), blocks: [section(sentence)] };
}

/**
 * A reminder in a break-glass announcement's thread: the approvers (never the
 * requester) are asked to review it, until one does — also after it ended.
 */
import type { AccessRequest } from '../../../domain/request';
import { changeSummary } from './describe';
import { type SlackView, LIMITS, code, mention, safeText, section, slackDate, truncate } from './format';

/** Approvers mentioned by name before "and N more". */
const MAX_MENTIONS = 30;

export function reviewReminder(request: AccessRequest, approverIds: string[]): SlackView {
  const waiting = [...new Set(approverIds)].filter((id) => id !== request.requester);
  const shown = waiting.slice(0, MAX_MENTIONS).map(mention);
  if (waiting.length > MAX_MENTIONS) shown.push(`and ${waiting.length - MAX_MENTIONS} more`);
  const who = shown.length > 0 ? shown.join(' ') : `approvers of *${safeText(request.approverGroup, 100)}*`;
  const sentence =
    `:rotating_light: ${who}: break-glass request ${code(request.id, 100)} by ${mention(request.requester)} ` +
    `(${changeSummary(request)}) still awaits review. It was applied without approval ${slackDate(request.appliedAt ?? request.createdAt)}; ` +
    'press Review on the message above once you have looked at it.';
  return { text: truncate(sentence, LIMITS.messageText), blocks: [section(sentence)] };
}

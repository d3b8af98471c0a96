/**
 * Extensions in Slack: the message approvers act on for one extension
 * (posted to the rule's channel, naming the original request, updated in
 * place) and the line the original request's message shows for each.
 * Pure functions of the request's state.
 */
import type { AccessRequest, Extension } from '../../../domain/request';
import { EXTENSION_APPROVE_ACTION, EXTENSION_DECISION_BLOCK, EXTENSION_DENY_ACTION } from '../ids';
import { extensionApproveConfirm } from './confirmations';
import { changeSummary, decisionReasonText, kindLabel } from './describe';
import {
  type Button,
  type KnownBlock,
  type SlackView,
  LIMITS,
  code,
  contextBlock,
  mention,
  plain,
  plural,
  safeText,
  section,
  slackDate,
  truncate,
} from './format';

/** The button value of an extension's Approve / Deny: `<request id>.<n>`. */
export function extensionRef(request: AccessRequest, extension: Extension): string {
  return `${request.id}.${extension.n}`;
}

/** One line about an extension, for its own message and the original request's. */
export function extensionStatusLine(extension: Extension): string {
  const what = `Extension ${extension.n} (+${extension.duration})`;
  const by = extension.decidedBy ? mention(extension.decidedBy) : 'an approver';
  switch (extension.status) {
    case 'pending': {
      const got = extension.approvals.length;
      return `:hourglass_flowing_sand: ${what}: waiting for approval${got > 0 ? ` (${got} so far)` : ''}`;
    }
    case 'approved':
      return `:gear: ${what}: ${extension.autoApproved ? 'auto-approved' : 'approved'} — applying…`;
    case 'applied':
      return `:white_check_mark: ${what}: applied${extension.expiresAt ? `; now ends ${slackDate(extension.expiresAt)}` : ''}`;
    case 'denied':
      return `:x: ${what}: denied by ${by}${decisionReasonText(extension.decisionReason)}`;
    case 'lapsed':
      return `:hourglass: ${what}: lapsed${extension.outcome ? ` — ${safeText(extension.outcome, 300)}` : ''}`;
    case 'failed':
      return `:warning: ${what}: failed${extension.outcome ? ` — ${safeText(extension.outcome, 300)}` : ''}`;
  }
}

/** Context lines for the original request's message (at most the last 9, with a count of older ones). */
export function extensionLines(request: AccessRequest): string[] {
  const all = request.extensions ?? [];
  const shown = all.slice(-9).map(extensionStatusLine);
  return all.length > 9 ? [`${all.length - 9} earlier extension(s)`, ...shown] : shown;
}

/** `slash`: the configured slash command (WARDEN_SLASH_COMMAND), named in the footer. */
export function extensionMessage(request: AccessRequest, extension: Extension, slash: string): SlackView {
  const original = `${kindLabel(request.kind)} request ${code(request.id, 100)}`;
  // An auto-approved extension is informational: no decision is asked of anyone, so it carries no buttons.
  const headline = extension.autoApproved
    ? `:robot_face: ${original} (${changeSummary(request)}) of ${mention(request.requester)} is extended by *${extension.duration}*, auto-approved (the rule approves such extensions itself).`
    : `:alarm_clock: ${mention(request.requester)} asks to extend ${original} (${changeSummary(request)}) by *${extension.duration}*` +
      `${request.expiresAt && extension.status === 'pending' ? `; it now ends ${slackDate(request.expiresAt)}` : ''}.`;
  const blocks: KnownBlock[] = [
    section(headline),
    section(`*Reason*\n${safeText(extension.reason, 2000)}`),
    section(extensionStatusLine(extension)),
  ];
  if (extension.autoApproved) {
    blocks.push(contextBlock(['Auto-approved by runwarden · no decision needed']));
  } else if (extension.approvals.length > 0) {
    const who = extension.approvals.map((a) => `${mention(a.approver)} ${slackDate(a.at)}`).join(', ');
    blocks.push(contextBlock([`Approved by ${who} · ${extension.approvals.length} of ${plural(request.approvalsRequired, 'approval')}`]));
  }
  if (extension.status === 'pending' && request.status === 'active' && !extension.autoApproved)
    blocks.push(...decisionButtons(request, extension));
  blocks.push(contextBlock([`Extension of request ${code(request.id, 100)} · \`${slash} status ${request.id}\` shows its history`]));
  const text = `Extension ${extension.n} of request ${request.id} by ${mention(request.requester)}: +${extension.duration}${extension.autoApproved ? ' (auto-approved)' : ''}. Reason: ${safeText(extension.reason, 300)}.`;
  return { text: truncate(text, LIMITS.messageText), blocks };
}

function decisionButtons(request: AccessRequest, extension: Extension): KnownBlock[] {
  const value = extensionRef(request, extension);
  const approve: Button = {
    type: 'button',
    action_id: EXTENSION_APPROVE_ACTION,
    text: plain('Approve', LIMITS.buttonText),
    style: 'primary',
    value,
    confirm: extensionApproveConfirm(request, extension),
  };
  const deny: Button = { type: 'button', action_id: EXTENSION_DENY_ACTION, text: plain('Deny', LIMITS.buttonText), style: 'danger', value };
  // exactly SPEC's Approve and Deny: a reason is given from App Home's "Deny with reason…"
  return [{ type: 'actions', block_id: EXTENSION_DECISION_BLOCK, elements: [approve, deny] }];
}

/**
 * The channel message approvers act on. Posted once at submission and updated
 * in place at every step; Approve/Deny exist only while the request is
 * pending, "Revoke now" only while a time-bound change is in force.
 * An auto-approved request gets an informational message without buttons; a
 * break-glass request a loud one (`<!here>`, the word break-glass, who, what,
 * why) with a Review button until an approver has reviewed it (SPEC §9).
 */
import { awaitsReview, type AccessRequest } from '../../../domain/request';
import { APPROVE_ACTION, DECISION_BLOCK, DENY_ACTION, REVIEW_ACTION, REVIEW_BLOCK, REVOKE_ACTION, REVOKE_BLOCK } from '../ids';
import { approveConfirm, revokeConfirm } from './confirmations';
import { extensionLines } from './extensionMessage';
import { changeSummary, kindLabel, requestBlocks, statusLine } from './describe';
import { type Button, type KnownBlock, type SlackView, LIMITS, contextBlock, mention, plain, safeText, section, truncate } from './format';

export function approvalMessage(request: AccessRequest, now: Date): SlackView {
  const banner = bannerText(request);
  const blocks: KnownBlock[] = [...(banner ? [section(banner)] : []), ...requestBlocks(request)];
  blocks.push(section(statusLine(request, now)));
  const extensions = extensionLines(request);
  if (extensions.length > 0) blocks.push(contextBlock(extensions));
  if (!request.autoApproved) {
    if (request.status === 'pending') blocks.push(...decisionButtons(request));
    if (request.status === 'active') blocks.push(...revokeButton(request));
    if (awaitsReview(request)) blocks.push(reviewButton(request));
  }
  const text =
    `${banner ? `${banner} ` : ''}${kindLabel(request.kind)} request ${request.id} by ${mention(request.requester)}: ` +
    `${changeSummary(request)}. Reason: ${safeText(request.reason, 300)}. ${statusLine(request, now)}`;
  return { text: truncate(text, LIMITS.messageText), blocks };
}

/** The first line of an auto-approved or break-glass message: who, what, why, and what happens. */
function bannerText(request: AccessRequest): string | undefined {
  const who = mention(request.requester);
  if (request.breakGlass) {
    const review = awaitsReview(request)
      ? 'Approvers: review it with the Review button.'
      : `Reviewed by ${mention(request.reviewedBy ?? '')}.`;
    return (
      `<!here> :rotating_light: *break-glass* — ${who} applied ${changeSummary(request)} without approval. ` +
      `Why: ${safeText(request.reason, 500)}. ${review}`
    );
  }
  if (request.autoApproved) {
    return `:robot_face: *Auto-approved* by runwarden (the rule approves such requests itself): ${who}, ${changeSummary(request)}. For information; no action needed.`;
  }
  return undefined;
}

function reviewButton(request: AccessRequest): KnownBlock {
  const review: Button = {
    type: 'button',
    action_id: REVIEW_ACTION,
    text: plain('Review', LIMITS.buttonText),
    style: 'primary',
    value: request.id,
  };
  return { type: 'actions', block_id: REVIEW_BLOCK, elements: [review] };
}

function decisionButtons(request: AccessRequest): KnownBlock[] {
  const approve: Button = {
    type: 'button',
    action_id: APPROVE_ACTION,
    text: plain('Approve', LIMITS.buttonText),
    style: 'primary',
    value: request.id,
    confirm: approveConfirm(request),
  };
  const deny: Button = {
    type: 'button',
    action_id: DENY_ACTION,
    text: plain('Deny', LIMITS.buttonText),
    style: 'danger',
    value: request.id,
  };
  // exactly SPEC §6's two buttons: a reason for a deny is given from App Home's "Deny with reason…" (decisions.md)
  return [{ type: 'actions', block_id: DECISION_BLOCK, elements: [approve, deny] }];
}

function revokeButton(request: AccessRequest): KnownBlock[] {
  const revoke: Button = {
    type: 'button',
    action_id: REVOKE_ACTION,
    text: plain('Revoke now', LIMITS.buttonText),
    value: request.id,
    confirm: revokeConfirm(request),
  };
  return [{ type: 'actions', block_id: REVOKE_BLOCK, elements: [revoke] }];
}

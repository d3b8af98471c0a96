/**
 * The direct message telling a requester what just happened to their request:
 * at submission, at every decision, when it takes effect and when it ends.
 */
import { approvalsInStep, type AccessRequest, type NoticeKind } from '../../../domain/request';
import { kindOf } from '../../../kinds/registry';
import { shortName } from '../../../kinds/phrase';
import { changeSummary, remainingApprovals, stepText } from './describe';
import { EXTEND_OPEN_ACTION } from '../ids';
import {
  type Button,
  type KnownBlock,
  type SlackView,
  plain,
  LIMITS,
  code,
  contextBlock,
  mention,
  plural,
  safeText,
  section,
  slackDate,
  truncate,
} from './format';
import { mrkdwnOf } from './phrase';
import { revertFailingNotice, revertRecoveredNotice } from './revertNotice';

/**
 * `options.extendButton`: offer **Extend** (the expiry warning, where the
 * rule still allows an extension).
 */
export function requesterNotice(request: AccessRequest, what: NoticeKind, options: { slash: string; extendButton?: boolean }): SlackView {
  const { slash } = options;
  const sentence = noticeSentence(request, what, slash);
  // who asked, where, under which rule and why: the same facts as the channel message, in one line
  const rule = request.rule === undefined ? '' : ` · rule ${code(request.rule, 100)}`;
  const footer =
    `Request ${code(request.id, 100)} by ${mention(request.requester)} · ${code(request.target, 1000)}${rule} · ` +
    `reason: ${safeText(request.reason, 300)} · \`${slash} status ${request.id}\` shows its history`;
  const blocks: KnownBlock[] = [section(sentence)];
  if (options.extendButton) blocks.push({ type: 'actions', elements: [extendButton(request.id)] });
  blocks.push(contextBlock([footer]));
  return { text: truncate(sentence, LIMITS.messageText), blocks };
}

/** The **Extend** button: opens the extend modal for the request (value: its id). */
export function extendButton(id: string): Button {
  return { type: 'button', action_id: EXTEND_OPEN_ACTION, text: plain('Extend', LIMITS.buttonText), value: id };
}

function extensionSentence(r: AccessRequest, what: NoticeKind, id: string, change: string): string | undefined {
  const ext = (r.extensions ?? [])[(r.extensions ?? []).length - 1];
  const which = ext ? `extension of ${ext.duration} ` : 'extension ';
  switch (what) {
    case 'extension_approval': {
      const last = ext?.approvals[ext.approvals.length - 1];
      return `:ballot_box_with_check: ${last ? mention(last.approver) : 'An approver'} approved the ${which}of your request ${id} — ${ext?.approvals.length ?? 0} of ${plural(r.approvalsRequired, 'approval')}.`;
    }
    case 'extended':
      return `:alarm_clock: The ${which}of your request ${id} (${change}) was applied; it now ends ${r.expiresAt ? slackDate(r.expiresAt) : 'later'}.`;
    case 'extension_denied':
      return `:x: ${ext?.decidedBy ? mention(ext.decidedBy) : 'An approver'} denied the ${which}of your request ${id}; it still ends ${r.expiresAt ? slackDate(r.expiresAt) : 'as planned'}.${reasonGiven(ext?.decisionReason)}`;
    case 'extension_lapsed':
      return `:hourglass: The ${which}of your request ${id} lapsed: ${ext?.outcome ? safeText(ext.outcome, 500) : 'the grant ended before it was decided'}.`;
    case 'extension_failed':
      return `:warning: The ${which}of your request ${id} could not be applied: ${ext?.outcome ? safeText(ext.outcome, 500) : 'no details were recorded'}. The grant still ends ${r.expiresAt ? slackDate(r.expiresAt) : 'as planned'}.`;
    case 'expiring':
      return `:alarm_clock: Your request ${id} (${change}) ends ${r.expiresAt ? slackDate(r.expiresAt) : 'soon'}.`;
    default:
      return undefined;
  }
}

function noticeSentence(r: AccessRequest, what: NoticeKind, slash: string): string {
  const id = code(r.id, 100);
  const change = changeSummary(r);
  const aboutExtension = extensionSentence(r, what, id, change);
  if (aboutExtension !== undefined) return aboutExtension;
  const by = r.decidedBy ? actor(r, r.decidedBy) : 'Someone';
  const outcome = r.outcome ? safeText(r.outcome, 1000) : undefined;
  switch (what) {
    case 'submitted':
      return `:inbox_tray: Your request ${id} (${change}) was posted for approval by *${safeText(r.approverGroup, 100)}*; it needs ${plural(r.approvalsRequired, 'approval')}. I'll message you when it is decided.`;
    case 'approval': {
      const last = r.approvals[r.approvals.length - 1];
      const who = last ? mention(last.approver) : 'An approver';
      return `:ballot_box_with_check: ${who} approved your request ${id} (${change}) — ${approvalsInStep(r).length} of ${plural(r.approvalsRequired, 'approval')}${stepText(r)}; waiting for ${remainingApprovals(r)} more.`;
    }
    case 'approved':
      return `:gear: Your request ${id} (${change}) was approved; runwarden is applying it now.`;
    case 'applied':
      return appliedSentence(r, id, change, slash);
    case 'denied':
      return `:x: ${by} denied your request ${id} (${change}).${outcome ? ` ${outcome}` : ''}${reasonGiven(r.decisionReason)}`;
    case 'expired':
      return `:checkered_flag: Your request ${id} (${change}) expired${r.endedAt ? ` ${slackDate(r.endedAt)}` : ''}: ${outcome ?? endedWhat(r)}.`;
    case 'revoked':
      return `:octagonal_sign: ${by} revoked your request ${id} (${change}): ${endedWhat(r)}.${reasonGiven(r.decisionReason)}`;
    case 'failed':
      return `:warning: Your request ${id} (${change}) failed: ${outcome ?? 'no details were recorded'}. Nothing more will be attempted; the operators can see the details in the logs.`;
    case 'timed_out':
      return `:hourglass: Your request ${id} (${change}) timed out before it got ${plural(r.approvalsRequired, 'approval')}. Submit it again if you still need it.`;
    case 'cancelled':
      return `:wastebasket: ${by} cancelled request ${id} (${change}); nothing was changed.`;
    case 'auto_approved':
      return `:robot_face: Your request ${id} (${change}) was auto-approved (the rule approves such requests itself); it is being applied.`;
    case 'step':
      return `:arrow_right: Step ${(r.step ?? 2) - 1} of your request ${id} (${change}) is approved; step ${r.step ?? 2} of ${r.steps?.length ?? 2} now needs ${plural(r.approvalsRequired, 'approval')} from *${safeText(r.approverGroup, 100)}*.`;
    case 'window_open':
      return `:large_green_circle: The window of your scheduled grant ${id} is open: ${change}.`;
    case 'revert_failing':
      return revertFailingNotice(r, change);
    case 'revert_recovered':
      return revertRecoveredNotice(r, change);
    case 'drift':
    default: // the extension notices are answered above
      return `:mag: ${code(shortName(r.target), 200)} no longer matches what your request ${id} (${change}) applied${outcome ? `: ${outcome.replace(/\.$/, '')}` : ''}.`;
  }
}

/** " Reason given: …" after a deny or revoke that gave one (escaped, cut), else "". */
function reasonGiven(reason: string | undefined): string {
  return reason ? ` Reason given: ${safeText(reason, 500)}` : '';
}

/** "You" when the actor is the requester, their mention otherwise. */
function actor(r: AccessRequest, who: string): string {
  return who === r.requester ? 'You' : mention(who);
}

function appliedSentence(r: AccessRequest, id: string, change: string, slash: string): string {
  const done = kindOf(r.kind).describe.done?.(r);
  if (done) return `:white_check_mark: Your request ${id} is done: ${mrkdwnOf(done)}.`;
  if (r.startsAt && r.expiresAt) {
    return `:white_check_mark: Your scheduled grant ${id} is in place: ${change}. I'll DM you when the window opens; \`${slash} revoke ${r.id}\` removes it.`;
  }
  const auto = r.autoApproved ? ' (auto-approved: the rule approves such requests itself)' : '';
  if (r.expiresAt) {
    return `:white_check_mark: Your request ${id} is in force${auto}: ${change}. It ends ${slackDate(r.expiresAt)}; \`${slash} revoke ${r.id}\` ends it earlier.`;
  }
  return `:white_check_mark: Your request ${id} was applied: ${change}.`;
}

function endedWhat(r: AccessRequest): string {
  return mrkdwnOf(kindOf(r.kind).describe.ended(r));
}

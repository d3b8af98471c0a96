/**
 * The direct message telling a requester what just happened to their request:
 * at submission, at every decision, when it takes effect and when it ends.
 */
import type { AccessRequest } from '../../../domain/request';
import { changeSummary, remainingApprovals, shortName } from './describe';
import {
  type SlackView,
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

export const NOTICE_KINDS = [
  'submitted',
  'approval',
  'approved',
  'applied',
  'denied',
  'expired',
  'revoked',
  'failed',
  'timed_out',
  'cancelled',
  'drift',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export function requesterNotice(request: AccessRequest, what: NoticeKind): SlackView {
  const sentence = noticeSentence(request, what);
  const footer = `Request ${code(request.id, 100)} · ${code(request.target, 1000)} · \`/warden status ${request.id}\` shows its history`;
  return {
    text: truncate(sentence, LIMITS.messageText),
    blocks: [section(sentence), contextBlock([footer])],
  };
}

function noticeSentence(r: AccessRequest, what: NoticeKind): string {
  const id = code(r.id, 100);
  const change = changeSummary(r);
  const by = r.decidedBy ? actor(r, r.decidedBy) : 'Someone';
  const outcome = r.outcome ? safeText(r.outcome, 1000) : undefined;
  switch (what) {
    case 'submitted':
      return `:inbox_tray: Your request ${id} (${change}) was posted for approval by *${safeText(r.approverGroup, 100)}*; it needs ${plural(r.approvalsRequired, 'approval')}. I'll message you when it is decided.`;
    case 'approval': {
      const last = r.approvals[r.approvals.length - 1];
      const who = last ? mention(last.approver) : 'An approver';
      return `:ballot_box_with_check: ${who} approved your request ${id} (${change}) — ${r.approvals.length} of ${plural(r.approvalsRequired, 'approval')}; waiting for ${remainingApprovals(r)} more.`;
    }
    case 'approved':
      return `:gear: Your request ${id} (${change}) was approved; runwarden is applying it now.`;
    case 'applied':
      return appliedSentence(r, id, change);
    case 'denied':
      return `:x: ${by} denied your request ${id} (${change}).${outcome ? ` ${outcome}` : ''}`;
    case 'expired':
      return `:checkered_flag: Your request ${id} (${change}) expired${r.endedAt ? ` ${slackDate(r.endedAt)}` : ''}: ${endedWhat(r)}.`;
    case 'revoked':
      return `:octagonal_sign: ${by} revoked your request ${id} (${change}): ${endedWhat(r)}.`;
    case 'failed':
      return `:warning: Your request ${id} (${change}) failed: ${outcome ?? 'no details were recorded'}. Nothing more will be attempted; the operators can see the details in the logs.`;
    case 'timed_out':
      return `:hourglass: Your request ${id} (${change}) timed out before it got ${plural(r.approvalsRequired, 'approval')}. Submit it again if you still need it.`;
    case 'cancelled':
      return `:wastebasket: ${by} cancelled request ${id} (${change}); nothing was changed.`;
    case 'drift':
      return `:mag: ${code(shortName(r.target), 200)} no longer matches what your request ${id} (${change}) applied${outcome ? `: ${outcome}` : ''}.`;
  }
}

/** "You" when the actor is the requester, their mention otherwise. */
function actor(r: AccessRequest, who: string): string {
  return who === r.requester ? 'You' : mention(who);
}

function appliedSentence(r: AccessRequest, id: string, change: string): string {
  if (r.kind === 'rotate') {
    const version = r.result?.['version'];
    return `:white_check_mark: Your request ${id} is done: key ${code(shortName(r.target), 200)} was rotated${version ? `; the new primary version is ${code(version, 500)}` : ''}.`;
  }
  if (r.expiresAt) {
    return `:white_check_mark: Your request ${id} is in force: ${change}. It ends ${slackDate(r.expiresAt)}; \`/warden revoke ${r.id}\` ends it earlier.`;
  }
  return `:white_check_mark: Your request ${id} was applied: ${change}.`;
}

function endedWhat(r: AccessRequest): string {
  switch (r.kind) {
    case 'invoker':
      return `the ${code(r.role ?? 'roles/run.invoker', 200)} binding for ${code(r.member ?? 'you', 300)} was removed`;
    case 'egress':
    case 'ingress':
      return r.previousValue
        ? `${r.kind} of ${code(shortName(r.target), 200)} was set back to ${code(r.previousValue, 100)}`
        : `${r.kind} of ${code(shortName(r.target), 200)} was set back`;
    case 'rotate':
      return 'a rotation cannot be undone';
  }
}

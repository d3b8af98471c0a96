/**
 * The App Home tab (SPEC §9): a pure function of what the user's requests
 * are now. Active grants with the time left (**End now**, **Extend** where
 * the rule allows another extension), pending requests (**Cancel**),
 * requests and extensions waiting for the user's approval (**Approve**,
 * **Deny**, re-checked at the click like the channel buttons; End now,
 * Approve and Deny ask for confirmation first, as in the channel), and the last
 * ten finished requests. A home view holds at most 100 blocks
 * (https://api.slack.com/reference/surfaces/views): each list shows its
 * first items (the user's own: the most recent) and summarises the rest —
 * counted in `totals` when the list holds only the first — with
 * `/warden list` and `/warden status <id>`.
 */
import type { AccessRequest } from '../../../domain/request';
import { openExtension } from '../../../domain/extensions';
import type { SlackSurface } from '../../../ports';
import {
  APPROVE_ACTION,
  CANCEL_ACTION,
  DENY_ACTION,
  DENY_WITH_REASON_ACTION,
  EXTEND_OPEN_ACTION,
  EXTENSION_APPROVE_ACTION,
  EXTENSION_DENY_ACTION,
  EXTENSION_DENY_WITH_REASON_ACTION,
  REVIEW_ACTION,
  REVOKE_ACTION,
  REVOKE_WITH_REASON_ACTION,
} from '../ids';
import { reasonButton } from './decisionReasonModal';
import type { ConfirmationDialog } from '@slack/types';
import { approveConfirm, denyConfirm, extensionApproveConfirm, extensionDenyConfirm, revokeConfirm } from './confirmations';
import { changeSummary, kindLabel, statusLine } from './describe';
import { extensionRef } from './extensionMessage';
import { whereAndWhy } from './whereAndWhy';
import { postureHomeBlocks, type PostureHomeData } from './postureHome';
import {
  type Button,
  type KnownBlock,
  LIMITS,
  code,
  contextBlock,
  header,
  linesToSections,
  mention,
  plain,
  section,
  slackDate,
  slackRelative,
} from './format';

export interface HomeData {
  /** the user's active grants */
  active: AccessRequest[];
  /** the user's requests waiting for approval or being applied */
  pending: AccessRequest[];
  /** pending requests the user may approve */
  awaiting: AccessRequest[];
  /** active requests whose pending extension the user may approve */
  extensionsAwaiting: AccessRequest[];
  /** break-glass requests the user may review (one of the rule's approvers, not the requester), not yet reviewed */
  awaitingReview: AccessRequest[];
  /** the user's last finished requests, newest first */
  history: AccessRequest[];
  /** ids of active grants the rule lets the user extend now */
  extendable: ReadonlySet<string>;
  /** how many there are in all where a list holds only the most recent (default: the list's length) */
  totals?: { active?: number | undefined; pending?: number | undefined } | undefined;
  /** what waits for the user was looked for among a bounded number of requests: there may be more than listed */
  awaitingPartial?: boolean | undefined;
  /** the open posture findings, for a posture approver (SPEC §11); absent for everyone else */
  posture?: PostureHomeData | undefined;
}

/** Break-glass requests shown for review; few, loud, and the rest summarised, so the view stays within its blocks. */
export const HOME_MAX_REVIEWS = 5;

/** Slack's limit on a home view's blocks. */
export const HOME_MAX_BLOCKS = 100;
/** Items shown per list; with their buttons the whole view stays within HOME_MAX_BLOCKS. */
export const HOME_MAX_ITEMS = 12;

const button = (actionId: string, text: string, value: string, style?: 'primary' | 'danger', confirm?: ConfirmationDialog): Button => ({
  type: 'button',
  action_id: actionId,
  text: plain(text, LIMITS.buttonText),
  value,
  ...(style ? { style } : {}),
  ...(confirm ? { confirm } : {}),
});

/** The first HOME_MAX_ITEMS of a list of `total` (at least the list's length) and, for the rest, a line saying where to find them. */
function shown<T>(items: readonly T[], slash: string, total = items.length, partial = false): { items: T[]; more: KnownBlock[] } {
  const first = items.slice(0, HOME_MAX_ITEMS);
  const rest = Math.max(total, items.length) - first.length;
  const tail = `; \`${slash} list\` lists them all and \`${slash} status &lt;id&gt;\` shows one.`;
  const more = rest > 0 ? [contextBlock([`…and ${rest} more${tail}`])] : partial ? [contextBlock([`…and possibly more${tail}`])] : [];
  return { items: first, more };
}

function activeBlocks(r: AccessRequest, data: HomeData, now: Date): KnownBlock[] {
  const scheduled = r.startsAt !== undefined && r.startsAt.getTime() > now.getTime();
  // relative times as Slack {ago} tokens: a Home left open for an hour still tells the truth
  const left = !r.expiresAt
    ? 'in force'
    : scheduled
      ? `scheduled, starts ${slackRelative(r.startsAt ?? now)}`
      : r.expiresAt.getTime() > now.getTime()
        ? `ends ${slackRelative(r.expiresAt)}`
        : 'ending now';
  const waiting = openExtension(r);
  const note = waiting ? `\n:hourglass_flowing_sand: Extension ${waiting.n} (+${waiting.duration}) is waiting for approval.` : '';
  const buttons = [
    button(REVOKE_ACTION, 'End now', r.id, 'danger', revokeConfirm(r)),
    reasonButton(REVOKE_WITH_REASON_ACTION, 'End with reason…', r.id),
  ];
  if (data.extendable.has(r.id)) buttons.push(button(EXTEND_OPEN_ACTION, 'Extend', r.id));
  return [
    section(
      `${code(r.id, 100)} · ${kindLabel(r.kind)} · ${changeSummary(r)}\n${whereAndWhy(r)}\n*${left}*${r.expiresAt ? ` — until ${slackDate(r.expiresAt)}` : ''}${note}`,
    ),
    { type: 'actions', block_id: `home_active_${r.id}`, elements: buttons },
  ];
}

function pendingBlock(r: AccessRequest, now: Date): KnownBlock {
  const text = `${code(r.id, 100)} · ${kindLabel(r.kind)} · ${changeSummary(r)}\n${whereAndWhy(r)}\n${statusLine(r, now)}`;
  return r.status === 'pending' ? { ...section(text), accessory: button(CANCEL_ACTION, 'Cancel', r.id) } : section(text);
}

function awaitingBlocks(r: AccessRequest): KnownBlock[] {
  return [
    section(
      `${code(r.id, 100)} · ${mention(r.requester)} asks for ${changeSummary(r)} · ${r.approvals.length} of ${r.approvalsRequired} · ${slackDate(r.createdAt)}\n${whereAndWhy(r)}`,
    ),
    {
      type: 'actions',
      block_id: `home_decide_${r.id}`,
      elements: [
        button(APPROVE_ACTION, 'Approve', r.id, 'primary', approveConfirm(r)),
        button(DENY_ACTION, 'Deny', r.id, 'danger', denyConfirm(r)),
        reasonButton(DENY_WITH_REASON_ACTION, 'Deny with reason…', r.id),
      ],
    },
  ];
}

function extensionAwaitingBlocks(r: AccessRequest): KnownBlock[] {
  const extension = openExtension(r);
  if (!extension) return [];
  const ref = extensionRef(r, extension);
  return [
    section(
      `${code(r.id, 100)} · ${mention(r.requester)} asks to extend ${changeSummary(r)} by *${extension.duration}* · ${extension.approvals.length} of ${r.approvalsRequired}\n${whereAndWhy(r)}`,
    ),
    {
      type: 'actions',
      block_id: `home_extension_${ref}`,
      elements: [
        button(EXTENSION_APPROVE_ACTION, 'Approve', ref, 'primary', extensionApproveConfirm(r, extension)),
        button(EXTENSION_DENY_ACTION, 'Deny', ref, 'danger', extensionDenyConfirm(r, extension)),
        reasonButton(EXTENSION_DENY_WITH_REASON_ACTION, 'Deny with reason…', ref),
      ],
    },
  ];
}

function reviewBlocks(r: AccessRequest): KnownBlock[] {
  return [
    section(
      `${code(r.id, 100)} · :rotating_light: break-glass by ${mention(r.requester)} · ${changeSummary(r)} · ${slackDate(r.createdAt)}\n${whereAndWhy(r)}`,
    ),
    { type: 'actions', block_id: `home_review_${r.id}`, elements: [button(REVIEW_ACTION, 'Review', r.id, 'primary')] },
  ];
}

function reviewSection(data: HomeData, slash: string): KnownBlock[] {
  if (data.awaitingReview.length === 0) return [];
  const items = data.awaitingReview.slice(0, HOME_MAX_REVIEWS);
  const rest = data.awaitingReview.length - items.length;
  const more = rest > 0 ? [contextBlock([`…and ${rest} more; \`${slash} list\` lists them all.`])] : [];
  return [header(`Break-glass awaiting your review (${data.awaitingReview.length})`), ...items.flatMap(reviewBlocks), ...more];
}

export function homeView(data: HomeData, now: Date, slash: string): SlackSurface {
  const activeTotal = Math.max(data.totals?.active ?? 0, data.active.length);
  const pendingTotal = Math.max(data.totals?.pending ?? 0, data.pending.length);
  const active = shown(data.active, slash, activeTotal);
  const pending = shown(data.pending, slash, pendingTotal);
  const awaiting = shown([...data.awaiting, ...data.extensionsAwaiting], slash, undefined, data.awaitingPartial === true);
  const awaitingCount = `${data.awaiting.length + data.extensionsAwaiting.length}${data.awaitingPartial === true ? '+' : ''}`;
  const isExtension = (r: AccessRequest): boolean => data.extensionsAwaiting.includes(r);
  const blocks: KnownBlock[] = [
    header('runwarden'),
    contextBlock([`Just-in-time access to Cloud Run. \`${slash}\` opens the request form; \`${slash} help\` lists every command.`]),
    header(`Your active grants (${activeTotal})`),
    ...(data.active.length === 0 ? [section('Nothing in force.')] : active.items.flatMap((r) => activeBlocks(r, data, now))),
    ...active.more,
    header(`Your pending requests (${pendingTotal})`),
    ...(data.pending.length === 0 ? [section('Nothing waiting.')] : pending.items.map((r) => pendingBlock(r, now))),
    ...pending.more,
    header(`Waiting for your approval (${awaitingCount})`),
    ...(awaiting.items.length === 0
      ? [section('Nothing is waiting for you.')]
      : awaiting.items.flatMap((r) => (isExtension(r) ? extensionAwaitingBlocks(r) : awaitingBlocks(r)))),
    ...awaiting.more,
    ...reviewSection(data, slash),
    ...(data.posture ? postureHomeBlocks(data.posture, slash) : []),
    header('Recent history'),
    ...(data.history.length === 0
      ? [section('No finished requests yet.')]
      : linesToSections(
          data.history.map((r) => `• ${code(r.id, 100)} · ${kindLabel(r.kind)} · ${changeSummary(r)}\n    ${statusLine(r, now)}`),
          3,
          'request',
        )),
  ];
  return { type: 'home', blocks: blocks.slice(0, HOME_MAX_BLOCKS) };
}

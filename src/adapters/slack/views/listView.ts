/**
 * `/warden list`: the caller's open requests and active grants, and the
 * requests waiting for their approval or (break-glass) their review.
 */
import type { AccessRequest } from '../../../domain/request';
import { changeSummary, kindLabel, statusLine } from './describe';
import { whereAndWhy } from './whereAndWhy';
import { type SlackView, LIMITS, channelLink, code, header, linesToSections, mention, section, slackDate, truncate } from './format';

export interface ListInput {
  /** the caller's requests that are pending, approved or active */
  mine: AccessRequest[];
  /** pending requests the caller may approve */
  awaitingMe: AccessRequest[];
  /** break-glass requests the caller may review; a section only when there are any */
  awaitingReview?: AccessRequest[] | undefined;
}

/** What an empty list says, naming the configured slash command. */
const emptyMine = (slash: string): string =>
  `Nothing open. Ask for access with \`${slash} invoker &lt;service&gt; &lt;duration&gt; &lt;reason&gt;\`; \`${slash} help\` lists every command.`;

/** Request ids named in the fallback text before "…". */
const MAX_IDS_IN_TEXT = 20;
/** Sections per list (two lists and a header stay under 50 blocks). */
const MAX_SECTIONS = 20;
/** Sections of the break-glass review list (with the other two, still at most 50 blocks). */
const MAX_REVIEW_SECTIONS = 6;

/** `slash`: the configured slash command (WARDEN_SLASH_COMMAND), named in the texts. */
export function listView(input: ListInput, now: Date, slash: string): SlackView {
  const { mine, awaitingMe } = input;
  const awaitingReview = input.awaitingReview ?? [];
  const mineTitle = `*Your open requests and active grants* (${mine.length})`;
  const awaitingTitle = `*Waiting for your approval* (${awaitingMe.length})`;
  const blocks = [
    header('Your runwarden requests'),
    ...(mine.length === 0
      ? [section(`${mineTitle}\n${emptyMine(slash)}`)]
      : linesToSections([mineTitle, ...mine.map((r) => mineLine(r, now))], MAX_SECTIONS, 'request')),
    { type: 'divider' as const },
    ...(awaitingMe.length === 0
      ? [section(`${awaitingTitle}\nNothing is waiting for you. :tada:`)]
      : linesToSections([awaitingTitle, ...awaitingMe.map(awaitingLine)], MAX_SECTIONS, 'request')),
    ...(awaitingReview.length === 0
      ? []
      : [
          { type: 'divider' as const },
          ...linesToSections(
            [`*Break-glass awaiting your review* (${awaitingReview.length})`, ...awaitingReview.map((r) => reviewLine(r, now))],
            MAX_REVIEW_SECTIONS,
            'request',
          ),
        ]),
  ];
  const review = awaitingReview.length === 0 ? '' : ` Break-glass awaiting your review: ${awaitingReview.length}${idList(awaitingReview)}.`;
  const text =
    `Your open requests and active grants: ${mine.length}${idList(mine)}. ` +
    `Waiting for your approval: ${awaitingMe.length}${idList(awaitingMe)}.${review}`;
  return { text: truncate(text, LIMITS.messageText), blocks };
}

function mineLine(r: AccessRequest, now: Date): string {
  return `• ${code(r.id, 100)} · ${kindLabel(r.kind)} · ${changeSummary(r)}\n    ${whereAndWhy(r)}\n    ${statusLine(r, now)}`;
}

function awaitingLine(r: AccessRequest): string {
  return (
    `• ${code(r.id, 100)} · ${mention(r.requester)} asks for ${changeSummary(r)}` +
    ` · ${r.approvals.length} of ${r.approvalsRequired} · in ${channelLink(r.message?.channel ?? r.channel)}` +
    ` · ${slackDate(r.createdAt)}\n    ${whereAndWhy(r)}`
  );
}

function reviewLine(r: AccessRequest, now: Date): string {
  return (
    `• ${code(r.id, 100)} · :rotating_light: break-glass by ${mention(r.requester)}: ${changeSummary(r)}` +
    ` · in ${channelLink(r.message?.channel ?? r.channel)}\n    ${whereAndWhy(r)}\n    ${statusLine(r, now)}`
  );
}

function idList(requests: readonly AccessRequest[]): string {
  if (requests.length === 0) return '';
  const ids = requests.slice(0, MAX_IDS_IN_TEXT).map((r) => r.id);
  return ` (${ids.join(', ')}${requests.length > MAX_IDS_IN_TEXT ? ', …' : ''})`;
}

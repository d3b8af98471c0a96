/**
 * `/warden status <id>`: one request's facts and its history, oldest event
 * first: the events of its life (category `history`); the bookkeeping ones
 * (Slack deliveries, lease renewals before writes to Google) are counted, and
 * kept in the audit trail.
 */
import { categoryOf, type AccessRequest, type AuditEvent } from '../../../domain/request';
import { changeSummary, requestBlocks, statusLine } from './describe';
import { type KnownBlock, type SlackView, LIMITS, linesToSections, mention, safeText, section, slackDateSeconds, truncate } from './format';

/** Longest detail summary shown for one event. */
const MAX_DETAIL = 400;

/**
 * `options.all` (`status <id> --all`): every event, the bookkeeping ones marked
 * `(bookkeeping)`; without it the history alone, with a count of the rest and
 * how to see them.
 */
export function statusView(request: AccessRequest, events: AuditEvent[], now?: Date, options: { all?: boolean } = {}): SlackView {
  const blocks: KnownBlock[] = requestBlocks(request);
  blocks.push(section(`*Status:* ${request.status} · ${statusLine(request, now)}`));
  blocks.push({ type: 'divider' });

  const all = options.all === true;
  const history = events
    .filter((event) => all || categoryOf(event) === 'history')
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map(eventLine);
  const bookkeeping = events.length - history.length;
  const kept =
    bookkeeping > 0
      ? [
          `_…and ${bookkeeping} bookkeeping event${bookkeeping === 1 ? '' : 's'} (Slack deliveries, lease renewals before writes to Google), kept in the audit trail: \`status ${safeText(request.id, 100)} --all\` shows them_`,
        ]
      : [];
  const room = LIMITS.blocks - blocks.length - 1;
  const title = all ? `*History and bookkeeping* (${history.length})` : `*History* (${history.length})`;
  if (history.length === 0) blocks.push(section('*History*\nNo events recorded.'));
  else blocks.push(...linesToSections([title, ...history, ...kept], room, 'event'));

  const text = `Request ${request.id}: ${changeSummary(request)}, requested by ${mention(request.requester)} — ${request.status}.`;
  return { text: truncate(text, LIMITS.messageText), blocks };
}

function eventLine(event: AuditEvent): string {
  const detail = summariseDetail(event.detail);
  const mark = categoryOf(event) === 'bookkeeping' ? ' _(bookkeeping)_' : '';
  return `${slackDateSeconds(event.at)} · ${mention(event.actor)} · *${safeText(event.action, 100)}*${mark}${detail ? ` — ${detail}` : ''}`;
}

/**
 * Detail keys kept for the logs and the audit trail only: Google's own error
 * text (which can name the bot's service account and missing permissions, or
 * echo a whole policy) is never shown in Slack (SPEC §4).
 */
const NOT_SHOWN: ReadonlySet<string> = new Set(['error']);

/** "key value · key value", scalars as they are, anything nested as compact JSON; escaped and cut. */
export function summariseDetail(detail: Record<string, unknown>): string {
  const parts = Object.entries(detail)
    .filter(([k, v]) => !NOT_SHOWN.has(k) && v !== undefined && v !== null && v !== '')
    // a rule's position in the file is configuration, not something to show people (the audit keeps it)
    .filter(([k, v]) => !(k === 'rule' && typeof v === 'number'))
    .map(([k, v]) => `${k}: ${scalar(v)}`);
  return safeText(parts.join(' · '), MAX_DETAIL);
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '[unprintable]';
  }
}

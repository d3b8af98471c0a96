/**
 * Small text helpers shared by the Block Kit views: escaping of anything that
 * did not come from runwarden itself, Slack date tokens, durations, and the
 * size limits Slack enforces on blocks. Pure functions; no I/O.
 */
import type { types } from '@slack/bolt';

export type KnownBlock = types.KnownBlock;
export type SectionBlock = types.SectionBlock;
export type Button = types.Button;
export type MrkdwnElement = types.MrkdwnElement;
export type PlainTextElement = types.PlainTextElement;

/** What every view returns: the notification fallback and the blocks. */
export interface SlackView {
  /** notification / fallback text; carries the essential facts and the request id */
  text: string;
  blocks: KnownBlock[];
}

/** Block Kit limits (https://docs.slack.dev/reference/block-kit). */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  field: 2000,
  fields: 10,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Slack truncates message text beyond 40 000 chars; we stay far below */
  messageText: 3000,
} as const;

const ELLIPSIS = '…';

/** Escapes the three characters Slack's mrkdwn treats as control: no mentions, links or entities survive. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts `text` to at most `max` characters (code points kept whole), ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - ELLIPSIS.length) break;
    out += ch;
  }
  return out + ELLIPSIS;
}

/**
 * Escapes user text and keeps the escaped result within `max` characters,
 * never cutting an entity (&amp;) or a surrogate pair in half.
 */
export function safeText(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const ch of text) {
    const piece = escapeMrkdwn(ch);
    if (out.length + piece.length > max - ELLIPSIS.length) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** Inline code for identifiers (resource names, roles, members): escaped, no backticks inside. */
export function code(text: string, max = 500): string {
  return '`' + safeText(text.replace(/`/g, "'"), max) + '`';
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const SLACK_GROUP = /^S[A-Z0-9]{2,}$/;
const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,}$/;

/** `<@U…>` for Slack user ids, `<!subteam^S…>` for user groups; anything else shown as escaped text. */
export function mention(id: string): string {
  if (SLACK_USER.test(id)) return `<@${id}>`;
  if (SLACK_GROUP.test(id)) return `<!subteam^${id}>`;
  return safeText(id, 100);
}

/** `<#C…>` for channel ids; anything else shown as escaped text. */
export function channelLink(id: string): string {
  return SLACK_CHANNEL.test(id) ? `<#${id}>` : safeText(id, 100);
}

/** Seconds as "1d2h", "1h30m", "45m", "90s" → "1m30s"; 0 → "0s". */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

/** Time left until `until`, rounded to minutes once above a minute ("1h30m", "45s"). */
export function formatRemaining(until: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((until.getTime() - now.getTime()) / 1000));
  return formatDuration(seconds >= 60 ? Math.ceil(seconds / 60) * 60 : seconds);
}

/** "2026-11-22 23:00 UTC": the fallback shown where Slack cannot render a date token. */
export function plainDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A Slack date token, rendered in each reader's own time zone. */
export function slackDate(date: Date): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} {time}|${plainDate(date)}>`;
}

/** A Slack date token to the second ("today 14:05:12" in each reader's time zone): a history whose events come seconds apart. */
export function slackDateSeconds(date: Date): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} {time_secs}|${date.toISOString().slice(0, 19).replace('T', ' ')} UTC>`;
}

/**
 * "in 2 hours" / "5 minutes ago", computed by the Slack client whenever the message is read (the `{ago}` token),
 * so a message posted hours ago is still right; the fallback is the date itself.
 */
export function slackRelative(date: Date): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{ago}|at ${plainDate(date)}>`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `items` rendered by `show`, at most `max` of them, then "and N more". */
export function listWithMore(items: readonly string[], max: number, show: (item: string) => string): string[] {
  const shown = items.slice(0, max).map(show);
  if (items.length > max) shown.push(`and ${items.length - max} more`);
  return shown;
}

// ------------------------------------------------------------- block makers

export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) };
}

export function plain(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function fieldsSection(fields: readonly string[]): SectionBlock {
  return {
    type: 'section',
    fields: fields.slice(0, LIMITS.fields).map((f) => ({ type: 'mrkdwn', text: truncate(f, LIMITS.field) })),
  };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: plain(text, LIMITS.headerText) };
}

export function contextBlock(lines: readonly string[]): KnownBlock {
  return { type: 'context', elements: lines.slice(0, LIMITS.contextElements).map(mrkdwn) };
}

/**
 * Packs lines into as few sections as fit the section text limit, and at most
 * `maxBlocks` sections; lines that do not fit are summarised as "N more".
 */
export function linesToSections(lines: readonly string[], maxBlocks: number, noun = 'line'): SectionBlock[] {
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  for (const line of lines) {
    const piece = truncate(line, LIMITS.sectionText - 100);
    if (current !== '' && current.length + 1 + piece.length > LIMITS.sectionText - 100) {
      if (chunks.length + 1 >= maxBlocks) break;
      chunks.push(current);
      current = '';
    }
    current = current === '' ? piece : `${current}\n${piece}`;
    used += 1;
  }
  const left = lines.length - used;
  if (left > 0) current += `\n_…${left} more ${left === 1 ? noun : `${noun}s`} not shown_`;
  if (current !== '') chunks.push(current);
  return chunks.map(section);
}

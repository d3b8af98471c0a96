/**
 * Slack's message markup as a person reads it in the Slack client, for the
 * sandbox CLI (https://docs.slack.dev/messaging/formatting-message-text):
 *
 *   <@U0BOB>                        → @bob (the stand-in's user names; else @U0BOB)
 *   <!subteam^S0SECURITY>           → @S0SECURITY  (with a label: <!subteam^S…|@security> → @security)
 *   <!here> <!channel> <!everyone>  → @here @channel @everyone
 *   <#C0APPROVALS> / <#C…|name>     → #C0APPROVALS / #name
 *   <https://x|text> / <https://x>  → text (https://x) / https://x
 *   <!date^1765000000^{date_short_pretty} {time}|fallback>
 *                                   → the tokens filled in UTC: "today 03:14 UTC"
 *   &lt; &gt; &amp;                  → < > &
 *
 * Date tokens follow Slack's list ({date_num}, {date}, {date_short},
 * {date_long}, their _pretty forms, {time}, {time_secs}, {ago}); an unknown
 * token falls back to the text after `|`. `now` is a parameter so the
 * relative words (today, in 2 hours) are testable.
 */

const DAY_MS = 86_400_000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface SlackTextContext {
  now: Date;
  /** Slack user id → display name */
  users?: Record<string, string> | undefined;
}

/** `text` with every Slack markup token replaced by what the Slack client shows. */
export function renderSlackText(text: string, context: SlackTextContext): string {
  return text
    .replace(/<([^<>]*)>/g, (whole, inner: string) => renderToken(inner, context) ?? whole)
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function renderToken(inner: string, context: SlackTextContext): string | undefined {
  const bar = inner.indexOf('|');
  const [body, label] = bar < 0 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
  if (body.startsWith('@')) {
    const id = body.slice(1);
    return `@${label ?? context.users?.[id] ?? id}`;
  }
  if (body.startsWith('#')) return `#${label ?? body.slice(1)}`;
  if (body.startsWith('!subteam^')) return label ? (label.startsWith('@') ? label : `@${label}`) : `@${body.slice('!subteam^'.length)}`;
  if (body.startsWith('!date^')) return renderDate(body, label, context.now);
  if (body.startsWith('!')) return `@${label ?? body.slice(1)}`;
  if (/^(https?|mailto):/.test(body)) return label ? `${label} (${body})` : body;
  return undefined;
}

/** `!date^<unix>^<format>[^<link>]` (+ fallback label) → the format with its tokens filled in UTC. */
function renderDate(body: string, fallback: string | undefined, now: Date): string {
  const [, seconds, format] = body.split('^');
  const unix = Number(seconds);
  if (!Number.isFinite(unix) || format === undefined) return fallback ?? body;
  const at = new Date(unix * 1000);
  let unknown = false;
  const filled = format.replace(/\{(\w+)\}/g, (_match, token: string) => {
    const value = dateToken(token, at, now);
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown && fallback ? fallback : filled;
}

function dateToken(token: string, at: Date, now: Date): string | undefined {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const day = at.getUTCDate();
  const month = MONTHS[at.getUTCMonth()] ?? '';
  const numeric = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(day)}`;
  const long = `${WEEKDAYS[at.getUTCDay()] ?? ''}, ${month} ${ordinal(day)}, ${at.getUTCFullYear()}`;
  const plain = `${month} ${ordinal(day)}, ${at.getUTCFullYear()}`;
  const short = `${month.slice(0, 3)} ${day}, ${at.getUTCFullYear()}`;
  const pretty = (otherwise: string): string => {
    const days = Math.round(
      (Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), day) - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) / DAY_MS,
    );
    return days === 0 ? 'today' : days === 1 ? 'tomorrow' : days === -1 ? 'yesterday' : otherwise;
  };
  switch (token) {
    case 'date_num':
      return numeric;
    case 'date':
      return plain;
    case 'date_short':
      return short;
    case 'date_long':
      return long;
    case 'date_pretty':
      return pretty(plain);
    case 'date_short_pretty':
      return pretty(short);
    case 'date_long_pretty':
      return pretty(long);
    case 'time':
      return `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
    case 'time_secs':
      return `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} UTC`;
    case 'ago':
      return relative(at.getTime() - now.getTime());
    default:
      return undefined;
  }
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** "in 2 hours", "5 minutes ago", "in a few seconds" (Slack's {ago} words). */
function relative(deltaMs: number): string {
  const abs = Math.abs(deltaMs);
  const units: Array<[number, string]> = [
    [DAY_MS, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const [size, unit] = units.find(([ms]) => abs >= ms) ?? [0, ''];
  const phrase = size === 0 ? 'a few seconds' : `${Math.round(abs / size)} ${unit}${Math.round(abs / size) === 1 ? '' : 's'}`;
  return deltaMs >= 0 ? `in ${phrase}` : `${phrase} ago`;
}

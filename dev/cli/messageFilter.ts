/**
 * Which of the stand-in's recorded messages `warden messages` shows:
 *
 *   <request id>       messages whose text or blocks name the request (its
 *                      extensions `<id>.<n>` included), and the replies in
 *                      their threads
 *   --user U…          what that user received or is mentioned in: DMs to
 *                      them, ephemerals to them, channel messages that mention
 *                      `<@U…>`, their App Home
 *   --since <when>     posted or updated since then: a duration ago (`10m`,
 *                      `1h30m`) or an RFC 3339 time
 *
 * Filters combine (all must hold). Pure: `now` is a parameter.
 */
import { parseDuration } from '../../src/domain/duration';
import { isRequestId } from '../../src/domain/requestId';

export interface MessageFilter {
  requestId?: string | undefined;
  user?: string | undefined;
  since?: Date | undefined;
  /** "about request x, for U0BOB, since 03:14:00" — undefined when nothing is filtered */
  description: string | undefined;
  /** whether a modal or App Home (its JSON; `homeUser` for a Home) passes the filter */
  matchesView(json: string, homeUser: string | undefined): boolean;
}

interface Recorded {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[] | undefined;
  threadTs?: string | undefined;
  postedAt: string;
  history: Array<{ at?: string | undefined }>;
}
interface RecordedEphemeral {
  user: string;
  text: string;
  blocks?: unknown[] | undefined;
  postedAt: string;
}

/** Parses `[<request id>] [--since <when>]` (the CLI's own --user is passed in); throws a clear message on anything else. */
export function messageFilter(words: string[], user: string | undefined, now: Date): MessageFilter {
  let requestId: string | undefined;
  let since: Date | undefined;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const [flag, inline] = word.split(/=(.*)/s) as [string, string | undefined];
    if (flag === '--since') {
      const value = inline ?? words[(i += 1)];
      since = value === undefined ? undefined : sinceTime(value, now);
      if (!since)
        throw new Error(
          `--since needs a duration (10m, 1h30m) or an RFC 3339 time (2026-12-01T09:00:00Z), not ${JSON.stringify(value ?? '')}`,
        );
    } else if (requestId === undefined && isRequestId(word.replace(/\.\d+$/, ''))) requestId = word.replace(/\.\d+$/, '');
    else throw new Error(`messages takes [<request id>] [--user U…] [--since <duration|time>], not ${JSON.stringify(word)}`);
  }
  const parts = [
    requestId && `about request ${requestId}`,
    user && `for ${user}`,
    since && `since ${since.toISOString().replace('.000Z', 'Z')}`,
  ].filter(Boolean);
  const mentions = (json: string): boolean => user !== undefined && json.includes(`<@${user}>`);
  return {
    requestId,
    user,
    since,
    description: parts.length ? parts.join(', ') : undefined,
    matchesView: (json, homeUser) =>
      (requestId === undefined || json.includes(requestId)) && (user === undefined || homeUser === user || mentions(json)),
  };
}

/** The messages and ephemerals that pass `filter`, in the order they were posted. */
export function selectMessages<M extends Recorded, E extends RecordedEphemeral>(
  state: { messages: M[]; ephemerals: E[] },
  filter: MessageFilter,
): { messages: M[]; ephemerals: E[] } {
  const { requestId, user, since } = filter;
  const names = (text: string, blocks: unknown[] | undefined, needle: string): boolean =>
    text.includes(needle) || JSON.stringify(blocks ?? []).includes(needle);
  const about = new Set(
    state.messages.filter((m) => requestId === undefined || names(m.text, m.blocks, requestId)).map((m) => `${m.channel} ${m.ts}`),
  );
  const lastChange = (m: Recorded): number => Math.max(Date.parse(m.postedAt), ...m.history.map((v) => (v.at ? Date.parse(v.at) : 0)));
  const messages = state.messages.filter(
    (m) =>
      (about.has(`${m.channel} ${m.ts}`) || (m.threadTs !== undefined && about.has(`${m.channel} ${m.threadTs}`))) &&
      (user === undefined || m.channel === `D${user}` || names(m.text, m.blocks, `<@${user}>`)) &&
      (since === undefined || lastChange(m) >= since.getTime()),
  );
  const ephemerals = state.ephemerals.filter(
    (e) =>
      (requestId === undefined || names(e.text, e.blocks, requestId)) &&
      (user === undefined || e.user === user) &&
      (since === undefined || Date.parse(e.postedAt) >= since.getTime()),
  );
  return { messages, ephemerals };
}

function sinceTime(value: string, now: Date): Date | undefined {
  const seconds = parseDuration(value);
  if (seconds !== undefined) return new Date(now.getTime() - seconds * 1000);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value)) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

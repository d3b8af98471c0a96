/**
 * A local stand-in for the part of Slack runwarden talks to: the Web API
 * methods it calls (reached by the real @slack/web-api client through
 * `slackApiUrl = <url>/api/`), the response_url webhooks of slash commands and
 * clicks, and `GET /_sandbox/state` for the sandbox CLI. It keeps what the bot
 * posted so tests can assert on it and the sandbox can print it.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export const STAND_IN_IDENTITY = {
  teamId: 'T0SANDBOX',
  team: 'runwarden sandbox',
  botUserId: 'U0WARDEN',
  botId: 'B0WARDEN',
} as const;

export interface StandInUser {
  id: string;
  email?: string | undefined;
  name?: string | undefined;
}
export interface MessageVersion {
  text: string;
  blocks: unknown[] | undefined;
  at: Date;
  via: 'chat.update' | 'response_url';
}
export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[] | undefined;
  threadTs?: string | undefined;
  /** message metadata (chat.postMessage `metadata`: event_type and event_payload) */
  metadata?: { event_type: string; event_payload: Record<string, unknown> } | undefined;
  /** when the stand-in received it (its `ts` says the same, in Slack's seconds.micro form) */
  postedAt: Date;
  /** every update applied, oldest first */
  history: MessageVersion[];
}
export interface EphemeralMessage {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks: unknown[] | undefined;
  postedAt: Date;
}
export interface ResponseBody {
  text?: string;
  blocks?: unknown[];
  response_type?: string;
  replace_original?: boolean;
  [key: string]: unknown;
}
export interface RecordedResponse {
  tag: string;
  body: ResponseBody;
  at: Date;
}
export interface ApiCall {
  method: string;
  /** the parsed body (JSON-valued fields such as `blocks` decoded), without the token */
  args: Record<string, unknown>;
  at: Date;
  error?: string | undefined;
}
export interface StandInRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}
export type ExtraRoute = (request: StandInRequest) => Promise<{ status: number; body: unknown }>;

/**
 * A modal opened with views.open (and its later views.update versions). `view`
 * is the view as Slack holds it and sends it in payloads: what the bot sent,
 * plus its `id` and its current `hash`.
 */
export interface OpenedView {
  id: string;
  user?: string | undefined;
  view: Record<string, unknown>;
  /** the current version's hash: views.update with another `hash` is refused with hash_conflict */
  hash: string;
  /** every earlier version, oldest first */
  history: Array<Record<string, unknown>>;
}

export interface SlackStandInOptions {
  botToken: string;
  users?: StandInUser[];
  userGroups?: Record<string, string[]>;
  port?: number;
  /** sandbox mode: one readable line per message the bot posts or updates */
  log?: (line: string) => void;
  /** more routes by exact path, any HTTP method (the sandbox adds its token-minting endpoint) */
  extraRoutes?: Record<string, ExtraRoute>;
}

export interface SlackStandIn {
  url: string;
  /**
   * A fresh `${url}/response/<tag>`. With `source` (carried in the URL's query, as the CLI does too),
   * replies with `replace_original: true` replace that message, as Slack does for interactions.
   */
  responseUrl(tag?: string, source?: { channel: string; ts: string }): string;
  stop(): Promise<void>;
  readonly calls: ApiCall[];
  /** messages as they are now (deleted ones gone, as in Slack) */
  messages(channel?: string): PostedMessage[];
  /** messages removed with chat.delete, oldest deletion first */
  deletedMessages(channel?: string): PostedMessage[];
  readonly ephemerals: EphemeralMessage[];
  dms(user: string): PostedMessage[];
  /** the App Home view last published for `user` (views.publish) */
  home(user: string): Record<string, unknown> | undefined;
  /** how many times `user`'s home was published */
  homePublishes(user: string): number;
  /** modals opened with views.open, oldest first, with their updates */
  modals(): OpenedView[];
  responses(tag?: string): RecordedResponse[];
  setUser(user: StandInUser): void;
  setUserGroup(id: string, members: string[]): void;
  /** the next call of `method` answers `{ok: false, error}` (queued: call twice for two failures) */
  failNext(method: string, error: string): void;
  /**
   * The next call of `method` answers as Slack does when rate limited: HTTP 429
   * with a `Retry-After` header (seconds) and `{ok: false, error: "ratelimited"}`.
   */
  rateLimitNext(method: string, retryAfterSeconds: number): void;
  /**
   * Every call of `method` for the next `seconds` answers HTTP 429, its
   * `Retry-After` the seconds left (rounded up), as Slack does while a
   * method's rate limit lasts; `endRateLimit` lifts it early.
   */
  rateLimitFor(method: string, seconds: number): void;
  endRateLimit(method: string): void;
  /**
   * The next call of `method` (with `channel`: the next one to that channel)
   * is held before it is answered until `release()` (a slow or stuck Slack);
   * `reached` resolves once the call has arrived.
   */
  hold(method: string, options?: { channel?: string }): { reached: Promise<void>; release(): void };
  /**
   * Every later Web API call is answered `ms` after it arrives (0: at once):
   * a slow Slack; with more than the client's 10 s, a Slack that hangs.
   * response_url webhooks are not slowed.
   */
  setLatency(ms: number): void;
  /** resolves with the predicate's first truthy value, re-checked after every request the stand-in serves */
  waitFor<T>(predicate: () => T | undefined | false | null, options?: { timeoutMs?: number; description?: string }): Promise<T>;
}

type Result = { ok: true; [key: string]: unknown } | { ok: false; error: string };
type Args = Record<string, unknown>;
type Reply = { status: number; body: unknown; headers?: Record<string, string> };

const USER_ID = /^[UW][A-Z0-9]+$/;
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);
const metadataSchema = z.object({ event_type: z.string().min(1).max(255), event_payload: z.record(z.string(), z.unknown()) });
const messageArgs = z.object({
  channel: z.string().optional(),
  ts: z.string().optional(),
  user: z.string().optional(),
  text: z.string().optional(),
  blocks: z.array(z.unknown()).optional(),
  thread_ts: z.string().optional(),
});
const responseSchema = z.looseObject({
  text: z.string().optional(),
  blocks: z.array(z.unknown()).optional(),
  replace_original: z.union([z.boolean(), z.string()]).optional(),
});

export async function startSlackStandIn(options: SlackStandInOptions): Promise<SlackStandIn> {
  const users = new Map<string, StandInUser>((options.users ?? []).map((user) => [user.id, user]));
  users.set(STAND_IN_IDENTITY.botUserId, { id: STAND_IN_IDENTITY.botUserId, name: 'runwarden' });
  const groups = new Map<string, string[]>(Object.entries(options.userGroups ?? {}));
  const posted: PostedMessage[] = [];
  const deleted: PostedMessage[] = [];
  const ephemerals: EphemeralMessage[] = [];
  const responses: RecordedResponse[] = [];
  const calls: ApiCall[] = [];
  const failures = new Map<string, string[]>();
  const rateLimits = new Map<string, number[]>();
  const limitedUntil = new Map<string, number>();
  let latencyMs = 0;
  const holds = new Map<string, Array<{ arrive: () => void; released: Promise<void>; channel?: string | undefined }>>();
  const openedDms = new Set<string>();
  const homes = new Map<string, { view: Record<string, unknown>; count: number; hash: string }>();
  const modals: OpenedView[] = [];
  const changes = new EventEmitter().setMaxListeners(0);
  // A message's ts is the time it was posted, in seconds with six decimals, unique in the workspace (as Slack's):
  // conversations.history's oldest/latest bound it.
  let lastMicros = 0;
  const nextTs = (): string => {
    lastMicros = Math.max(lastMicros + 1, Date.now() * 1000);
    return `${Math.floor(lastMicros / 1_000_000)}.${String(lastMicros % 1_000_000).padStart(6, '0')}`;
  };
  const log = (line: string): void => options.log?.(`[slack] ${line}`);
  /** A new version's hash, shaped like Slack's (`1569262015.55b5e41b`): every views.open/update/publish makes one. */
  const nextHash = (): string => `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;

  /** C…/G… channels always exist; D… once opened; a user id means that user's DM, as Slack does. */
  const resolveChannel = (channel: string | undefined): string | undefined => {
    if (channel && USER_ID.test(channel)) {
      openedDms.add(`D${channel}`);
      return `D${channel}`;
    }
    return channel && (/^[CG][A-Z0-9]+$/.test(channel) || openedDms.has(channel)) ? channel : undefined;
  };
  const applyUpdate = (
    message: PostedMessage,
    text: string | undefined,
    blocks: unknown[] | undefined,
    via: MessageVersion['via'],
  ): void => {
    if (text !== undefined) message.text = text;
    if (blocks !== undefined) message.blocks = blocks;
    message.history.push({ text: message.text, blocks: message.blocks, at: new Date(), via });
    log(`${where(message.channel)} updated ${message.ts}: ${oneLine(message.text)}`);
  };

  const webApi: Record<string, (args: z.infer<typeof messageArgs> & Args) => Result> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://runwarden-sandbox.slack.com/',
      team: STAND_IN_IDENTITY.team,
      user: 'runwarden',
      team_id: STAND_IN_IDENTITY.teamId,
      user_id: STAND_IN_IDENTITY.botUserId,
      bot_id: STAND_IN_IDENTITY.botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const channel = resolveChannel(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (args.text === undefined && args.blocks === undefined) return { ok: false, error: 'no_text' };
      const metadata = args.metadata === undefined ? undefined : metadataSchema.safeParse(args.metadata);
      if (metadata && !metadata.success) return { ok: false, error: 'invalid_metadata_format' };
      const message: PostedMessage = {
        channel,
        ts: nextTs(),
        text: args.text ?? '',
        blocks: args.blocks,
        threadTs: args.thread_ts,
        ...(metadata?.success ? { metadata: metadata.data } : {}),
        postedAt: new Date(),
        history: [],
      };
      posted.push(message);
      log(`${where(channel)} posted ${message.ts}: ${oneLine(message.text)}`);
      return { ok: true, channel, ts: message.ts, message: asSlackMessage(message) };
    },
    'chat.update': (args) => {
      if (args.channel === undefined || resolveChannel(args.channel) !== args.channel) return { ok: false, error: 'channel_not_found' };
      const message = posted.find((m) => m.channel === args.channel && m.ts === args.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      if (args.text === undefined && args.blocks === undefined) return { ok: false, error: 'no_text' };
      applyUpdate(message, args.text, args.blocks, 'chat.update'); // omitted text/blocks are kept, as Slack does
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text, message: asSlackMessage(message) };
    },
    'chat.delete': (args) => {
      if (args.channel === undefined || resolveChannel(args.channel) !== args.channel) return { ok: false, error: 'channel_not_found' };
      const at = posted.findIndex((m) => m.channel === args.channel && m.ts === args.ts);
      if (at < 0) return { ok: false, error: 'message_not_found' };
      const [gone] = posted.splice(at, 1);
      if (gone) {
        deleted.push(gone);
        log(`${where(gone.channel)} deleted ${gone.ts}: ${oneLine(gone.text)}`);
      }
      return { ok: true, channel: args.channel, ts: args.ts };
    },
    'conversations.history': (args) => {
      // https://docs.slack.dev/reference/methods/conversations.history: top-level messages, newest first;
      // oldest/latest bound the ts (exclusive unless inclusive); metadata only with include_all_metadata
      const channel = args.channel;
      if (channel === undefined || resolveChannel(channel) !== channel) return { ok: false, error: 'channel_not_found' };
      const bound = (value: unknown): number | undefined => (typeof value === 'string' && value !== '' ? Number(value) : undefined);
      const oldest = bound(args.oldest);
      const latest = bound(args.latest);
      const inclusive = args.inclusive === true || args.inclusive === 'true';
      const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
      const limit = Math.min(999, Math.max(1, Number(args.limit ?? 100) || 100));
      const offset = typeof args.cursor === 'string' && /^o\d+$/.test(args.cursor) ? Number(args.cursor.slice(1)) : 0;
      const inRange = posted
        .filter((m) => m.channel === channel && !m.threadTs)
        .filter((m) => oldest === undefined || (inclusive ? Number(m.ts) >= oldest : Number(m.ts) > oldest))
        .filter((m) => latest === undefined || (inclusive ? Number(m.ts) <= latest : Number(m.ts) < latest))
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const page = inRange.slice(offset, offset + limit);
      const more = offset + limit < inRange.length;
      return {
        ok: true,
        messages: page.map((m) => ({ ...asSlackMessage(m), ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}) })),
        has_more: more,
        response_metadata: { next_cursor: more ? `o${offset + limit}` : '' },
      };
    },
    'chat.postEphemeral': (args) => {
      const channel = resolveChannel(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!args.user) return { ok: false, error: 'user_not_found' };
      if (args.text === undefined && args.blocks === undefined) return { ok: false, error: 'no_text' };
      const ephemeral: EphemeralMessage = {
        channel,
        user: args.user,
        ts: nextTs(),
        text: args.text ?? '',
        blocks: args.blocks,
        postedAt: new Date(),
      };
      ephemerals.push(ephemeral);
      log(`${where(channel)} ephemeral to ${ephemeral.user}: ${oneLine(ephemeral.text)}`);
      return { ok: true, message_ts: ephemeral.ts };
    },
    'conversations.open': (args) => {
      const user = typeof args.users === 'string' ? args.users.split(',')[0]?.trim() : undefined;
      if (!user || !USER_ID.test(user)) return { ok: false, error: 'user_not_found' };
      const already = openedDms.has(`D${user}`);
      openedDms.add(`D${user}`);
      return { ok: true, no_op: already, already_open: already, channel: { id: `D${user}` } };
    },
    'users.info': (args) => {
      const user = args.user === undefined ? undefined : users.get(args.user);
      if (!user) return { ok: false, error: 'user_not_found' };
      const name = user.name ?? user.id.toLowerCase();
      const profile = { real_name: name, display_name: name, ...(user.email === undefined ? {} : { email: user.email }) };
      const isBot = user.id === STAND_IN_IDENTITY.botUserId;
      return {
        ok: true,
        user: { id: user.id, team_id: STAND_IN_IDENTITY.teamId, name, real_name: name, deleted: false, is_bot: isBot, profile },
      };
    },
    'users.lookupByEmail': (args) => {
      const email = typeof args.email === 'string' ? args.email.toLowerCase() : undefined;
      const user = email === undefined ? undefined : [...users.values()].find((u) => u.email?.toLowerCase() === email);
      if (!user) return { ok: false, error: 'users_not_found' };
      const name = user.name ?? user.id.toLowerCase();
      return { ok: true, user: { id: user.id, team_id: STAND_IN_IDENTITY.teamId, name, deleted: false, profile: { email: user.email } } };
    },
    'usergroups.users.list': (args) => {
      const members = typeof args.usergroup === 'string' ? groups.get(args.usergroup) : undefined;
      return members ? { ok: true, users: [...members] } : { ok: false, error: 'no_such_subteam' };
    },
    'views.publish': (args) => {
      const user = typeof args.user_id === 'string' ? args.user_id : undefined;
      if (!user || !USER_ID.test(user)) return { ok: false, error: 'invalid_arguments' };
      const view = objectOf(args.view);
      const problem = viewProblem(view, 'home');
      if (problem) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [problem] } } as Result;
      const current = homes.get(user);
      // Slack refuses a publish whose `hash` is not the current view's (https://docs.slack.dev/reference/methods/views.publish)
      if (typeof args.hash === 'string' && args.hash !== '' && current && args.hash !== current.hash)
        return { ok: false, error: 'hash_conflict' };
      const hash = nextHash();
      homes.set(user, { view, count: (current?.count ?? 0) + 1, hash });
      log(`App Home of ${user} published (${(view.blocks as unknown[]).length} blocks)`);
      return { ok: true, view: { id: `VH${user}`, ...view, hash } };
    },
    'views.open': (args) => {
      if (typeof args.trigger_id !== 'string' || args.trigger_id === '') return { ok: false, error: 'invalid_trigger_id' };
      const view = objectOf(args.view);
      const problem = viewProblem(view, 'modal');
      if (problem) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [problem] } } as Result;
      const id = `V${nextTs().replace('.', '')}`;
      const hash = nextHash();
      const opened: OpenedView = { id, view: { ...view, id, hash }, hash, history: [] };
      modals.push(opened);
      log(`modal ${opened.id} opened: ${titleOf(view)}`);
      return { ok: true, view: opened.view };
    },
    'views.update': (args) => {
      const opened = modals.find((m) => m.id === args.view_id);
      if (!opened) return { ok: false, error: 'not_found' };
      const view = objectOf(args.view);
      const problem = viewProblem(view, 'modal');
      if (problem) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [problem] } } as Result;
      // "hash_conflict: the provided hash doesn't match the current stored value" (https://docs.slack.dev/reference/methods/views.update);
      // without a hash the update is unconditional, as on Slack.
      if (typeof args.hash === 'string' && args.hash !== '' && args.hash !== opened.hash) {
        log(`modal ${opened.id} not updated: hash ${args.hash} is not the current ${opened.hash}`);
        return { ok: false, error: 'hash_conflict' };
      }
      opened.history.push(opened.view);
      opened.hash = nextHash();
      opened.view = { ...view, id: opened.id, hash: opened.hash };
      log(`modal ${opened.id} updated: ${titleOf(view)}`);
      return { ok: true, view: opened.view };
    },
  };

  const handleApi = (method: string, request: StandInRequest): Result => {
    const args = parseArgs(request);
    const token = bearer(request.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
    delete args.token;
    const call: ApiCall = { method, args, at: new Date() };
    calls.push(call);
    const handler = webApi[method];
    const typed = messageArgs.safeParse(args);
    let result: Result;
    if (token !== options.botToken) result = { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
    else if (failures.get(method)?.length) result = { ok: false, error: failures.get(method)?.shift() ?? 'fatal_error' };
    else if (!handler) result = { ok: false, error: 'unknown_method' };
    else if (!typed.success) result = { ok: false, error: 'invalid_arguments' };
    else result = handler({ ...args, ...typed.data });
    if (!result.ok) call.error = result.error;
    return result;
  };

  const handleResponse = (tag: string, request: StandInRequest): Reply => {
    const parsed = responseSchema.safeParse(parseJson(request.body));
    if (!parsed.success) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    const { replace_original: replace, ...rest } = parsed.data;
    const body: ResponseBody = { ...rest, ...(replace === undefined ? {} : { replace_original: replace === true || replace === 'true' }) };
    responses.push({ tag, body, at: new Date() });
    log(`response ${tag}${body.replace_original ? ' (replaces the message)' : ''}: ${oneLine(body.text ?? '')}`);
    const message = posted.find((m) => m.channel === request.query.get('channel') && m.ts === request.query.get('ts'));
    // replace_original replaces the whole message: omitted blocks are gone, unlike chat.update
    if (message && body.replace_original) applyUpdate(message, body.text ?? '', body.blocks ?? [], 'response_url');
    return { status: 200, body: { ok: true } };
  };

  const route = async (request: StandInRequest): Promise<Reply> => {
    const extra = options.extraRoutes?.[request.path];
    if (extra) return extra(request);
    if (request.path.startsWith('/api/')) {
      const method = request.path.slice('/api/'.length);
      // unref'd: a stand-in stopped while calls wait does not keep its process alive
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs).unref());
      const waiting = holds.get(method) ?? [];
      const channel = waiting.some((w) => w.channel !== undefined) ? parseArgs(request).channel : undefined;
      const at = waiting.findIndex((w) => w.channel === undefined || w.channel === channel);
      const held = at < 0 ? undefined : waiting.splice(at, 1)[0];
      if (held) {
        held.arrive();
        await held.released;
      }
      const until = limitedUntil.get(method);
      const retryAfter =
        rateLimits.get(method)?.shift() ?? (until !== undefined && until > Date.now() ? Math.ceil((until - Date.now()) / 1000) : undefined);
      if (retryAfter !== undefined) {
        const args = parseArgs(request);
        delete args.token;
        calls.push({ method, args, at: new Date(), error: 'ratelimited' });
        return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(retryAfter) } };
      }
      return { status: 200, body: handleApi(method, request) };
    }
    if (request.path.startsWith('/response/') && request.method === 'POST') {
      return handleResponse(decodeURIComponent(request.path.slice('/response/'.length)), request);
    }
    if (request.path === '/_sandbox/state' && request.method === 'GET') {
      const names = Object.fromEntries([...users.values()].map((u) => [u.id, u.name ?? u.id]));
      return {
        status: 200,
        body: {
          messages: posted,
          ephemerals,
          responses,
          homes: Object.fromEntries([...homes].map(([u, h]) => [u, h.view])),
          modals,
          users: names,
        },
      };
    }
    return { status: 404, body: { ok: false, error: 'not_found' } };
  };

  const server = createServer((req, res) => void serve(req, res, route).finally(() => changes.emit('change')));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let tags = 0;

  return {
    url,
    responseUrl(tag, source) {
      tags += 1;
      const base = `${url}/response/${encodeURIComponent(tag ?? `r${tags}`)}`;
      return source ? `${base}?${new URLSearchParams({ channel: source.channel, ts: source.ts }).toString()}` : base;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    calls,
    messages: (channel) => structuredClone(posted.filter((m) => channel === undefined || m.channel === channel)),
    deletedMessages: (channel) => structuredClone(deleted.filter((m) => channel === undefined || m.channel === channel)),
    get ephemerals() {
      return structuredClone(ephemerals);
    },
    dms: (user) => structuredClone(posted.filter((m) => m.channel === `D${user}`)),
    home: (user) => structuredClone(homes.get(user)?.view),
    homePublishes: (user) => homes.get(user)?.count ?? 0,
    modals: () => structuredClone(modals),
    responses: (tag) => structuredClone(responses.filter((r) => tag === undefined || r.tag === tag)),
    setUser: (user) => void users.set(user.id, user),
    setUserGroup: (id, members) => void groups.set(id, [...members]),
    failNext: (method, error) => void failures.set(method, [...(failures.get(method) ?? []), error]),
    rateLimitNext: (method, seconds) => void rateLimits.set(method, [...(rateLimits.get(method) ?? []), seconds]),
    rateLimitFor: (method, seconds) => void limitedUntil.set(method, Date.now() + seconds * 1000),
    setLatency(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of ms, got ${ms}`);
      latencyMs = ms;
    },
    endRateLimit: (method) => void limitedUntil.delete(method),
    hold(method, holdOptions = {}) {
      let arrive = (): void => undefined;
      let release = (): void => undefined;
      const reached = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(method, [...(holds.get(method) ?? []), { arrive, released, channel: holdOptions.channel }]);
      return { reached, release };
    },
    waitFor: (predicate, waitOptions = {}) => waitForChange(changes, predicate, waitOptions.timeoutMs ?? 20_000, waitOptions.description),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, route: (request: StandInRequest) => Promise<Reply>): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = Buffer.concat(chunks).toString('utf8');
    const answer = await route({
      method: req.method ?? 'GET',
      path: target.pathname,
      query: target.searchParams,
      headers: req.headers,
      body,
    });
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers }).end(JSON.stringify(answer.body));
  } catch (error) {
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ok: false, error: 'internal_error', detail: String(error) }));
  }
}

function waitForChange<T>(
  changes: EventEmitter,
  predicate: () => T | undefined | false | null,
  timeoutMs: number,
  description: string | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      changes.off('change', check);
      settle();
    };
    const check = (): void => {
      try {
        const value = predicate();
        if (value) finish(() => resolve(value));
      } catch (error) {
        finish(() => reject(error instanceof Error ? error : new Error(String(error))));
      }
    };
    const timer = setTimeout(
      () =>
        finish(() => reject(new Error(`Slack stand-in: timed out after ${timeoutMs} ms waiting for ${description ?? 'the condition'}`))),
      timeoutMs,
    );
    changes.on('change', check);
    check();
  });
}

/** Form-encoded (what @slack/web-api sends, JSON-valued fields as JSON strings) or JSON bodies, plus query parameters. */
function parseArgs(request: StandInRequest): Args {
  const args: Args = Object.fromEntries(request.query);
  if (String(request.headers['content-type'] ?? '').includes('application/json')) return { ...args, ...objectOf(parseJson(request.body)) };
  for (const [key, value] of new URLSearchParams(request.body)) {
    args[key] = JSON_FIELDS.has(key) && /^\s*[[{]/.test(value) ? (parseJson(value) ?? value) : value;
  }
  return args;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function objectOf(value: unknown): Args {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(value as Args) } : {};
}

function bearer(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(.+)$/i)?.[1];
}

function asSlackMessage(message: PostedMessage): Args {
  const blocks = message.blocks ? { blocks: message.blocks } : {};
  return {
    type: 'message',
    user: STAND_IN_IDENTITY.botUserId,
    bot_id: STAND_IN_IDENTITY.botId,
    ts: message.ts,
    text: message.text,
    ...blocks,
  };
}

function where(channel: string): string {
  return channel.startsWith('D') ? `DM ${channel.slice(1)}` : `#${channel}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

/**
 * What Slack refuses in a view (https://docs.slack.dev/reference/views): its
 * type, at most 100 blocks, a modal's title (≤ 24 chars), submit/close (≤ 24),
 * callback_id (≤ 255), private_metadata (≤ 3000), input blocks with a label
 * and an element, unique block ids.
 */
function viewProblem(view: Record<string, unknown>, type: 'home' | 'modal'): string | undefined {
  if (view.type !== type) return `view.type must be ${type}`;
  const blocks = view.blocks;
  if (!Array.isArray(blocks)) return 'view.blocks must be an array';
  if (blocks.length > 100) return `view.blocks: ${blocks.length} > 100`;
  if (type === 'modal') {
    const text = (field: string): string | undefined => {
      const value = view[field] as { type?: unknown; text?: unknown } | undefined;
      return value === undefined ? undefined : typeof value.text === 'string' && value.type === 'plain_text' ? value.text : '';
    };
    const title = text('title');
    if (!title || title.length > 24) return 'view.title must be plain_text of 1–24 characters';
    for (const field of ['submit', 'close']) {
      const value = text(field);
      if (value !== undefined && (value.length === 0 || value.length > 24)) return `view.${field} must be plain_text of 1–24 characters`;
    }
    if (typeof view.callback_id === 'string' && view.callback_id.length > 255) return 'view.callback_id too long';
    if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) return 'view.private_metadata too long';
  }
  const ids = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const b = objectOf(block);
    if (typeof b.block_id === 'string') {
      if (ids.has(b.block_id)) return `view.blocks[${i}]: duplicate block_id ${b.block_id}`;
      ids.add(b.block_id);
    }
    if (b.type === 'input' && (objectOf(b.label).type !== 'plain_text' || typeof objectOf(b.element).type !== 'string')) {
      return `view.blocks[${i}]: an input needs a plain_text label and an element`;
    }
  }
  return undefined;
}

function titleOf(view: Record<string, unknown>): string {
  const title = objectOf(view.title).text;
  return typeof title === 'string' ? title : '(no title)';
}

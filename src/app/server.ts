/**
 * The HTTP surface (SPEC §3): Bolt serves POST /slack/events (signature
 * verified, 5-minute replay window) — or Socket Mode when an app token is
 * set — plus our own GET /healthz and POST /jobs/sweep and /jobs/posture
 * (both behind the same OIDC check).
 */
import { createServer, type Server } from 'node:http';
import type { CustomRoute, Logger as BoltLogger } from '@slack/bolt';
// Bolt's package index also loads receivers runwarden never uses (ExpressReceiver with express,
// AwsLambdaReceiver): taking the three classes from their own modules (Bolt is pinned to an exact
// version) keeps about 120 modules and 6 MB out of start-up (bench/README.md, "Start-up").
import App, { LogLevel } from '@slack/bolt/dist/App';
import HTTPReceiver from '@slack/bolt/dist/receivers/HTTPReceiver';
import SocketModeReceiver from '@slack/bolt/dist/receivers/SocketModeReceiver';
import { envelopeProblem } from '../adapters/slack/listeners/envelope';
import { WebClient } from '@slack/web-api';
import type { Logger } from '../ports';
import { guardSlackEndpoint } from './slackSignature';
import type { JobsAuthResult } from './jobsAuth';
import type { SweepCounts } from '../jobs/sweep';
import type { PostureRun } from '../jobs/posture';

export interface ServerOptions {
  port: number;
  signingSecret?: string | undefined;
  /** also accepted while the signing secret is being rotated (SLACK_SIGNING_SECRET_PREVIOUS) */
  previousSigningSecret?: string | undefined;
  appToken?: string | undefined;
  botToken: string;
  slackApiUrl: string;
  logger: Logger;
  authorizeJobs: (authorization: string | undefined) => Promise<JobsAuthResult>;
  /** runs a sweep; resolves with its counts (it answers early when runwarden is shutting down) */
  sweep: () => Promise<SweepCounts>;
  /** the posture scan (SPEC §11) */
  posture: () => Promise<PostureRun>;
}

export interface RunningServer {
  app: App;
  client: WebClient;
  port: number;
  stop(): Promise<void>;
}

/**
 * Every Slack Web API call has a deadline: 10 s per HTTP attempt, at most 2
 * retries, 30 s in all (p-retry's maxRetryTime). The WebClient has no timeout
 * by default, so one stuck call could hold a process forever. An HTTP 429 is
 * not waited out inside the call (by default the WebClient sleeps for the
 * whole Retry-After and pauses every other call meanwhile): it fails at once
 * with the Retry-After, and the outbox tries the message again after it.
 */
export const SLACK_CALL_LIMITS = {
  timeout: 10_000,
  rejectRateLimitedCalls: true,
  retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000, maxRetryTime: 30_000 },
} as const;

/** Where Slack sends commands, interactions, options loads and events in HTTP mode (SPEC §3). */
export const SLACK_EVENTS_PATH = '/slack/events';

export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => logger.debug(msg.map(String).join(' ')),
    info: (...msg) => logger.info(msg.map(String).join(' ')),
    warn: (...msg) => logger.warn(msg.map(String).join(' ')),
    error: (...msg) => logger.error(msg.map(String).join(' ')),
    setLevel: (next) => void (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** After a failed auth.test, how long before it is asked again (never once per request while Slack struggles). */
const IDENTITY_RETRY_MS = 60_000;

/**
 * Bolt's `authorize`, which runs before any listener (so before any ack):
 * it answers at once with the bot token and whatever is known of the bot's
 * own ids, never waiting for Slack. The ids (auth.test) are asked in the
 * background on the first request — they only serve Bolt's filter of the
 * bot's own events, and runwarden subscribes to none its bot posts — and
 * asked again, at most once a minute, after a failure. A slow Slack at
 * start-up therefore delays no acknowledgement.
 */
export function createAuthorize(
  client: WebClient,
  botToken: string,
  logger: Logger,
): () => Promise<{ botToken: string; botId?: string; botUserId?: string }> {
  let ids: { botId?: string; botUserId?: string } = {};
  let askedAt: number | undefined;
  let known = false;
  const ask = (): void => {
    if (known || (askedAt !== undefined && Date.now() - askedAt < IDENTITY_RETRY_MS)) return;
    askedAt = Date.now();
    client.auth.test().then(
      (r) => {
        ids = { ...(r.bot_id ? { botId: r.bot_id } : {}), ...(r.user_id ? { botUserId: r.user_id } : {}) };
        known = true;
      },
      (error: unknown) =>
        logger.warn('auth.test failed; the bot’s own ids stay unknown for now', {
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  };
  return () => {
    ask();
    return Promise.resolve({ botToken, ...ids });
  };
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A POST /jobs/* route: the OIDC check first (401/403 refused and logged), then the job; its answer as JSON. */
function jobRoute(
  path: string,
  options: Pick<ServerOptions, 'authorizeJobs' | 'logger'>,
  job: () => Promise<{ status: number; body: unknown }>,
): CustomRoute {
  return {
    path,
    method: ['POST'],
    handler: (req, res) => {
      void (async () => {
        const auth = await options.authorizeJobs(req.headers.authorization);
        if (!auth.ok) {
          options.logger.warn(`refused a ${path} call`, { status: auth.status, reason: auth.reason });
          json(res, auth.status, { error: auth.status === 401 ? 'unauthenticated' : 'forbidden' });
          return;
        }
        try {
          const { status, body } = await job();
          json(res, status, body);
        } catch (error) {
          const name = path.slice('/jobs/'.length);
          options.logger.error(`${name} failed`, { error: error instanceof Error ? error.message : String(error) });
          json(res, 500, { error: `${name} failed` });
        }
      })();
    },
  };
}

/** What POST /jobs/posture answers: the counts by kind; a busy or disabled scan says so (200: nothing for Cloud Scheduler to retry). */
function postureAnswer(run: PostureRun): { status: number; body: unknown } {
  switch (run.status) {
    case 'done':
      return { status: 200, body: run.counts };
    case 'busy':
      return { status: 200, body: { skipped: `another posture scan is running (its lease ends ${run.until.toISOString()})` } };
    case 'disabled':
      return { status: 200, body: { skipped: 'the policy has no posture section (SPEC §5): nothing to scan' } };
  }
}

export function jobRoutes(options: Pick<ServerOptions, 'authorizeJobs' | 'sweep' | 'posture' | 'logger'>): CustomRoute[] {
  return [
    { path: '/healthz', method: ['GET'], handler: (_req, res) => json(res, 200, { ok: true }) },
    jobRoute('/jobs/sweep', options, async () => ({ status: 200, body: await options.sweep() })),
    jobRoute('/jobs/posture', options, async () => postureAnswer(await options.posture())),
  ];
}

/** Builds the Bolt app (listeners are registered by the caller before start). */
export function createSlackApp(options: ServerOptions): {
  app: App;
  client: WebClient;
  postClient: WebClient;
  start: () => Promise<RunningServer>;
} {
  const logger = boltLogger(options.logger.child({ component: 'bolt' }));
  const customRoutes = jobRoutes(options);
  const client = new WebClient(options.botToken, { slackApiUrl: options.slackApiUrl, logger, ...SLACK_CALL_LIMITS });
  // chat.postMessage is not idempotent: one HTTP attempt per call, never retried inside the client (a retry after a
  // timeout could post a second message); the outbox retries instead, looking for the first one before posting again.
  const postClient = new WebClient(options.botToken, {
    slackApiUrl: options.slackApiUrl,
    logger,
    ...SLACK_CALL_LIMITS,
    retryConfig: { retries: 0 },
  });
  const authorize = createAuthorize(client, options.botToken, options.logger);
  const clientOptions = { slackApiUrl: options.slackApiUrl, ...SLACK_CALL_LIMITS };
  // No conversation store: Bolt's default keeps per-channel state in process memory (wrong with several
  // instances) and costs every request a lookup that throws "Conversation not found"; runwarden keeps
  // all its state in Firestore and never calls context.updateConversation.
  const convoStore = false as const;

  let app: App;
  let socket: SocketModeReceiver | undefined;
  if (options.appToken) {
    // Socket Mode: Slack's payloads arrive over a WebSocket whose URL apps.connections.open returns,
    // asked of the same Web API base as every other call (SLACK_API_URL), with the app-level token.
    // No signatures (the connection is authenticated by the token). /healthz and /jobs/* are served
    // by runwarden's own HTTP server (startRoutes below), not Bolt's, so the port is known and closed on stop.
    socket = new SocketModeReceiver({
      appToken: options.appToken,
      installerOptions: { clientOptions: { slackApiUrl: options.slackApiUrl, timeout: SLACK_CALL_LIMITS.timeout } },
      logger,
    });
    app = new App({ receiver: socket, authorize, clientOptions, logger, convoStore });
  } else {
    // Signatures are checked by slackSignature.ts (the current secret, or the previous one during a
    // rotation, and a replay window in both directions), not by Bolt, which knows only one secret.
    const receiver = new HTTPReceiver({
      signingSecret: options.signingSecret ?? '', // required by the type; unused with signatureVerification off
      signatureVerification: false,
      endpoints: SLACK_EVENTS_PATH,
      customRoutes,
      processBeforeResponse: false,
      logger,
    });
    // HTTPReceiver.start() calls this property for every request, so the guard runs before Bolt reads anything.
    receiver.requestListener = guardSlackEndpoint(receiver.requestListener, {
      path: SLACK_EVENTS_PATH,
      secrets: { current: options.signingSecret ?? '', previous: options.previousSigningSecret },
      logger: options.logger,
    });
    app = new App({ receiver, authorize, clientOptions, logger, convoStore });
  }

  // A signed but malformed body must not reach Bolt's routing, which reads fields before any listener runs.
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    const problem = envelopeProblem(event.body);
    if (problem === undefined) return processEvent(event);
    options.logger.warn('ignored a malformed Slack payload', { problem });
    await event.ack();
  };

  async function start(): Promise<RunningServer> {
    if (socket) return startSocketMode(socket);
    const started: unknown = await app.start(options.port);
    const server = typeof started === 'object' && started !== null && 'address' in started ? (started as Server) : undefined;
    const address = server?.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    return { app, client, port, stop: () => app.stop().then(() => undefined) };
  }

  /** Listens for /healthz and /jobs/* first, then connects (resolves once Slack's `hello` arrived). */
  async function startSocketMode(receiver: SocketModeReceiver): Promise<RunningServer> {
    const routes = await startRoutes(customRoutes, options.port);
    try {
      await app.start();
    } catch (error) {
      await routes.close();
      throw error;
    }
    options.logger.info('connected to Slack over Socket Mode', {});
    const stop = async (): Promise<void> => {
      // Bolt's receiver.stop() does not wait for the close handshake; the client's disconnect() does.
      await receiver.client.disconnect();
      await routes.close();
    };
    return { app, client, port: routes.port, stop };
  }
  return { app, client, postClient, start };
}

/** A plain HTTP server for Bolt-style custom routes (exact path and method; anything else 404). */
async function startRoutes(routes: CustomRoute[], port: number): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? '').toUpperCase();
    const route = routes.find(
      (r) => r.path === pathname && (Array.isArray(r.method) ? r.method : [r.method]).some((m) => m.toUpperCase() === method),
    );
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    void route.handler(Object.assign(req, { params: {} }), res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

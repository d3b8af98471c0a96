/**
 * Wiring: builds runwarden from its configuration — the real adapters around
 * Firestore, Cloud Run, Cloud KMS and Slack — and returns something to start
 * and stop. The sandbox and the integration tests use the same function with
 * emulators and stand-ins behind the same environment variables.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { withAuditLog } from './auditedStore';
import { createAuditLog, type AuditLog } from './auditLog';
import { boundPort, createBoundedStore } from '../adapters/firestore/boundedStore';
import { createSlackChat } from '../adapters/slack/slackChat';
import { createCachingDirectory } from '../adapters/slack/cachingDirectory';
import { createSlackListeners } from '../adapters/slack/listeners/slackListeners';
import type { Policy } from '../domain/policy/schema';
import type { Clock, Logger, RequestStore } from '../ports';
import { createCloudPorts } from './cloudPorts';
import { once } from './deferred';
import { DEFAULT_SETTINGS, type AppDeps, type Settings } from './deps';
import { createJobsAuth, type JobsAuthOptions } from './jobsAuth';
import { createSlackApp, type RunningServer } from './server';
import type { UseCases } from './useCases';

export interface RunwardenOptions {
  port: number;
  slashCommand: string;
  signingSecret?: string | undefined;
  /** SLACK_SIGNING_SECRET_PREVIOUS: also accepted while the signing secret is rotated */
  previousSigningSecret?: string | undefined;
  appToken?: string | undefined;
  botToken: string;
  slackApiUrl: string;
  projectId: string;
  runEmulatorHost?: string | undefined;
  kmsEmulatorHost?: string | undefined;
  /** ASSET_EMULATOR_HOST: the gRPC stand-in for Cloud Asset Inventory (the posture scan) */
  assetEmulatorHost?: string | undefined;
  jobs: JobsAuthOptions;
  policy: Policy;
  logger: Logger;
  clock?: Clock | undefined;
  settings?: Partial<Settings> | undefined;
  /** where every audit event's log line goes (default: one JSON line on stdout, see auditLog.ts) */
  auditLog?: AuditLog | undefined;
  /** wraps the request store (benchmarks count its calls with it); default: the store as is */
  wrapStore?: ((store: RequestStore) => RequestStore) | undefined;
}

export interface Runwarden {
  /** the use cases, loaded with the request path on first use (see requestPath.ts) */
  useCases(): Promise<UseCases>;
  deps: AppDeps;
  start(): Promise<RunningServer>;
  stop(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A graceful stop's steps, each bounded, within Cloud Run's 10 s between
 * SIGTERM and SIGKILL (src/main.ts exits at 8 s whatever happens): the
 * server stops accepting at once and gets 1 s to drain its connections; work
 * Slack requests started gets 4 s to finish; the clients 1.5 s to close.
 */
export const STOP_SERVER_MS = 1_000;
export const STOP_IDLE_MS = 4_000;
export const STOP_CLIENTS_MS = 1_500;

/** Waits for `work`, at most `ms`. */
async function settleWithin(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export function createRunwarden(options: RunwardenOptions): Runwarden {
  // aborted by stop(): a running sweep answers at once and starts nothing more
  const shutdown = new AbortController();
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    instanceId: randomUUID().slice(0, 8),
    sweepConfigured: Boolean(options.jobs.audience && (options.jobs.invokers?.length ?? 0) > 0),
    ...options.settings,
    slashCommand: options.slashCommand,
  };

  // Google's clients load on first use, not here: start-up stays light (bench/README.md, "Start-up").
  const cloud = createCloudPorts({
    projectId: options.projectId,
    runEmulatorHost: options.runEmulatorHost,
    kmsEmulatorHost: options.kmsEmulatorHost,
    assetEmulatorHost: options.assetEmulatorHost,
    logger: options.logger,
    keyGenerationWaitMs: settings.keyGenerationWaitSeconds * 1000,
  });

  // The request path (use cases, commands, listeners: ~100 modules) loads with the first Slack request or
  // sweep, not at start-up (bench/README.md, "Start-up"); every Slack dispatch awaits it.
  let loaded: UseCases | undefined;
  const requestPath = once(async (): Promise<UseCases> => {
    const { createRequestPath } = await import('./requestPath');
    // the ledger is Firestore too: bounded like the store (an unreachable Firestore left commands unanswered for minutes)
    const deliveries = boundPort(cloud.deliveries, 'deliveries', settings.storeTimeoutMs);
    loaded ??= createRequestPath({ deps, chat, deliveries, listeners, slashCommand: options.slashCommand, policy: options.policy });
    return loaded;
  });
  const authorizeJobs = createJobsAuth(options.jobs);
  const postureScan = once(async () => (await import('../jobs/posture')).createPostureScan(deps));
  const slack = createSlackApp({
    port: options.port,
    signingSecret: options.signingSecret,
    previousSigningSecret: options.previousSigningSecret,
    appToken: options.appToken,
    botToken: options.botToken,
    slackApiUrl: options.slackApiUrl,
    logger: options.logger,
    authorizeJobs,
    // a shutdown stops a running sweep: no new work, an answer now (Cloud Run allows 10 s after SIGTERM)
    sweep: async () => (await requestPath()).sweep(shutdown.signal),
    // the posture scan loads with its first run (it never needs the request path)
    posture: async () => (await postureScan()).run(),
  });
  const chat = createSlackChat({ client: slack.client, postClient: slack.postClient });

  const deps: AppDeps = {
    store: createBoundedStore(
      withAuditLog(options.wrapStore ? options.wrapStore(cloud.store) : cloud.store, options.auditLog ?? createAuditLog()),
      settings.storeTimeoutMs,
    ),
    chat,
    views: chat,
    // user groups and emails reused for settings.directoryCacheSeconds: a burst does not ask Slack per request
    directory: createCachingDirectory(chat, { clock: options.clock ?? systemClock, ttlSeconds: settings.directoryCacheSeconds }),
    people: chat,
    iam: cloud.iam,
    services: cloud.services,
    keys: cloud.keys,
    assets: cloud.assets,
    findings: boundPort(cloud.findings, 'findings', settings.storeTimeoutMs),
    standing: cloud.standing,
    clock: options.clock ?? systemClock,
    logger: options.logger,
    policy: () => options.policy,
    settings,
    randomBytes: (size) => randomBytes(size),
  };
  const listeners = createSlackListeners(slack.app, requestPath);

  let running: RunningServer | undefined;
  return {
    useCases: requestPath,
    deps,
    start: async () => (running = await slack.start()),
    async stop() {
      const began = Date.now();
      const stage = (what: string): void => options.logger.info(`stop: ${what}`, { ms: Date.now() - began });
      shutdown.abort();
      // the started server's own stop: in Socket Mode it also closes the connection and the /jobs server (it stops
      // accepting at once; waiting for its open connections to drain is bounded)
      await settleWithin(
        STOP_SERVER_MS,
        (running ? running.stop() : slack.app.stop()).catch(() => undefined),
      );
      stage('no longer serving');
      // Let work started by Slack requests finish (bounded) before its clients close; work cut short is left
      // under its lease (or in the outbox) for another instance's sweep.
      await loaded?.idle(STOP_IDLE_MS);
      stage('in-flight work settled or given up');
      await settleWithin(STOP_CLIENTS_MS, cloud.close());
      stage('clients closed');
    },
  };
}

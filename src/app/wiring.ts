/**
 * Wiring: builds runwarden from its configuration — the real adapters around
 * Firestore, Cloud Run, Cloud KMS and Slack — and returns something to start
 * and stop. The sandbox and the integration tests use the same function with
 * emulators and stand-ins behind the same environment variables.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { withAuditLog } from './auditedStore';
import { createAuditLog, type AuditLog } from './auditLog';
import { createBoundedStore } from '../adapters/firestore/boundedStore';
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

export function createRunwarden(options: RunwardenOptions): Runwarden {
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
    loaded ??= createRequestPath({ deps, chat, deliveries: cloud.deliveries, listeners, slashCommand: options.slashCommand, policy: options.policy });
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
    sweep: async () => (await requestPath()).sweep(),
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
    iam: cloud.iam,
    services: cloud.services,
    keys: cloud.keys,
    assets: cloud.assets,
    findings: cloud.findings,
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
      // the started server's own stop: in Socket Mode it also closes the connection and the /jobs server
      await (running ? running.stop() : slack.app.stop()).catch(() => undefined);
      // Let work started by Slack requests finish (bounded) before its clients close.
      await loaded?.idle(15_000);
      await cloud.close();
    },
  };
}

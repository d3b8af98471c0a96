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
import { registerActionListener } from '../adapters/slack/listeners/actionListener';
import { registerCommandListener } from '../adapters/slack/listeners/commandListener';
import { registerExtendListener } from '../adapters/slack/listeners/extendListener';
import { registerHomeListener } from '../adapters/slack/listeners/homeListener';
import { registerFormListener } from '../adapters/slack/listeners/formListener';
import { createSlackListeners } from '../adapters/slack/listeners/slackListeners';
import { requestForm } from '../adapters/slack/views/requestForm';
import type { Policy } from '../domain/policy/schema';
import type { RequestKind } from '../domain/request';
import type { Clock, Logger, RequestStore } from '../ports';
import { createCloudPorts } from './cloudPorts';
import { batchingIam } from './iamBatches';
import { DEFAULT_SETTINGS, type AppDeps, type Settings } from './deps';
import { createJobsAuth, type JobsAuthOptions } from './jobsAuth';
import { createHandlers } from './kinds/handlers';
import type { KindHandler } from './kinds/kindHandler';
import { createSlackApp, type RunningServer } from './server';
import { createUseCases, type UseCases } from './useCases';

export interface RunwardenOptions {
  port: number;
  slashCommand: string;
  signingSecret?: string | undefined;
  appToken?: string | undefined;
  botToken: string;
  slackApiUrl: string;
  projectId: string;
  runEmulatorHost?: string | undefined;
  kmsEmulatorHost?: string | undefined;
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
  useCases: UseCases;
  deps: AppDeps;
  start(): Promise<RunningServer>;
  stop(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

export function createRunwarden(options: RunwardenOptions): Runwarden {
  // Google's clients load on first use, not here: start-up stays light (bench/README.md, "Start-up").
  const cloud = createCloudPorts({
    projectId: options.projectId,
    runEmulatorHost: options.runEmulatorHost,
    kmsEmulatorHost: options.kmsEmulatorHost,
    logger: options.logger,
  });

  let useCases: UseCases | undefined;
  const authorizeJobs = createJobsAuth(options.jobs);
  const slack = createSlackApp({
    port: options.port,
    signingSecret: options.signingSecret,
    appToken: options.appToken,
    botToken: options.botToken,
    slackApiUrl: options.slackApiUrl,
    logger: options.logger,
    authorizeJobs,
    sweep: () => (useCases as UseCases).sweep(),
  });
  const chat = createSlackChat({ client: slack.client });

  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    instanceId: randomUUID().slice(0, 8),
    sweepConfigured: Boolean(options.jobs.audience && (options.jobs.invokers?.length ?? 0) > 0),
    ...options.settings,
    slashCommand: options.slashCommand,
  };
  const deps: AppDeps = {
    store: createBoundedStore(
      withAuditLog(options.wrapStore ? options.wrapStore(cloud.store) : cloud.store, options.auditLog ?? createAuditLog()),
      settings.storeTimeoutMs,
    ),
    chat,
    views: chat,
    directory: chat,
    // the sweep removes a service's due bindings in one read-modify-write (src/app/iamBatches.ts)
    iam: batchingIam(cloud.iam),
    services: cloud.services,
    keys: cloud.keys,
    clock: options.clock ?? systemClock,
    logger: options.logger,
    policy: () => options.policy,
    settings,
    randomBytes: (size) => randomBytes(size),
  };
  const handlers: Record<RequestKind, KindHandler> = createHandlers(deps);
  useCases = createUseCases(deps, handlers);

  const commandContext = { slash: options.slashCommand, useCases, policy: options.policy };
  const listeners = createSlackListeners(slack.app);
  registerCommandListener(listeners, {
    slash: options.slashCommand,
    logger: options.logger,
    context: commandContext,
    deliveries: cloud.deliveries,
    now: () => deps.clock.now(),
    openForm: async (triggerId) => {
      await chat.openView(triggerId, requestForm());
      (useCases as UseCases).requestForm.warm();
    },
  });
  registerFormListener(listeners, {
    context: commandContext,
    suggest: useCases.requestForm.suggest,
    hints: useCases.requestForm.hints,
    views: chat,
    chat,
    logger: options.logger,
  });
  registerHomeListener(listeners, { publish: useCases.home.publish, logger: options.logger });
  registerExtendListener(listeners, { extend: useCases.extend, chat, views: chat, logger: options.logger });
  registerActionListener(listeners, {
    decide: useCases.decide,
    decideExtension: useCases.decideExtension,
    cancel: useCases.cancel,
    chat,
    logger: options.logger,
  });

  return {
    useCases,
    deps,
    start: () => slack.start(),
    async stop() {
      await slack.app.stop().catch(() => undefined);
      // Let work started by Slack requests finish (bounded) before its clients close.
      await (useCases as UseCases).idle(15_000);
      await cloud.close();
    },
  };
}

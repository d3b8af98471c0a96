/**
 * Production start-up from the environment (SPEC §2): validate the
 * configuration and the policy file, wire the real adapters, listen.
 * Returns a one-message failure instead of throwing for bad configuration.
 */
import { parseConfig } from './config';
import { createAuditLog } from './auditLog';
import { createLogger } from './logger';
import { readPolicyFile } from './policyFile';
import { createRunwarden } from './wiring';
import type { Logger } from '../ports';

export interface Started {
  port: number;
  mode: 'http' | 'socket';
  /** the operational logger (the process's stop is logged with it) */
  logger: Logger;
  stop(): Promise<void>;
}

export async function startFromEnv(
  env: NodeJS.ProcessEnv,
  options: { logDestination?: NodeJS.WritableStream } = {},
): Promise<{ ok: true; started: Started } | { ok: false; message: string }> {
  const parsed = parseConfig(env);
  if (!parsed.ok) return parsed;
  const config = parsed.config;
  const policy = readPolicyFile(config.WARDEN_POLICY);
  if (!policy.ok) return policy;

  const logger = createLogger({ level: config.LOG_LEVEL, destination: options.logDestination });
  // Before anything else is logged: what start-up changed or noticed about the secrets (names, never values).
  for (const warning of parsed.warnings) logger.warn(warning.message, { variable: warning.variable });
  const runwarden = createRunwarden({
    port: config.PORT,
    slashCommand: config.WARDEN_SLASH_COMMAND,
    signingSecret: config.SLACK_SIGNING_SECRET,
    previousSigningSecret: config.mode === 'http' ? config.SLACK_SIGNING_SECRET_PREVIOUS : undefined,
    appToken: config.SLACK_APP_TOKEN,
    botToken: config.SLACK_BOT_TOKEN,
    slackApiUrl: config.SLACK_API_URL,
    projectId: config.GOOGLE_CLOUD_PROJECT,
    runEmulatorHost: config.RUN_EMULATOR_HOST,
    kmsEmulatorHost: config.KMS_EMULATOR_HOST,
    assetEmulatorHost: config.ASSET_EMULATOR_HOST,
    jobs: { audience: config.WARDEN_JOBS_AUDIENCE, invokers: config.WARDEN_JOBS_INVOKERS, certsUrl: config.WARDEN_OIDC_CERTS_URL },
    policy: policy.policy,
    logger,
    auditLog: createAuditLog({ destination: options.logDestination }),
    settings: { pendingTimeoutSeconds: config.WARDEN_PENDING_TIMEOUT, remindAfterSeconds: config.WARDEN_REMIND_AFTER },
  });
  const server = await runwarden.start();
  logger.info('runwarden started', { port: server.port, mode: config.mode, rules: policy.policy.rules.length });
  if (!config.WARDEN_JOBS_AUDIENCE || !config.WARDEN_JOBS_INVOKERS) {
    logger.warn(
      'WARDEN_JOBS_AUDIENCE or WARDEN_JOBS_INVOKERS is not set: /jobs/sweep refuses every call, so nothing expires until they are',
    );
  }
  return { ok: true, started: { port: server.port, mode: config.mode, logger, stop: () => runwarden.stop() } };
}

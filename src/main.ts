/**
 * Entry point of `npm start`. With Slack/Google configuration it runs
 * runwarden for real (HTTP mode on Cloud Run, or Socket Mode with an app
 * token); with none, it starts the local sandbox.
 */
import { isSandbox, parseConfig } from './app/config';
import { createLogger } from './app/logger';
import { readPolicyFile } from './app/policyFile';
import { createRunwarden } from './app/wiring';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  if (isSandbox(process.env)) {
    const { startSandbox } = await import('./sandbox/sandbox');
    await startSandbox(process.env);
    return;
  }
  const parsed = parseConfig(process.env);
  if (!parsed.ok) fail(parsed.message);
  const config = parsed.config;
  const policy = readPolicyFile(config.WARDEN_POLICY);
  if (!policy.ok) fail(policy.message);

  const logger = createLogger({ level: config.LOG_LEVEL === 'silent' ? 'silent' : config.LOG_LEVEL });
  const runwarden = createRunwarden({
    port: config.PORT,
    slashCommand: config.WARDEN_SLASH_COMMAND,
    signingSecret: config.SLACK_SIGNING_SECRET,
    appToken: config.SLACK_APP_TOKEN,
    botToken: config.SLACK_BOT_TOKEN,
    slackApiUrl: config.SLACK_API_URL,
    projectId: config.GOOGLE_CLOUD_PROJECT,
    runEmulatorHost: config.RUN_EMULATOR_HOST,
    kmsEmulatorHost: config.KMS_EMULATOR_HOST,
    jobs: { audience: config.WARDEN_JOBS_AUDIENCE, invokers: config.WARDEN_JOBS_INVOKERS, certsUrl: config.WARDEN_OIDC_CERTS_URL },
    policy: policy.policy,
    logger,
    settings: { pendingTimeoutSeconds: config.WARDEN_PENDING_TIMEOUT, remindAfterSeconds: config.WARDEN_REMIND_AFTER },
  });
  const server = await runwarden.start();
  logger.info('runwarden started', { port: server.port, mode: config.mode, rules: policy.policy.rules.length });
  const shutdown = (): void => {
    logger.info('runwarden stopping');
    void runwarden.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => fail(`runwarden failed to start: ${error instanceof Error ? error.message : String(error)}`));

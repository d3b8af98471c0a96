/**
 * Production entry point (`node dist/src/main.js`, the image's CMD): runs
 * runwarden from its environment (SPEC §2) — HTTP mode on Cloud Run, or
 * Socket Mode with an app token. Missing or invalid configuration ends the
 * process with one message naming every offending variable. The local
 * sandbox is not part of the product: `npm start` runs dev/start.ts, which
 * starts it when nothing is configured and this entry otherwise.
 */
import { startFromEnv } from './app/startFromEnv';

/**
 * After SIGTERM, the process exits by then whatever is still running: Cloud
 * Run sends SIGKILL 10 s after SIGTERM. Work cut short is safe: Google work
 * runs under leases another instance's sweep takes over, Slack messages wait
 * in the outbox.
 */
const EXIT_DEADLINE_MS = 8_000;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const result = await startFromEnv(process.env);
  if (!result.ok) fail(result.message);
  const { started } = result;
  const shutdown = (signal: NodeJS.Signals): void => {
    const began = Date.now();
    started.logger.info('stopping', { signal, deadlineMs: EXIT_DEADLINE_MS });
    setTimeout(() => {
      started.logger.warn('stop did not finish in time; exiting now (work cut short is left to the leases and the outbox)', {
        signal,
        ms: Date.now() - began,
      });
      process.exit(0);
    }, EXIT_DEADLINE_MS).unref();
    void started.stop().finally(() => {
      started.logger.info('stopped', { signal, ms: Date.now() - began });
      process.exit(0);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => fail(`runwarden failed to start: ${error instanceof Error ? error.message : String(error)}`));

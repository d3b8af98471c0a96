/**
 * Production entry point (`node dist/src/main.js`, the image's CMD): runs
 * runwarden from its environment (SPEC §2) — HTTP mode on Cloud Run, or
 * Socket Mode with an app token. Missing or invalid configuration ends the
 * process with one message naming every offending variable. The local
 * sandbox is not part of the product: `npm start` runs dev/start.ts, which
 * starts it when nothing is configured and this entry otherwise.
 */
import { startFromEnv } from './app/startFromEnv';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const result = await startFromEnv(process.env);
  if (!result.ok) fail(result.message);
  const { started } = result;
  const shutdown = (): void => void started.stop().finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => fail(`runwarden failed to start: ${error instanceof Error ? error.message : String(error)}`));

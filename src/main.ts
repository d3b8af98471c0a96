/**
 * Entry point of `npm start`. With Slack/Google configuration it runs
 * runwarden for real (HTTP mode on Cloud Run, or Socket Mode with an app
 * token); with none, it starts the local sandbox.
 */
import { isSandbox, sandboxRefusal } from './app/config';
import { startFromEnv } from './app/startFromEnv';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  if (isSandbox(process.env)) {
    const refusal = sandboxRefusal(process.env);
    if (refusal !== undefined) fail(refusal);
    const { startSandbox } = await import('./sandbox/sandbox');
    await startSandbox(process.env);
    return;
  }
  const result = await startFromEnv(process.env);
  if (!result.ok) fail(result.message);
  const { started } = result;
  const shutdown = (): void => void started.stop().finally(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => fail(`runwarden failed to start: ${error instanceof Error ? error.message : String(error)}`));

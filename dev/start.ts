/**
 * `npm start`: with Slack/Google configuration, runwarden itself
 * (src/main.ts, exactly as the image runs it); with none, the local sandbox
 * (dev/sandbox) — the bot against the project's emulators and stand-ins.
 * Development tooling: the production build never compiles this tree.
 */
import { isSandbox, sandboxRefusal } from '../src/app/config';

async function start(): Promise<void> {
  if (!isSandbox(process.env)) {
    await import('../src/main');
    return;
  }
  const refusal = sandboxRefusal(process.env);
  if (refusal !== undefined) {
    process.stderr.write(`${refusal}\n`);
    process.exit(1);
  }
  const { startSandbox } = await import('./sandbox/sandbox');
  await startSandbox(process.env);
}

start().catch((error: unknown) => {
  process.stderr.write(`runwarden sandbox failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

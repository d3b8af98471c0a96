/**
 * Starts gcloud's Firestore emulator as a child process and waits until it
 * answers. Used by the sandbox (`npm start` without Google configuration) and
 * by the test suite's global set-up when FIRESTORE_EMULATOR_HOST is unset.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunningFirestoreEmulator {
  /** host:port, the value for FIRESTORE_EMULATOR_HOST */
  host: string;
  pid: number;
  stop(): Promise<void>;
}

export const FIRESTORE_EMULATOR_MISSING =
  'The Firestore emulator is needed but `gcloud` was not found. Install the Google Cloud CLI and its ' +
  'emulator (`gcloud components install cloud-firestore-emulator`, or Debian package ' +
  '`google-cloud-cli-firestore-emulator`) and Java 17+, or point FIRESTORE_EMULATOR_HOST at a running emulator.';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(host: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function startFirestoreEmulator(options: { port?: number; timeoutMs?: number } = {}): Promise<RunningFirestoreEmulator> {
  const port = options.port ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const child: ChildProcess = spawn('gcloud', ['emulators', 'firestore', 'start', `--host-port=${host}`, '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const outcome = await Promise.race([
      spawnError.then((error) => ({ error })),
      exited.then((code) => ({ exited: code })),
      new Promise<{ tick: true }>((resolve) => setTimeout(() => resolve({ tick: true }), 250)),
    ]);
    if ('error' in outcome) {
      const code = (outcome.error as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? FIRESTORE_EMULATOR_MISSING : `Could not start the Firestore emulator: ${outcome.error.message}`);
    }
    if ('exited' in outcome) {
      throw new Error(`The Firestore emulator exited (code ${String(outcome.exited)}) before it answered:\n${output}`);
    }
    if (await answers(host)) break;
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`The Firestore emulator did not answer on ${host} in time:\n${output}`);
    }
  }
  return {
    host,
    pid: child.pid ?? 0,
    stop: async () => {
      killGroup(child);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

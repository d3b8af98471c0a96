/**
 * One Firestore emulator for a whole `npm run bench`: the one named by
 * FIRESTORE_EMULATOR_HOST when it is set, else gcloud's emulator started here
 * (dev/sandbox/firestoreEmulator.ts) and stopped when the run ends. Either
 * way FIRESTORE_EMULATOR_HOST and METADATA_SERVER_DETECTION=none are set in
 * this process's environment before any part runs, so every Firestore client
 * the benchmarks make (the harness's, the sweep's seeding, the bot processes
 * they spawn) talks to the emulator and never looks for Google credentials —
 * a fresh clone needs no variables.
 */
import { startFirestoreEmulator } from '../dev/sandbox/firestoreEmulator';

export interface BenchFirestore {
  /** host:port of the emulator in use */
  host: string;
  /** where it came from, for the run's header */
  origin: 'FIRESTORE_EMULATOR_HOST' | 'started for this run';
  /** stops the emulator if this run started it */
  stop(): Promise<void>;
}

export async function firestoreForBench(env: NodeJS.ProcessEnv = process.env): Promise<BenchFirestore> {
  env.METADATA_SERVER_DETECTION = 'none';
  const given = env.FIRESTORE_EMULATOR_HOST;
  if (given) return { host: given, origin: 'FIRESTORE_EMULATOR_HOST', stop: async () => undefined };
  const started = await startFirestoreEmulator({ timeoutMs: 120_000 });
  env.FIRESTORE_EMULATOR_HOST = started.host;
  return {
    host: started.host,
    origin: 'started for this run',
    async stop() {
      delete env.FIRESTORE_EMULATOR_HOST;
      await started.stop();
    },
  };
}

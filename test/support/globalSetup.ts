/**
 * Jest global set-up: integration tests need gcloud's Firestore emulator. CI
 * (.ci/run) starts one and exports FIRESTORE_EMULATOR_HOST; a plain `npm test`
 * on a developer machine starts one here and stops it in globalTeardown.
 */
import { startFirestoreEmulator } from '../../dev/sandbox/firestoreEmulator';

export default async function globalSetup(): Promise<void> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  if (process.env.FIRESTORE_EMULATOR_HOST) return;
  const emulator = await startFirestoreEmulator({ timeoutMs: 120_000 });
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
  (globalThis as { __firestoreEmulator?: typeof emulator }).__firestoreEmulator = emulator;
}

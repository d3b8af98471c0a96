import type { RunningFirestoreEmulator } from '../../dev/sandbox/firestoreEmulator';

export default async function globalTeardown(): Promise<void> {
  const emulator = (globalThis as { __firestoreEmulator?: RunningFirestoreEmulator }).__firestoreEmulator;
  if (emulator) await emulator.stop();
}

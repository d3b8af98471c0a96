/**
 * One emulator per test file, reached through the REAL client libraries
 * (plaintext gRPC, no credentials), exactly as production wiring would with
 * RUN_EMULATOR_HOST / KMS_EMULATOR_HOST set.
 */
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import type { ServicesClient } from '@google-cloud/run';
import { createKmsClient, createRunClient } from '../../../src/adapters/gcp/clients';
import { WardenError } from '../../../src/domain/errors';
import { startEmulator, type Emulator } from '../../../dev/emulator';

export interface GcpHarness {
  emulator: Emulator;
  run: ServicesClient;
  kms: KeyManagementServiceClient;
}

/** Registers beforeAll/afterAll/beforeEach; the returned getter is valid inside tests. */
export function useGcpEmulator(): () => GcpHarness {
  let harness: GcpHarness | undefined;

  beforeAll(async () => {
    const emulator = await startEmulator({});
    harness = {
      emulator,
      run: createRunClient({ emulatorHost: emulator.address }),
      kms: createKmsClient({ emulatorHost: emulator.address }),
    };
  });

  afterAll(async () => {
    if (!harness) return;
    await Promise.all([harness.run.close(), harness.kms.close()]);
    await harness.emulator.stop();
  });

  beforeEach(() => harness?.emulator.reset());

  return () => {
    if (!harness) throw new Error('the GCP emulator did not start');
    return harness;
  };
}

/** The WardenError a promise rejects with (fails the test when it resolves or throws something else). */
export async function rejectionOf(promise: Promise<unknown>): Promise<WardenError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WardenError) return error;
    throw error;
  }
  throw new Error('expected a WardenError, but the call succeeded');
}

/**
 * The lease check every write to Google requires, for adapter tests that
 * hold no lease: it always lets the write through. (The runner's real guard
 * is tested through the runner: test/integration/faults/leases.test.ts.)
 */
export const leaseHeld = async (): Promise<void> => undefined;

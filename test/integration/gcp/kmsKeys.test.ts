/**
 * The Cloud KMS adapter through the real client against the gRPC emulator.
 */
import { createKmsKeys } from '../../../src/adapters/gcp/kmsKeys';
import { ErrorCode } from '../../../src/domain/errors';
import type { KeysPort } from '../../../src/ports';
import { leaseHeld, rejectionOf, useGcpEmulator } from './harness';

const KEY = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/payments';
const SIGNING = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/signing';

describe('Cloud KMS keys adapter (real client, gRPC emulator)', () => {
  const gcp = useGcpEmulator();
  let keys: KeysPort;

  beforeEach(() => {
    keys = createKmsKeys({ client: gcp().kms });
    gcp().emulator.seedKey({ name: KEY, purpose: 'ENCRYPT_DECRYPT', versions: 2, rotationPeriodSeconds: 90 * 86_400 });
    gcp().emulator.seedKey({ name: SIGNING, purpose: 'ASYMMETRIC_SIGN' });
  });

  it('reads purpose, primary version, its creation time and the rotation schedule', async () => {
    const seeded = gcp().emulator.key(KEY);
    const info = await keys.getKey(KEY);
    expect(info).toEqual({
      name: KEY,
      purpose: 'ENCRYPT_DECRYPT',
      primaryVersion: `${KEY}/cryptoKeyVersions/2`,
      primaryCreateTime: seeded?.versions.find((v) => v.name === seeded.primaryVersion)?.createTime,
      rotationPeriodSeconds: 90 * 86_400,
      nextRotationTime: seeded?.nextRotationTime,
    });
  });

  it('reads an asymmetric key, which has no primary version', async () => {
    await expect(keys.getKey(SIGNING)).resolves.toMatchObject({ purpose: 'ASYMMETRIC_SIGN', primaryVersion: undefined });
  });

  it('createVersion adds an ENABLED version; makePrimary makes it the primary', async () => {
    const { version, pending } = await keys.createVersion(KEY, leaseHeld);
    expect(version).toBe(`${KEY}/cryptoKeyVersions/3`);
    expect(pending).toBe(false);
    await keys.waitUntilEnabled(version);
    expect(gcp().emulator.key(KEY)?.primaryVersion).not.toBe(version);
    await keys.makePrimary(KEY, version, leaseHeld);
    const key = gcp().emulator.key(KEY);
    expect(key?.primaryVersion).toBe(version);
    expect(key?.versions.map((v) => v.state)).toEqual(['ENABLED', 'ENABLED', 'ENABLED']);
    await expect(keys.getKey(KEY)).resolves.toMatchObject({ primaryVersion: version });
  });

  it('a version still being generated: createVersion answers at once with it, waitUntilEnabled waits its bound, then says so; once generated it returns', async () => {
    const sleeps: number[] = [];
    const waiting = createKmsKeys({ client: gcp().kms, generationWaitMs: 2_500, sleep: async (ms) => void sleeps.push(ms) });
    const generation = gcp().emulator.holdKeyGeneration(KEY);
    const { version, pending } = await waiting.createVersion(KEY, leaseHeld);
    expect({ version, pending }).toEqual({ version: `${KEY}/cryptoKeyVersions/3`, pending: true });

    const error = await rejectionOf(waiting.waitUntilEnabled(version));
    expect(error.code).toBe(ErrorCode.Upstream);
    expect(error.userMessage).toContain('still being generated');
    expect(sleeps).toEqual([1_000, 1_000, 500]);
    expect(
      gcp()
        .emulator.key(KEY)
        ?.versions.map((v) => v.state),
    ).toEqual(['ENABLED', 'ENABLED', 'PENDING_GENERATION']);
    // Google refuses to make it primary meanwhile
    expect((await rejectionOf(waiting.makePrimary(KEY, version, leaseHeld))).code).toBe(ErrorCode.Precondition);

    generation.release();
    await waiting.waitUntilEnabled(version);
    await waiting.makePrimary(KEY, version, leaseHeld);
    expect(gcp().emulator.key(KEY)?.primaryVersion).toBe(version);
  });

  it('setRotationSchedule writes the period and the next rotation time, through the update mask', async () => {
    const next = new Date('2027-01-01T00:00:00.000Z');
    await keys.setRotationSchedule(KEY, 30 * 86_400, next, leaseHeld);
    expect(gcp().emulator.key(KEY)).toMatchObject({ rotationPeriodSeconds: 30 * 86_400, nextRotationTime: next });
    const update = gcp().emulator.calls.find((c) => c.method === 'UpdateCryptoKey');
    expect(update?.request).toMatchObject({ updateMask: { paths: ['rotation_period', 'next_rotation_time'] } });
    await expect(keys.getKey(KEY)).resolves.toMatchObject({ rotationPeriodSeconds: 30 * 86_400, nextRotationTime: next });
  });

  it('refuses to rotate an asymmetric key, without creating a version', async () => {
    const error = await rejectionOf(keys.createVersion(SIGNING, leaseHeld));
    expect(error.code).toBe(ErrorCode.Precondition);
    expect(error.userMessage).toContain(SIGNING);
    expect(error.userMessage).toContain('ASYMMETRIC_SIGN');
    expect(gcp().emulator.key(SIGNING)?.versions).toHaveLength(1);
    expect(gcp().emulator.calls.some((c) => c.method === 'CreateCryptoKeyVersion')).toBe(false);
  });

  it('turns NOT_FOUND and PERMISSION_DENIED into the right WardenErrors', async () => {
    const missing = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/nope';
    const notFound = await rejectionOf(keys.createVersion(missing, leaseHeld));
    expect(notFound.code).toBe(ErrorCode.ResourceNotFound);
    expect(notFound.userMessage).toBe(`Cloud KMS key ${missing} was not found.`);

    gcp().emulator.injectFault({
      method: 'UpdateCryptoKeyPrimaryVersion',
      code: 7,
      message: "Permission 'cloudkms.cryptoKeyVersions.update' denied",
    });
    const denied = await rejectionOf(keys.makePrimary(KEY, `${KEY}/cryptoKeyVersions/1`, leaseHeld));
    expect(denied.code).toBe(ErrorCode.PermissionDenied);
    expect(denied.operatorMessage).toContain("Permission 'cloudkms.cryptoKeyVersions.update' denied");
    expect(denied.userMessage).not.toContain('cloudkms.cryptoKeyVersions.update');
  });
});

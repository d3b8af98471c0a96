/**
 * Cloud KMS on the emulator, driven by the real KeyManagementServiceClient.
 */
import { status } from '@grpc/grpc-js';
import { startEmulator, type Emulator } from '../../../dev/emulator';
import { emulatorClients, type EmulatorClients } from '../../support/emulatorClients';

const RING = 'projects/acme-test/locations/global/keyRings/run-cmek';
const KEY = `${RING}/cryptoKeys/payments`;
const SIGNING = `${RING}/cryptoKeys/signing`;
const DAY = 86_400;
const NEXT = new Date('2030-01-01T00:00:00Z');

let emulator: Emulator;
let clients: EmulatorClients;

beforeAll(async () => {
  emulator = await startEmulator();
  clients = emulatorClients(emulator.address);
});

afterAll(async () => {
  await clients.close();
  await emulator.stop();
});

beforeEach(() => {
  emulator.reset();
  emulator.seedKey({ name: KEY, versions: 2 });
  emulator.seedKey({ name: SIGNING, purpose: 'ASYMMETRIC_SIGN' });
});

const seconds = (date: Date) => ({ seconds: Math.floor(date.getTime() / 1000) });

test('GetCryptoKey returns the primary of a symmetric key, none for an asymmetric one', async () => {
  const [key] = await clients.kms.getCryptoKey({ name: KEY });
  expect(key).toMatchObject({ name: KEY, purpose: 'ENCRYPT_DECRYPT', primary: { name: `${KEY}/cryptoKeyVersions/2`, state: 'ENABLED' } });
  const [signing] = await clients.kms.getCryptoKey({ name: SIGNING });
  expect(signing).toMatchObject({ purpose: 'ASYMMETRIC_SIGN', primary: null });
});

test('key rings, keys and versions are listed; unknown ones are NOT_FOUND', async () => {
  const [rings] = await clients.kms.listKeyRings({ parent: 'projects/acme-test/locations/global' });
  expect(rings.map((r) => r.name)).toEqual([RING]);
  const [keys] = await clients.kms.listCryptoKeys({ parent: RING });
  expect(keys.map((k) => k.name)).toEqual([KEY, SIGNING]);
  const [versions] = await clients.kms.listCryptoKeyVersions({ parent: KEY });
  expect(versions.map((v) => v.name)).toEqual([`${KEY}/cryptoKeyVersions/1`, `${KEY}/cryptoKeyVersions/2`]);
  await expect(clients.kms.getCryptoKey({ name: `${RING}/cryptoKeys/ghost` })).rejects.toMatchObject({
    code: status.NOT_FOUND,
    details: `Resource '${RING}/cryptoKeys/ghost' was not found`,
  });
  await expect(clients.kms.getCryptoKeyVersion({ name: `${KEY}/cryptoKeyVersions/9` })).rejects.toMatchObject({ code: status.NOT_FOUND });
});

test('rotation: a new version, then made primary', async () => {
  const [version] = await clients.kms.createCryptoKeyVersion({ parent: KEY, cryptoKeyVersion: {} });
  expect(version).toMatchObject({ name: `${KEY}/cryptoKeyVersions/3`, state: 'ENABLED' });
  expect(emulator.key(KEY)?.primaryVersion).toBe(`${KEY}/cryptoKeyVersions/2`);
  const [key] = await clients.kms.updateCryptoKeyPrimaryVersion({ name: KEY, cryptoKeyVersionId: '3' });
  expect(key.primary?.name).toBe(`${KEY}/cryptoKeyVersions/3`);
  expect(emulator.key(KEY)?.primaryVersion).toBe(`${KEY}/cryptoKeyVersions/3`);
});

test('UpdateCryptoKeyPrimaryVersion refuses asymmetric keys, unknown versions and full names', async () => {
  await expect(clients.kms.updateCryptoKeyPrimaryVersion({ name: SIGNING, cryptoKeyVersionId: '1' })).rejects.toMatchObject({
    code: status.FAILED_PRECONDITION,
  });
  await expect(clients.kms.updateCryptoKeyPrimaryVersion({ name: KEY, cryptoKeyVersionId: '7' })).rejects.toMatchObject({
    code: status.NOT_FOUND,
  });
  await expect(
    clients.kms.updateCryptoKeyPrimaryVersion({ name: KEY, cryptoKeyVersionId: `${KEY}/cryptoKeyVersions/1` }),
  ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
});

test('UpdateCryptoKey sets a rotation schedule through the mask', async () => {
  const [key] = await clients.kms.updateCryptoKey({
    cryptoKey: { name: KEY, rotationPeriod: { seconds: 30 * DAY }, nextRotationTime: seconds(NEXT) },
    updateMask: { paths: ['rotation_period', 'next_rotation_time'] },
  });
  expect(key.rotationPeriod).toMatchObject({ seconds: String(30 * DAY) });
  expect(emulator.key(KEY)).toMatchObject({ rotationPeriodSeconds: 30 * DAY, nextRotationTime: NEXT });
});

test.each([
  [
    'a period under 24 hours',
    {
      cryptoKey: { name: KEY, rotationPeriod: { seconds: DAY - 1 }, nextRotationTime: seconds(NEXT) },
      updateMask: { paths: ['rotation_period', 'next_rotation_time'] },
    },
  ],
  [
    'a period over 876000 hours',
    {
      cryptoKey: { name: KEY, rotationPeriod: { seconds: 876_001 * 3600 }, nextRotationTime: seconds(NEXT) },
      updateMask: { paths: ['rotation_period', 'next_rotation_time'] },
    },
  ],
  [
    'a period without next rotation time',
    { cryptoKey: { name: KEY, rotationPeriod: { seconds: 30 * DAY } }, updateMask: { paths: ['rotation_period'] } },
  ],
  [
    'rotation on an asymmetric key',
    {
      cryptoKey: { name: SIGNING, rotationPeriod: { seconds: 30 * DAY }, nextRotationTime: seconds(NEXT) },
      updateMask: { paths: ['rotation_period', 'next_rotation_time'] },
    },
  ],
  ['a missing update mask', { cryptoKey: { name: KEY, rotationPeriod: { seconds: 30 * DAY }, nextRotationTime: seconds(NEXT) } }],
  ['an unknown mask path', { cryptoKey: { name: KEY, purpose: 'MAC' as const }, updateMask: { paths: ['purpose'] } }],
])('UpdateCryptoKey refuses %s', async (_description, request) => {
  await expect(clients.kms.updateCryptoKey(request)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  expect(emulator.key(KEY)?.rotationPeriodSeconds).toBeUndefined();
});

test('an injected fault on CreateCryptoKeyVersion creates nothing', async () => {
  emulator.injectFault({ method: 'CreateCryptoKeyVersion', code: status.RESOURCE_EXHAUSTED, resource: KEY });
  await expect(clients.kms.createCryptoKeyVersion({ parent: KEY })).rejects.toMatchObject({ code: status.RESOURCE_EXHAUSTED });
  expect(emulator.key(KEY)?.versions).toHaveLength(2);
});

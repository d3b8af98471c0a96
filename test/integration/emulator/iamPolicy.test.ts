/**
 * Google IAM's policy rules on the emulator, through the real clients: the
 * Cloud Run ServicesClient for service policies, the KMS client's IAM mixin
 * for key policies.
 */
import { status } from '@grpc/grpc-js';
import { startEmulator, type Emulator, type PlainBinding } from '../../../dev/emulator';
import { emulatorClients, type EmulatorClients } from '../../support/emulatorClients';

const SERVICE = 'projects/acme-test/locations/us-central1/services/hello';
const KEY = 'projects/acme-test/locations/global/keyRings/run-cmek/cryptoKeys/payments';
const OWNER: PlainBinding = { role: 'roles/run.admin', members: ['group:platform@acme.example'] };
const CONDITION = {
  title: 'runwarden-r1',
  description: 'alice, approved by bob',
  expression: 'request.time < timestamp("2030-01-01T00:00:00Z")',
};
const GRANT = { role: 'roles/run.invoker', members: ['user:alice@acme.example'], condition: CONDITION };

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
  emulator.seedService({ name: SERVICE, bindings: [OWNER] });
  emulator.seedKey({ name: KEY });
});

async function readV3(resource = SERVICE) {
  const [policy] = await clients.run.getIamPolicy({ resource, options: { requestedPolicyVersion: 3 } });
  return policy;
}

test('a read-modify-write at version 3 adds a conditional binding and changes the etag', async () => {
  const policy = await readV3();
  expect(policy.version).toBe(1);
  const [written] = await clients.run.setIamPolicy({
    resource: SERVICE,
    policy: { version: 3, etag: policy.etag, bindings: [...(policy.bindings ?? []), GRANT] },
  });
  expect(written.version).toBe(3);
  expect(Buffer.from(written.etag ?? '').equals(Buffer.from(policy.etag ?? ''))).toBe(false);
  expect(emulator.policy(SERVICE)).toEqual({
    version: 3,
    etag: Buffer.from(written.etag ?? '').toString('base64'),
    bindings: [OWNER, GRANT],
  });
});

test("a stale etag is ABORTED with Google's message", async () => {
  const policy = await readV3();
  emulator.foreignSetBindings(SERVICE, [OWNER, { role: 'roles/run.viewer', members: ['user:eve@acme.example'] }]);
  await expect(
    clients.run.setIamPolicy({ resource: SERVICE, policy: { version: 3, etag: policy.etag, bindings: [OWNER] } }),
  ).rejects.toMatchObject({
    code: status.ABORTED,
    details: 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.',
  });
});

test('beforeSetIamPolicy lets a foreign write land between read and write', async () => {
  const policy = await readV3();
  emulator.beforeSetIamPolicy((resource) => emulator.foreignSetBindings(resource, [OWNER]), { resource: SERVICE });
  const write = { resource: SERVICE, policy: { version: 3, etag: policy.etag, bindings: [OWNER, GRANT] } };
  await expect(clients.run.setIamPolicy(write)).rejects.toMatchObject({ code: status.ABORTED });
  const fresh = await readV3();
  await expect(clients.run.setIamPolicy({ ...write, policy: { ...write.policy, etag: fresh.etag } })).resolves.toBeDefined();
});

test('a write without etag is a blind write', async () => {
  await clients.run.setIamPolicy({ resource: SERVICE, policy: { bindings: [OWNER, OWNER] } });
  expect(emulator.policy(SERVICE).bindings).toEqual([OWNER]);
});

test('a conditional binding needs version 3', async () => {
  for (const version of [0, 1]) {
    await expect(clients.run.setIamPolicy({ resource: SERVICE, policy: { version, bindings: [OWNER, GRANT] } })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  }
  expect(emulator.policy(SERVICE).bindings).toEqual([OWNER]);
});

test('a version 1 read of a conditional policy shows _withcond_ roles and no conditions', async () => {
  emulator.foreignSetBindings(SERVICE, [OWNER, GRANT]);
  const [v1] = await clients.run.getIamPolicy({ resource: SERVICE });
  expect(v1.version).toBe(1);
  expect(v1.bindings?.map((b) => [b.role, b.condition])).toEqual([
    ['roles/run.admin', null],
    [expect.stringMatching(/^roles\/run\.invoker_withcond_[0-9a-f]+$/), null],
  ]);
  const v3 = await readV3();
  expect(v3.version).toBe(3);
  expect(v3.bindings?.[1]).toMatchObject({ role: 'roles/run.invoker', condition: CONDITION });
});

test('a version 1 write with etag cannot modify a conditional policy', async () => {
  emulator.foreignSetBindings(SERVICE, [OWNER, GRANT]);
  const [v1] = await clients.run.getIamPolicy({ resource: SERVICE });
  await expect(
    clients.run.setIamPolicy({ resource: SERVICE, policy: { version: 1, etag: v1.etag, bindings: [OWNER] } }),
  ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
});

test.each([
  ['a title over 100 characters', { ...GRANT, condition: { ...CONDITION, title: 'x'.repeat(101) } }],
  ['a description over 256 characters', { ...GRANT, condition: { ...CONDITION, description: 'x'.repeat(257) } }],
  // 65 emoji: 65 code points and 130 UTF-16 units, but 260 bytes in UTF-8
  ['a description over 256 UTF-8 bytes in few characters (emoji)', { ...GRANT, condition: { ...CONDITION, description: '🔥'.repeat(65) } }],
  ['a description over 256 UTF-8 bytes (CJK)', { ...GRANT, condition: { ...CONDITION, description: '漢'.repeat(86) } }],
  ['an empty expression', { ...GRANT, condition: { ...CONDITION, expression: '' } }],
  ['an invalid timestamp', { ...GRANT, condition: { ...CONDITION, expression: 'request.time < timestamp("tomorrow")' } }],
  ['a member without a type', { role: 'roles/run.invoker', members: ['alice@acme.example'] }],
  ['a user without an email', { role: 'roles/run.invoker', members: ['user:alice'] }],
  ['a role outside roles/', { role: 'run.invoker', members: ['user:alice@acme.example'] }],
])('refuses %s', async (_description, binding) => {
  await expect(clients.run.setIamPolicy({ resource: SERVICE, policy: { version: 3, bindings: [OWNER, binding] } })).rejects.toMatchObject({
    code: status.INVALID_ARGUMENT,
  });
});

test('accepts a description of exactly 256 UTF-8 bytes', async () => {
  const binding = { ...GRANT, condition: { ...CONDITION, description: '🔥'.repeat(64) } };
  await expect(clients.run.setIamPolicy({ resource: SERVICE, policy: { version: 3, bindings: [OWNER, binding] } })).resolves.toBeDefined();
});

test('merges duplicate role+condition bindings, drops empty ones, keeps the order', async () => {
  await clients.run.setIamPolicy({
    resource: SERVICE,
    policy: {
      version: 3,
      bindings: [GRANT, OWNER, { role: 'roles/run.viewer', members: [] }, { ...GRANT, members: ['user:bob@acme.example'] }],
    },
  });
  expect(emulator.policy(SERVICE).bindings).toEqual([{ ...GRANT, members: ['user:alice@acme.example', 'user:bob@acme.example'] }, OWNER]);
});

test('an update mask without bindings leaves them untouched', async () => {
  await clients.run.setIamPolicy({ resource: SERVICE, policy: { bindings: [] }, updateMask: { paths: ['etag'] } });
  expect(emulator.policy(SERVICE).bindings).toEqual([OWNER]);
});

test('an injected fault on SetIamPolicy fails that call only', async () => {
  emulator.injectFault({ method: 'SetIamPolicy', code: status.UNAVAILABLE, message: 'try later' });
  const write = { resource: SERVICE, policy: { bindings: [OWNER] } };
  await expect(clients.run.setIamPolicy(write)).rejects.toMatchObject({ code: status.UNAVAILABLE });
  await expect(clients.run.setIamPolicy(write)).resolves.toBeDefined();
});

test('unknown resources are NOT_FOUND', async () => {
  await expect(clients.run.getIamPolicy({ resource: 'projects/acme-test/locations/us-central1/services/ghost' })).rejects.toMatchObject({
    code: status.NOT_FOUND,
  });
});

// The KMS client types its IAM mixin's requests as protobuf classes; like the
// other methods, it sends plain objects.
type KmsClient = EmulatorClients['kms'];
const kmsGetPolicy = (request: { resource: string; options?: { requestedPolicyVersion: number } }) =>
  clients.kms.getIamPolicy(request as Parameters<KmsClient['getIamPolicy']>[0]);
const kmsSetPolicy = (request: { resource: string; policy: { etag?: Uint8Array | string | null; bindings: PlainBinding[] } }) =>
  clients.kms.setIamPolicy(request as Parameters<KmsClient['setIamPolicy']>[0]);
const kmsTestPermissions = (request: { resource: string; permissions: string[] }) =>
  clients.kms.testIamPermissions(request as Parameters<KmsClient['testIamPermissions']>[0]);

test('KMS key policies go through the IAMPolicy mixin with the same rules', async () => {
  const [empty] = await kmsGetPolicy({ resource: KEY, options: { requestedPolicyVersion: 3 } });
  expect(empty.bindings).toEqual([]);
  const grant = { role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', members: ['serviceAccount:run@acme-test.iam.gserviceaccount.com'] };
  await kmsSetPolicy({ resource: KEY, policy: { etag: empty.etag, bindings: [grant] } });
  const [after] = await kmsGetPolicy({ resource: KEY });
  expect(after.bindings).toEqual([expect.objectContaining(grant)]);
  await expect(kmsSetPolicy({ resource: KEY, policy: { etag: empty.etag, bindings: [] } })).rejects.toMatchObject({
    code: status.ABORTED,
  });
  const [permissions] = await kmsTestPermissions({ resource: KEY, permissions: ['cloudkms.cryptoKeys.get'] });
  expect(permissions.permissions).toEqual(['cloudkms.cryptoKeys.get']);
});

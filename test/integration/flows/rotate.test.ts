/**
 * `rotate` end to end over signed Slack requests: approvers from a Slack user
 * group, the blast radius (Cloud Run services using the key as CMEK, in every
 * region of the policy's default project) in the approval message, a new
 * primary version (old ones untouched), an optional rotation schedule, and
 * refusals of keys that cannot be rotated.
 */
import { APPROVALS_CHANNEL, PROJECT, service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
const RING = `projects/${PROJECT}/locations/global/keyRings/app-ring`;
const KEY = `${RING}/cryptoKeys/app-key`;
const OTHER_KEY = `${RING}/cryptoKeys/other-key`;
const SIGNING_KEY = `${RING}/cryptoKeys/signer`;

beforeAll(async () => {
  // Slack membership and emails change within these tests and must be seen at the next click: no directory cache
  // (the 30 s cache, and what it means for authority, is tested in test/integration/faults/slackRateLimits.test.ts)
  h = await startHarness({ settings: { directoryCacheSeconds: 0 } });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.slack.setUserGroup('S0SECURITY', ['U0DAVE', 'U0ERIN']);
  h.emulator.seedKey({ name: KEY, versions: 2 });
  h.emulator.seedKey({ name: OTHER_KEY });
  h.emulator.seedKey({ name: SIGNING_KEY, purpose: 'ASYMMETRIC_SIGN' });
  h.emulator.seedService({ name: service('billing'), encryptionKey: KEY });
  h.emulator.seedService({ name: service('ledger', 'europe-west1'), encryptionKey: KEY });
  h.emulator.seedService({ name: service('reports', 'asia-northeast1'), encryptionKey: OTHER_KEY });
  h.emulator.seedService({ name: service('hello') });
  // another project: outside the blast radius the policy's default project defines
  h.emulator.seedService({ name: `projects/acme-dev/locations/us-central1/services/billing-dev`, encryptionKey: KEY });
});

function blocksOf(id: string): string {
  return JSON.stringify(h.approvalMessage(id)?.blocks ?? []);
}

function kmsCalls(method: string) {
  return h.emulator.calls.filter((c) => c.method === method);
}

it('the approval message lists the blast radius across regions and the current primary version', async () => {
  const id = await h.submit('U0ALICE', 'rotate app-ring/app-key suspected key exposure in a CI log');
  const request = await h.request(id);
  expect(request).toMatchObject({ kind: 'rotate', target: KEY, approverGroup: 'security', approvalsRequired: 1 });
  expect(request.context).toEqual({
    services: [service('billing'), service('ledger', 'europe-west1')].sort(),
    primaryVersion: `${KEY}/cryptoKeyVersions/2`,
  });
  const blocks = blocksOf(id);
  expect(blocks).toContain('*Blast radius:* 2 services use this key as CMEK');
  expect(blocks).toContain(`• \`${service('billing')}\``);
  expect(blocks).toContain(`• \`${service('ledger', 'europe-west1')}\``);
  expect(blocks).not.toContain('reports');
  expect(blocks).not.toContain('hello');
  expect(blocks).not.toContain('billing-dev');
  expect(blocks).toContain('*Current primary version*\\n`2`');
  // all regions were listed, not only the default one
  const parents = h.emulator.calls.filter((c) => c.method === 'ListServices').map((c) => (c.request as { parent?: string }).parent);
  expect(parents).toEqual(
    expect.arrayContaining([`projects/${PROJECT}/locations/europe-west1`, `projects/${PROJECT}/locations/asia-northeast1`]),
  );
  // nothing has been changed yet
  expect(kmsCalls('CreateCryptoKeyVersion')).toHaveLength(0);
});

it('without the Locations API the blast radius falls back to the default region, says so, and the request goes on', async () => {
  h.emulator.injectFault({ method: 'ListLocations', code: 12, message: 'Method not implemented', times: 5 });
  const id = await h.submit('U0ALICE', 'rotate app-ring/app-key locations unavailable');
  const request = await h.request(id);
  expect(request.context?.services).toEqual([service('billing')]);
  expect(request.context?.blastRadiusNote).toMatch(/only us-central1 could be listed/);
  expect(blocksOf(id)).toContain('only us-central1 could be listed');
  await h.ask('U0ALICE', `cancel ${id}`);
});

it('a key no service uses says so', async () => {
  const unused = `${RING}/cryptoKeys/unused`;
  h.emulator.seedKey({ name: unused });
  const id = await h.submit('U0ALICE', 'rotate app-ring/unused yearly hygiene');
  expect(blocksOf(id)).toContain('*Blast radius:* none found — no Cloud Run service uses this key as CMEK');
  expect((await h.request(id)).context?.services).toEqual([]);
});

it('a member of the Slack user group approves: a new primary version, old versions untouched, recorded in the audit trail', async () => {
  const id = await h.submit('U0ALICE', 'rotate app-ring/app-key suspected exposure');
  await h.click('U0DAVE', 'approve', id);
  const applied = await h.waitForStatus(id, 'applied');
  const newVersion = `${KEY}/cryptoKeyVersions/3`;

  const key = h.emulator.key(KEY);
  expect(key?.primaryVersion).toBe(newVersion);
  expect(key?.versions.map((v) => [v.name, v.state])).toEqual([
    [`${KEY}/cryptoKeyVersions/1`, 'ENABLED'],
    [`${KEY}/cryptoKeyVersions/2`, 'ENABLED'],
    [newVersion, 'ENABLED'],
  ]);
  expect(key?.rotationPeriodSeconds).toBeUndefined();

  const methods = h.emulator.calls.map((c) => c.method).filter((m) => /CryptoKey/.test(m) && m !== 'GetCryptoKey');
  expect(methods).toEqual(['CreateCryptoKeyVersion', 'UpdateCryptoKeyPrimaryVersion']);
  expect(kmsCalls('CreateCryptoKeyVersion')[0]?.request).toMatchObject({ parent: KEY });
  expect(kmsCalls('UpdateCryptoKeyPrimaryVersion')[0]?.request).toMatchObject({ name: KEY, cryptoKeyVersionId: '3' });
  expect(h.emulator.calls.some((c) => /Destroy|Disable/.test(c.method) || c.method === 'UpdateCryptoKeyVersion')).toBe(false);

  expect(applied.result).toEqual({ version: newVersion });
  expect(applied.expiresAt).toBeUndefined();
  expect(applied.approvals.map((a) => a.approver)).toEqual(['U0DAVE']);
  const events = await h.runwarden.deps.store.events(id);
  expect(events.find((e) => e.action === 'applied')?.detail).toEqual({ version: newVersion });
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && m.text.includes(newVersion)), {
    description: 'DM naming the new primary version',
  });
  await h.slack.waitFor(() => (blocksOf(id).includes(newVersion) && blocksOf(id).includes('Applied') ? true : undefined), {
    description: 'approval message shows the new version',
  });

  // permanent: the sweep never touches it again
  h.clock.advance(400 * 86_400);
  await h.sweep();
  expect(kmsCalls('CreateCryptoKeyVersion')).toHaveLength(1);
  expect((await h.request(id)).status).toBe('applied');
});

it('a click by someone outside the user group is refused and recorded; group membership is read at click time', async () => {
  const id = await h.submit('U0ALICE', 'rotate app-ring/app-key quarterly');
  await h.click('U0BOB', 'approve', id);
  const refusal = await h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === 'U0BOB' && e.text.includes(id)), {
    description: 'refusal',
  });
  expect(refusal.text).toMatch(/Only members of the \*security\* approver group/);
  const events = await h.runwarden.deps.store.events(id);
  expect(events.filter((e) => e.action === 'approve_refused')).toEqual([
    expect.objectContaining({ actor: 'U0BOB', detail: { reason: 'not_an_approver' } }),
  ]);
  expect((await h.request(id)).status).toBe('pending');
  expect(kmsCalls('CreateCryptoKeyVersion')).toHaveLength(0);
  expect(h.emulator.key(KEY)?.primaryVersion).toBe(`${KEY}/cryptoKeyVersions/2`);

  // once Bob joins the group his click counts
  h.slack.setUserGroup('S0SECURITY', ['U0DAVE', 'U0ERIN', 'U0BOB']);
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'applied');
  expect(h.emulator.key(KEY)?.primaryVersion).toBe(`${KEY}/cryptoKeyVersions/3`);
});

it('--rotation-period also sets the schedule: updateCryptoKey with the two-field mask and the next rotation time', async () => {
  const id = await h.submit('U0ALICE', 'rotate app-ring/app-key adopt the 90 day standard --rotation-period 90d');
  expect((await h.request(id)).rotationPeriodSeconds).toBe(90 * 86_400);
  expect(blocksOf(id)).toContain('every 90d');
  await h.click('U0ERIN', 'approve', id);
  const applied = await h.waitForStatus(id, 'applied');

  const [update, ...more] = kmsCalls('UpdateCryptoKey');
  expect(more).toHaveLength(0);
  expect(update?.request).toMatchObject({
    cryptoKey: { name: KEY, rotationPeriod: { seconds: String(90 * 86_400) } },
    updateMask: { paths: ['rotation_period', 'next_rotation_time'] },
  });
  const key = h.emulator.key(KEY);
  expect(key?.rotationPeriodSeconds).toBe(90 * 86_400);
  expect(key?.primaryVersion).toBe(`${KEY}/cryptoKeyVersions/3`);
  const next = key?.nextRotationTime?.getTime() ?? 0;
  const appliedAt = applied.appliedAt?.getTime() ?? 0;
  expect(Math.abs(next - (appliedAt + 90 * 86_400_000))).toBeLessThan(60_000);
  expect(applied.result).toMatchObject({
    version: `${KEY}/cryptoKeyVersions/3`,
    rotationPeriod: '90d',
    nextRotationTime: key?.nextRotationTime?.toISOString(),
  });
  const detail = (await h.runwarden.deps.store.events(id)).find((e) => e.action === 'applied')?.detail;
  expect(detail).toMatchObject({ version: `${KEY}/cryptoKeyVersions/3`, rotationPeriod: '90d' });

  // a second rotation shows the schedule now in force next to the requested one
  const second = await h.submit('U0ALICE', 'rotate app-ring/app-key tighten --rotation-period 30d');
  expect(blocksOf(second)).toContain('every 30d (now 90d)');
});

describe('refusals', () => {
  async function refused(text: string): Promise<string> {
    const before = h.slack.messages(APPROVALS_CHANNEL).length;
    const reply = await h.ask('U0ALICE', text);
    expect(reply).toMatch(/^:(no_entry|warning):/);
    expect(h.slack.messages(APPROVALS_CHANNEL)).toHaveLength(before);
    expect(kmsCalls('CreateCryptoKeyVersion')).toHaveLength(0);
    return reply;
  }

  it('a key that is not a symmetric ENCRYPT_DECRYPT key', async () => {
    expect(await refused('rotate app-ring/signer rotate the signer')).toMatch(
      /signer is a ASYMMETRIC_SIGN key: only symmetric encrypt\/decrypt keys have a primary version/,
    );
  });

  it('an unknown key', async () => {
    expect(await refused('rotate app-ring/missing rotate it')).toMatch(/not found/);
  });

  it('a key outside the policy', async () => {
    expect(await refused('rotate projects/acme-staging/locations/global/keyRings/r/cryptoKeys/k rotate it')).toMatch(/rule/i);
  });

  it('a rotation period under the Cloud KMS minimum', async () => {
    expect(await refused('rotate app-ring/app-key too often --rotation-period 2h')).toMatch(/at least 1d/);
  });
});

/**
 * Issue 16 §10: a new key version still PENDING_GENERATION (an HSM key) when
 * the apply stops waiting for it. The created version is recorded before the
 * wait, so every retry — the sweep's, on any instance — reuses it: one
 * rotation creates one version, however long Cloud KMS takes.
 */
import { PROJECT, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

let h: Harness;
const KEY = `projects/${PROJECT}/locations/global/keyRings/app-ring/cryptoKeys/hsm-key`;

beforeAll(async () => {
  // the apply waits 1 s for a version being generated, so the test does not wait Cloud KMS's minutes
  h = await startHarness({ settings: { keyGenerationWaitSeconds: 1 } });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.slack.setUserGroup('S0SECURITY', ['U0DAVE', 'U0ERIN']);
  h.emulator.seedKey({ name: KEY, versions: 3 });
});

const created = (): number => h.emulator.calls.filter((c) => c.method === 'CreateCryptoKeyVersion').length;
const actions = async (id: string): Promise<string[]> => (await h.runwarden.deps.store.events(id)).map((e) => e.action);

it('a version that outlasts the apply’s wait is recorded, and every retry reuses it until it is ENABLED and made primary', async () => {
  const generation = h.emulator.holdKeyGeneration(KEY);
  const id = await h.submit('U0ALICE', 'rotate app-ring/hsm-key quarterly rotation');
  await h.click('U0DAVE', 'approve', id);

  const interrupted = await h.waitForRequest(
    id,
    (r) => r.status === 'approved' && r.op !== undefined && r.op.leaseUntil.getTime() <= h.clock.now().getTime(),
  );
  expect(interrupted.writing?.version).toBe(`${KEY}/cryptoKeyVersions/4`);
  expect(await actions(id)).toContain('apply_interrupted');
  expect(h.emulator.key(KEY)?.versions.map((v) => v.state)).toEqual(['ENABLED', 'ENABLED', 'ENABLED', 'PENDING_GENERATION']);

  // two more sweeps while Cloud KMS is still generating: each retry waits on version 4, creates nothing
  for (let i = 0; i < 2; i++) {
    expect((await h.sweep()).body.retried).toBe(1);
    await h.waitForRequest(
      id,
      (r) => r.status === 'approved' && r.op !== undefined && r.op.leaseUntil.getTime() <= h.clock.now().getTime(),
    );
  }
  expect(created()).toBe(1);

  generation.release();
  expect((await h.sweep()).body.applied).toBe(1);
  const applied = await h.waitForStatus(id, 'applied');
  expect(applied.result).toMatchObject({ version: `${KEY}/cryptoKeyVersions/4` });
  const key = h.emulator.key(KEY);
  expect(key?.primaryVersion).toBe(`${KEY}/cryptoKeyVersions/4`);
  expect(key?.versions).toHaveLength(4);
  expect(created()).toBe(1);
});

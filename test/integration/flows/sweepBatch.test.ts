/**
 * Issue 9: the sweep ends a service's due grants with ONE IAM
 * read-modify-write (one GetIamPolicy, one SetIamPolicy) while each request
 * keeps its own claim, lease and audit events (claimed and ended together in
 * one transaction each way since issue 20: sweepTogether.test.ts);
 * someone else's binding under a due grant's title is left alone and reported
 * as drift; two sweeps at once still end each grant once; and a sweep whose
 * time budget has run out starts nothing and counts what it left in
 * `deferred`. An apply, without conflicts, is one GetIamPolicy and one
 * SetIamPolicy.
 */
import { titleFor } from '../../../src/domain/iamCondition';
import { service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

let h: Harness;
const BATCH = service('batch');
const OTHER = service('other');

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: BATCH, bindings: [{ role: 'roles/run.admin', members: ['group:admins@acme.example'] }] });
  h.emulator.seedService({ name: OTHER });
});

const calls = (method: string, resource: string): number =>
  h.emulator.calls.filter((c) => c.method === method && (c.request as { resource?: string }).resource === resource).length;
const ours = (resource: string) => h.emulator.policy(resource).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));

/**
 * Distinct (member, role) pairs, so that several grants of one service are each new access: a second active grant
 * of the same role to the same member would be answered with the first (issue 19).
 */
const ASKERS = ['U0ALICE', 'U0CAROL', 'U0DAVE', 'U0ERIN'];
let asked = 0;

async function grant(name: string, text: string): Promise<string> {
  const n = asked++;
  const role = Math.floor(n / ASKERS.length) % 2 === 1 ? ' --role roles/run.viewer' : '';
  const id = await h.submit(ASKERS[n % ASKERS.length] ?? 'U0ALICE', `invoker ${name} 10m ${text}${role}`);
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  return id;
}

it('removes all of a service’s due bindings in one read-modify-write, each request with its own end', async () => {
  const ids = [
    await grant('batch', 'first'),
    await grant('batch', 'second'),
    await grant('batch', 'third'),
    await grant('other', 'elsewhere'),
  ];
  // someone else rewrites the third grant's binding under our title: it must be left alone
  const third = titleFor(ids[2] ?? '');
  const tampered = h.emulator
    .policy(BATCH)
    .bindings.map((b) => (b.condition?.title === third ? { ...b, members: ['user:mallory@evil.example'] } : b));
  h.emulator.foreignSetBindings(BATCH, tampered);
  h.clock.advance(601);
  const before = { get: calls('GetIamPolicy', BATCH), set: calls('SetIamPolicy', BATCH), otherSet: calls('SetIamPolicy', OTHER) };

  const sweep = await h.sweep();

  expect(sweep.status).toBe(200);
  expect(sweep.body).toMatchObject({ expired: 3, drifted: 1, errors: 0, deferred: 0 });
  expect(calls('GetIamPolicy', BATCH) - before.get).toBe(1);
  expect(calls('SetIamPolicy', BATCH) - before.set).toBe(1);
  expect(calls('SetIamPolicy', OTHER) - before.otherSet).toBe(1);
  for (const id of [ids[0], ids[1], ids[3]]) {
    const ended = await h.waitForStatus(id ?? '', 'expired');
    expect(ended.result?.drift).toBeUndefined();
    const events = await h.runwarden.deps.store.events(id ?? '');
    expect(events.filter((e) => e.action === 'expired')).toHaveLength(1);
  }
  const drifted = await h.waitForRequest(ids[2] ?? '', (r) => r.status === 'expired' && r.op === undefined);
  expect(drifted.result?.drift).toBeDefined();
  // the foreign binding and the admin binding stay; nothing of ours is left
  expect(ours(BATCH).map((b) => b.members)).toEqual([['user:mallory@evil.example']]);
  expect(h.emulator.policy(BATCH).bindings.some((b) => b.role === 'roles/run.admin')).toBe(true);
  expect(ours(OTHER)).toHaveLength(0);
});

it('two sweeps at once end each of six grants of a service once, in at most one write each', async () => {
  // six grants: without batching each would take its own write (six), however the two sweeps share them
  const ids: string[] = [];
  for (const n of ['one', 'two', 'three', 'four', 'five', 'six']) ids.push(await grant('batch', n));
  h.clock.advance(601);
  const setBefore = calls('SetIamPolicy', BATCH);
  const [a, b] = await Promise.all([h.sweep(), h.sweep()]);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect((a.body.expired ?? 0) + (b.body.expired ?? 0)).toBe(6);
  for (const id of ids) {
    await h.waitForStatus(id, 'expired');
    expect((await h.runwarden.deps.store.events(id)).filter((e) => e.action === 'expired')).toHaveLength(1);
  }
  expect(ours(BATCH)).toHaveLength(0);
  // each sweep writes only for the grants it claimed: at most one accepted write each. (Both may read the same
  // policy; the second write is then refused for its stale etag and redone from a new read. Accepted writes each
  // carry the etag of a different read, so they are counted by distinct etags, the refused ones not.)
  const writes = h.emulator.calls
    .filter((c) => c.method === 'SetIamPolicy' && (c.request as { resource?: string }).resource === BATCH)
    .slice(setBefore);
  const etags = new Set(
    writes.map((c) => Buffer.from((c.request as { policy?: { etag?: Uint8Array } }).policy?.etag ?? new Uint8Array()).toString('base64')),
  );
  expect(writes.length).toBeGreaterThanOrEqual(1);
  expect(etags.size).toBeLessThanOrEqual(2);
});

it('a sweep out of time starts nothing and counts what it leaves in deferred', async () => {
  const laterH = await startHarness({ settings: { sweepBudgetSeconds: 0 } });
  try {
    laterH.emulator.seedService({ name: BATCH });
    const id = await laterH.submit('U0ALICE', 'invoker batch 10m no time left');
    await laterH.click('U0BOB', 'approve', id);
    await laterH.waitForStatus(id, 'active');
    laterH.clock.advance(601);
    const starved = await laterH.sweep();
    expect(starved.body).toMatchObject({ expired: 0, deferred: 1 });
    expect((await laterH.request(id)).status).toBe('active');
  } finally {
    await laterH.stop();
  }
});

it('a service’s due grants spread over several pages of the due query still take one write', async () => {
  const paged = await startHarness({ settings: { sweepPageSize: 2 } });
  const services = ['alpha', 'beta', 'gamma'].map((name) => service(name));
  const setCalls = (resource: string): number =>
    paged.emulator.calls.filter((c) => c.method === 'SetIamPolicy' && (c.request as { resource?: string }).resource === resource).length;
  try {
    for (const name of services) paged.emulator.seedService({ name });
    // due in the order alpha, beta, gamma, alpha, beta, gamma: every page of 2 mixes services
    const ids: string[] = [];
    for (const round of [1, 2]) {
      for (const name of ['alpha', 'beta', 'gamma']) {
        const id = await paged.submit(
          'U0ALICE',
          `invoker ${name} 10m spread over pages ${round}${round === 2 ? ' --role roles/run.viewer' : ''}`,
        );
        await paged.click('U0BOB', 'approve', id);
        await paged.waitForStatus(id, 'active');
        ids.push(id);
      }
    }
    paged.clock.advance(601);
    const before = services.map(setCalls);

    const sweep = await paged.sweep();

    expect(sweep.body).toMatchObject({ expired: 6, errors: 0, deferred: 0 });
    expect(services.map((name, i) => setCalls(name) - (before[i] ?? 0))).toEqual([1, 1, 1]);
    for (const id of ids) await paged.waitForStatus(id, 'expired');
  } finally {
    await paged.stop();
  }
});

it('an apply without conflicts is one GetIamPolicy and one SetIamPolicy', async () => {
  const id = await h.submit('U0ALICE', 'invoker batch 10m counting reads');
  const before = { get: calls('GetIamPolicy', BATCH), set: calls('SetIamPolicy', BATCH) };
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  expect(calls('GetIamPolicy', BATCH) - before.get).toBe(1);
  expect(calls('SetIamPolicy', BATCH) - before.set).toBe(1);
  expect(ours(BATCH).map((b) => b.condition?.title)).toEqual([titleFor(id)]);
});

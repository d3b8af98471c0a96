/**
 * Faults in the sweep's "end together" path (issue 20 §4, attacked): more
 * due grants on one service than one claim transaction takes
 * (MAX_TRANSACT_EACH) are claimed in chunks that share ONE IAM batch. When
 * one chunk's claim transaction fails, nothing of it changed — and the other
 * chunks must not wait in the batch for seats that will never ask: they end,
 * the sweep answers with the failed chunk counted in `errors`, and the next
 * sweep ends those. One document whose write Firestore refuses fails only its
 * own claim, not the claims of every grant of its service it shares a
 * transaction with (sweep after sweep).
 */
import { randomBytes } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { titleFor } from '../../../src/domain/iamCondition';
import { newRequestId } from '../../../src/domain/requestId';
import { MAX_TRANSACT_EACH, type RequestStore } from '../../../src/ports';
import { dueGrant, seedDueGrants } from '../../support/dueGrants';
import { service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(240_000);

const MANY = service('many');
const POISONED = service('poisoned');
const STALLED = service('stalled');
const REFUSED = service('refused');
const TAKEN = service('taken');
/** a transactEach call that takes any of these requests fails without committing anything */
let failFor = new Set<string>();

function failing(store: RequestStore): RequestStore {
  return {
    ...store,
    async transactEach(ids, decide) {
      if (ids.some((id) => failFor.has(id))) throw new Error('injected: Firestore did not commit the claims');
      return store.transactEach(ids, decide);
    },
  };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ wrapStore: failing, settings: { sweepDeadlineSeconds: 50 } });
});
afterAll(async () => {
  await (await h.runwarden.useCases()).idle(30_000);
  await h.stop();
});

/** `n` active invoker grants on `target`, already due, each with its binding on the service (as approved and applied) */
async function seedDue(target: string, n: number): Promise<string[]> {
  const now = h.clock.now();
  const requests = Array.from({ length: n }, (_, i) =>
    dueGrant({ id: newRequestId((k) => randomBytes(k)), target, n: i, reason: 'due grant', durationSeconds: 600, now }),
  );
  await seedDueGrants(h.emulator, h.runwarden.deps.store, target, requests);
  return requests.map((r) => r.id);
}

const ours = (target = MANY) => h.emulator.policy(target).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));

it('a chunk whose claims fail does not hold the other chunks in the IAM batch: they end, the failed ones next sweep', async () => {
  const ids = await seedDue(MANY, MAX_TRANSACT_EACH + 1);
  // The due query names them by expiry (all the same), then by id: the first chunk is the first hundred ids. Every
  // transaction that takes one of those fails (together and alone); the second chunk's claim commits.
  failFor = new Set([...ids].sort().slice(0, MAX_TRANSACT_EACH));

  const started = Date.now();
  const first = await h.sweep();

  // answered when the work was done, not at its deadline with the second chunk stuck in the batch
  expect(first.body).toMatchObject({ expired: 1, errors: MAX_TRANSACT_EACH, deferred: 0 });
  expect(Date.now() - started).toBeLessThan(40_000);
  expect(ours()).toHaveLength(MAX_TRANSACT_EACH);
  await (await h.runwarden.useCases()).idle(30_000);
  failFor = new Set();

  const second = await h.sweep();

  expect(second.body).toMatchObject({ expired: MAX_TRANSACT_EACH, errors: 0, drifted: 0 });
  expect(ours()).toHaveLength(0);
  for (const id of ids) expect((await h.request(id)).status).toBe('expired');
});

it('one document whose claim cannot be written fails alone: the other due grants of its service end', async () => {
  const ids = await seedDue(POISONED, 3);
  const [bad, ...good] = ids as [string, ...string[]];
  // its event counter lags its audit trail (restored from an older copy, say): its next event's id is taken, so
  // Firestore refuses any commit that writes it
  const firestore = new Firestore({ projectId: h.projectId });
  try {
    await firestore.collection('requests').doc(bad).update({ eventCount: 0 });
  } finally {
    await firestore.terminate();
  }

  const first = await h.sweep();

  expect(first.body).toMatchObject({ expired: 2, errors: 1 });
  for (const id of good) expect((await h.request(id)).status).toBe('expired');
  expect(ours(POISONED).map((b) => b.condition?.title)).toEqual([titleFor(bad)]);
  expect((await h.request(bad)).status).toBe('active');

  // repaired, it ends with the next sweep
  const repair = new Firestore({ projectId: h.projectId });
  try {
    await repair
      .collection('requests')
      .doc(bad)
      .update({ eventCount: (await h.runwarden.deps.store.events(bad)).length });
  } finally {
    await repair.terminate();
  }
  const second = await h.sweep();
  expect(second.body).toMatchObject({ expired: 1, errors: 0 });
  expect(ours(POISONED)).toHaveLength(0);
});

it('a batch that stalls past half its lease before the write renews each lease first (no skip): expired, each trail complete', async () => {
  const ids = await seedDue(STALLED, 2);
  const read = h.emulator.hold('GetIamPolicy', STALLED);

  const sweeping = h.sweep();
  await read.reached;
  h.clock.advance(151); // the claims' leases (300 s) have less than half left
  read.release();
  const sweep = await sweeping;

  expect(sweep.body).toMatchObject({ expired: 2, errors: 0, drifted: 0 });
  expect(ours(STALLED)).toHaveLength(0);
  for (const id of ids) {
    const actions = (await h.runwarden.deps.store.events(id)).map((e) => e.action);
    // the claim's planned write, then the renewal the stale lease called for before the write, then the end
    expect(actions.slice(actions.indexOf('revert_started')).slice(0, 4)).toEqual([
      'revert_started',
      'google_write',
      'google_write',
      'expired',
    ]);
  }
});

it('a batch Google refuses records every request’s failure (stays active, backoff); the next attempt after it ends each', async () => {
  const ids = await seedDue(REFUSED, 3);
  h.emulator.injectFault({
    method: 'SetIamPolicy',
    code: 7,
    message: "Permission 'run.services.setIamPolicy' denied",
    times: 1,
    resource: REFUSED,
  });

  const first = await h.sweep();

  expect(first.body).toMatchObject({ revertFailing: 3, expired: 0, errors: 0, retried: 0 });
  expect(ours(REFUSED)).toHaveLength(3);
  for (const id of ids) {
    const request = await h.request(id);
    expect(request.status).toBe('active');
    expect(request.revertFailing).toMatchObject({ failures: 1 });
    const actions = (await h.runwarden.deps.store.events(id)).map((e) => e.action);
    expect(actions.filter((a) => a === 'revert_interrupted')).toHaveLength(1);
  }
  h.clock.advance(61);

  const second = await h.sweep();

  expect(second.body).toMatchObject({ expired: 3, drifted: 0, errors: 0, revertFailing: 0 });
  expect(ours(REFUSED)).toHaveLength(0);
});

it('a batch that stalls past its whole lease: the next sweep takes it over and ends each once; the stalled one writes nothing', async () => {
  const ids = await seedDue(TAKEN, 2);
  const read = h.emulator.hold('GetIamPolicy', TAKEN);
  const stalled = h.sweep();
  await read.reached;
  h.clock.advance(301); // the stalled run's leases (300 s) have run out

  const takeover = await h.sweep();

  expect(takeover.body).toMatchObject({ expired: 2, drifted: 0, errors: 0 });
  const sets = h.emulator.calls.filter((c) => c.method === 'SetIamPolicy').length;
  read.release();
  const late = await stalled;
  // they were ended by the takeover: skipped here, not counted as a revert to retry
  expect(late.body).toMatchObject({ expired: 0, drifted: 0, retried: 0, skipped: 2 });
  // it found the bindings gone and wrote nothing
  expect(h.emulator.calls.filter((c) => c.method === 'SetIamPolicy').length).toBe(sets);
  for (const id of ids) {
    const ended = await h.request(id);
    expect(ended.status).toBe('expired');
    expect(ended.result?.drift).toBeUndefined();
    const actions = (await h.runwarden.deps.store.events(id)).map((e) => e.action);
    expect(actions.filter((a) => a === 'expired' || a === 'drift_detected')).toEqual(['expired']);
  }
});

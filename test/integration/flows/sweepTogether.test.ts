/**
 * Sweep speed (issue 20 §4): a service's due grants end together — their
 * claims in ONE Firestore transaction (each claim also records the removal
 * about to be written, so no lease renewal comes between it and the
 * SetIamPolicy), their bindings in ONE IAM read-modify-write, their ends in
 * ONE transaction — and the Slack messages the endings owe are sent after
 * every due grant has ended, by the run's outbox pass. Each request keeps its
 * own audit trail. A binding someone removed before the first attempt is
 * still drift (the claim's planned removal is not evidence of an earlier one);
 * a batch that cannot be recorded leaves its requests claimed, and the next
 * sweep after the leases finishes them without calling that drift.
 */
import { titleFor } from '../../../src/domain/iamCondition';
import type { TransitionOutcome } from '../../../src/domain/stateMachine';
import type { RequestStore } from '../../../src/ports';
import { service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(240_000);

const TOGETHER = service('together');
/** every committed transaction, in commit order: `one` (transact) or `each` (transactEach) and what it committed */
const committed: Array<{ how: 'one' | 'each'; items: Array<{ id: string; action: string }> }> = [];
const actionOf = (outcome: Extract<TransitionOutcome, { ok: true }>) => (outcome.unaudited ? 'outbox' : outcome.event.action);
/** when set: how many more transactEach calls go through before `times` of them fail without committing anything */
let failEach: { after: number; times: number } | undefined;

function recording(store: RequestStore): RequestStore {
  return {
    ...store,
    async transact(id, decide) {
      const outcome = await store.transact(id, decide);
      if (outcome.ok) committed.push({ how: 'one', items: [{ id, action: actionOf(outcome) }] });
      return outcome;
    },
    async transactEach(ids, decide) {
      if (failEach && failEach.after-- <= 0) {
        if (--failEach.times <= 0) failEach = undefined;
        throw new Error('injected: Firestore did not commit the batch');
      }
      const outcomes = await store.transactEach(ids, decide);
      const items = [...outcomes].flatMap(([id, outcome]) => (outcome.ok ? [{ id, action: actionOf(outcome) }] : []));
      if (items.length > 0) committed.push({ how: 'each', items });
      return outcomes;
    },
  };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ wrapStore: recording });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: TOGETHER, bindings: [{ role: 'roles/run.admin', members: ['group:admins@acme.example'] }] });
});

/** distinct (member, role) pairs: a second grant of the same role to the same member would be answered with the first */
const ASKERS = ['U0ALICE', 'U0CAROL', 'U0DAVE', 'U0ERIN'];
let asked = 0;
async function grant(text: string): Promise<string> {
  const n = asked++;
  const id = await h.submit(
    ASKERS[n % ASKERS.length] ?? 'U0ALICE',
    `invoker together 10m ${text}${n >= ASKERS.length ? ' --role roles/run.viewer' : ''}`,
  );
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  // the approval's own messages delivered: what the sweep commits after this is the sweep's
  await h.waitForRequest(id, (r) => (r.outbox ?? []).length === 0);
  return id;
}
const ours = () => h.emulator.policy(TOGETHER).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
const of = (ids: readonly string[], from: number) =>
  committed.slice(from).flatMap((c) => c.items.filter((i) => ids.includes(i.id)).map((i) => ({ how: c.how, ...i })));

it('ends five grants of a service in one claim transaction, one SetIamPolicy and one record transaction; messages after', async () => {
  const ids: string[] = [];
  for (const n of ['one', 'two', 'three', 'four', 'five']) ids.push(await grant(n));
  h.clock.advance(601);
  const asker = (i: number) => ASKERS[i % ASKERS.length] ?? '';
  const dmsBefore = new Map(ids.map((id, i) => [id, h.slack.dms(asker(i)).length]));
  const from = committed.length;
  let atWrite: Array<{ how: string; action: string }> | undefined;
  h.emulator.beforeSetIamPolicy(() => (atWrite = of(ids, from).map(({ how, action }) => ({ how, action }))), {
    times: 1,
    resource: TOGETHER,
  });

  const sweep = await h.sweep();

  expect(sweep.status).toBe(200);
  expect(sweep.body).toMatchObject({ expired: 5, errors: 0, deferred: 0 });
  // before the one write: one transaction holding the five claims, nothing else
  expect(atWrite).toEqual(ids.map(() => ({ how: 'each', action: 'revert_started' })));
  const batches = committed.slice(from).filter((c) => c.items.some((i) => ids.includes(i.id)));
  expect(batches[0]?.items.map((i) => i.action).sort()).toEqual(ids.map(() => 'revert_started'));
  expect(batches[1]?.items.map((i) => i.action).sort()).toEqual(ids.map(() => 'expired'));
  expect(batches[1]?.how).toBe('each');
  // the messages come after every grant has ended: no delivery committed before the record transaction
  const firstDelivery = committed.slice(from).findIndex((c) => c.items.some((i) => ids.includes(i.id) && i.action !== 'revert_started'));
  expect(committed[from + firstDelivery]?.items.map((i) => i.action).sort()).toEqual(ids.map(() => 'expired'));
  expect(ours()).toHaveLength(0);
  for (const [i, id] of ids.entries()) {
    const ended = await h.request(id);
    expect(ended.status).toBe('expired');
    expect(ended.result?.drift).toBeUndefined();
    // its own trail: the claim, the planned write as bookkeeping, the end
    const actions = (await h.runwarden.deps.store.events(id)).map((e) => e.action);
    const tail = actions.slice(actions.indexOf('revert_started'));
    expect(tail.slice(0, 3)).toEqual(['revert_started', 'google_write', 'expired']);
    // the requester was told, by the outbox pass of the same run
    expect(h.slack.dms(asker(i)).length).toBeGreaterThan(dmsBefore.get(id) ?? 0);
    expect(ended.outbox ?? []).toEqual([]);
  }
});

it('a binding someone removed before the first attempt is drift, although the claim recorded the removal', async () => {
  const id = await grant('removed by hand');
  const title = titleFor(id);
  h.emulator.foreignSetBindings(
    TOGETHER,
    h.emulator.policy(TOGETHER).bindings.filter((b) => b.condition?.title !== title),
  );
  h.clock.advance(601);

  const sweep = await h.sweep();

  expect(sweep.body).toMatchObject({ drifted: 1, expired: 0, errors: 0 });
  const ended = await h.request(id);
  expect(ended.status).toBe('expired');
  expect(ended.result?.drift).toBe('absent');
});

it('a batch whose end cannot be recorded stays claimed; the sweep after the leases ends each once, not as drift', async () => {
  const ids = [await grant('unrecorded one'), await grant('unrecorded two')];
  h.clock.advance(601);
  failEach = { after: 1, times: 3 }; // the claims commit; the record of the ends does not, together nor each alone

  const first = await h.sweep();

  // the bindings came off, but their ends were not recorded: both still active under the failed run's leases
  expect(first.body).toMatchObject({ errors: 2 });
  expect(ours()).toHaveLength(0);
  for (const id of ids) expect((await h.request(id)).status).toBe('active');
  h.clock.advance(301); // the leases (300 s) have run out

  const second = await h.sweep();

  expect(second.body).toMatchObject({ expired: 2, drifted: 0, errors: 0 });
  for (const id of ids) {
    const ended = await h.request(id);
    expect(ended.status).toBe('expired');
    expect(ended.result?.drift).toBeUndefined();
    expect((await h.runwarden.deps.store.events(id)).filter((e) => e.action === 'expired')).toHaveLength(1);
  }
});

/**
 * Approve → binding (issue 20 §5): the click's path commits one Firestore
 * transaction before the SetIamPolicy — the approval, which also records,
 * under the lease it wins, the binding about to be written (issue 16: every
 * later reader takes it as runwarden's own) — and one after it (`applied`).
 * The lease renewal a write otherwise makes right before it is not needed
 * right after a fresh claim; a retried or late write still renews (the
 * faults suites).
 */
import type { TransitionOutcome } from '../../../src/domain/stateMachine';
import { startHarness, service, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

let h: Harness;
/** every committed transaction, in commit order: the request and its event's action (`outbox` for bookkeeping without one) */
const committed: Array<{ id: string; action: string }> = [];
const actionOf = (outcome: Extract<TransitionOutcome, { ok: true }>) => (outcome.unaudited ? 'outbox' : outcome.event.action);

beforeAll(async () => {
  h = await startHarness({
    wrapStore: (store) => ({
      ...store,
      async transact(id, decide) {
        const outcome = await store.transact(id, decide);
        if (outcome.ok) committed.push({ id, action: actionOf(outcome) });
        return outcome;
      },
    }),
  });
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

it('an approval commits one transaction before the binding is written and one after it, the binding recorded in the first', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h one transaction each side');
  const of = () => committed.filter((c) => c.id === id).map((c) => c.action);
  const before = of().length;
  let atWrite: string[] | undefined;
  h.emulator.beforeSetIamPolicy(() => (atWrite = of().slice(before)), { times: 1, resource: service('hello') });

  await h.click('U0BOB', 'approve', id);
  const active = await h.waitForStatus(id, 'active');

  expect(atWrite).toEqual(['approved']);
  expect(of().slice(before, before + 2)).toEqual(['approved', 'applied']);
  // what the approval recorded as being written is exactly the binding written
  const binding = h.emulator.policy(service('hello')).bindings.find((b) => b.condition?.title === `runwarden-${id}`);
  expect(binding?.condition?.expression).toBeDefined();
  expect(active.expiresAt?.toISOString().replace('.000Z', 'Z')).toBe(binding?.condition?.expression.match(/"(.+)"/)?.[1]);
  // and the trail says so, as bookkeeping between the approval and the outcome
  const events = await h.runwarden.deps.store.events(id);
  const actions = events.map((e) => e.action);
  const write = events.find((e) => e.action === 'google_write');
  expect(write).toMatchObject({ category: 'bookkeeping', detail: { call: 'SetIamPolicy', expression: binding?.condition?.expression } });
  expect(actions.indexOf('approved')).toBeLessThan(actions.indexOf('google_write'));
  expect(actions.indexOf('google_write')).toBeLessThan(actions.indexOf('applied'));
  expect(events.filter((e) => e.action === 'google_write')).toHaveLength(1);
});

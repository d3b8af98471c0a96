/**
 * Two instances sweep at once over the same service's due grants, more than
 * one claim transaction takes (MAX_TRANSACT_EACH): their claim transactions
 * contend over the same documents. Each grant is claimed by one of them and
 * ends once, its binding removed, never as drift; what one instance found
 * claimed by the other is skipped, not an error.
 */
import { randomBytes } from 'node:crypto';
import { newRequestId } from '../../../src/domain/requestId';
import { MAX_TRANSACT_EACH } from '../../../src/ports';
import { dueGrant, seedDueGrants } from '../../support/dueGrants';
import { service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(240_000);

const SHARED = service('shared');
let a: Harness;
let b: Harness;
beforeAll(async () => {
  a = await startHarness();
  b = await startHarness({ peer: a });
});
afterAll(async () => {
  for (const h of [a, b]) await (await h.runwarden.useCases()).idle(30_000);
  await b.stop();
  await a.stop();
});

it('two sweeps at once over 150 due grants of one service: each ends once, as expired, by one of them', async () => {
  const now = a.clock.now();
  const requests = Array.from({ length: MAX_TRANSACT_EACH + 50 }, (_, i) =>
    dueGrant({ id: newRequestId((k) => randomBytes(k)), target: SHARED, n: i, reason: 'shared grant', durationSeconds: 600, now }),
  );
  await seedDueGrants(a.emulator, a.runwarden.deps.store, SHARED, requests);

  const [one, two] = await Promise.all([a.sweep(), b.sweep()]);

  const ended = (one?.body.expired ?? 0) + (two?.body.expired ?? 0);
  expect({ ended, drifted: (one?.body.drifted ?? 0) + (two?.body.drifted ?? 0) }).toEqual({ ended: requests.length, drifted: 0 });
  expect((one?.body.errors ?? 0) + (two?.body.errors ?? 0)).toBe(0);
  expect(a.emulator.policy(SHARED).bindings.filter((x) => x.condition?.title.startsWith('runwarden-'))).toHaveLength(0);
  for (const request of requests) {
    const events = await a.runwarden.deps.store.events(request.id);
    expect(events.filter((e) => e.action === 'expired')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'revert_started')).toHaveLength(1);
  }
});

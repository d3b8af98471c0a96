/**
 * The App Home's store reads against the Firestore emulator (issue 9): each is
 * one bounded query — a user's most recent requests in some statuses, newest
 * first; their count by aggregation; the active requests whose extension
 * waits, found by the derived `extensionPending` field that every write keeps
 * current — so a Home publish never reads a user's whole history.
 */
import { Firestore } from '@google-cloud/firestore';
import { createRequestStore } from '../../../src/adapters/firestore/requestStore';
import type { AccessRequest } from '../../../src/domain/request';
import type { RequestStore } from '../../../src/ports';
import { aRequest, inStatus } from '../../fixtures/requests';

jest.setTimeout(120_000);

let firestore: Firestore;
let store: RequestStore;

beforeAll(() => {
  firestore = new Firestore({ projectId: `home-queries-${Date.now()}`, ignoreUndefinedProperties: true });
  store = createRequestStore({ firestore });
});
afterAll(async () => {
  await firestore.terminate();
});

const minute = (n: number): Date => new Date(Date.UTC(2026, 10, 22, 12, n));
const seeded = (request: AccessRequest) =>
  store.create(request, { at: request.createdAt, actor: request.requester, action: 'submitted', detail: {} });

it('reads a user’s most recent requests in some statuses, newest first and no more than asked, and counts them all', async () => {
  const mine = Array.from({ length: 15 }, (_, i) =>
    inStatus(
      aRequest({ id: `home${String(i).padStart(2, '0')}act`, createdAt: minute(i), updatedAt: minute(i) }),
      i % 3 === 0 ? 'pending' : 'active',
    ),
  );
  const finished = Array.from({ length: 4 }, (_, i) =>
    inStatus(aRequest({ id: `home${i}done`, createdAt: minute(i), updatedAt: minute(40 - i) }), 'expired'),
  );
  const someoneElse = inStatus(aRequest({ id: 'homebobact', requester: 'U0BOB', createdAt: minute(59) }), 'active');
  for (const request of [...mine, ...finished, someoneElse]) await seeded(request);

  const active = await store.recentByRequester({ requester: 'U0ALICE', statuses: ['active'], orderBy: 'createdAt', limit: 4 });
  expect(active.requests.map((r) => r.id)).toEqual(['home14act', 'home13act', 'home11act', 'home10act']);
  expect(await store.countByRequester('U0ALICE', ['active'])).toBe(10);
  expect(await store.countByRequester('U0ALICE', ['pending', 'approved'])).toBe(5);

  const history = await store.recentByRequester({ requester: 'U0ALICE', statuses: ['expired', 'revoked'], orderBy: 'updatedAt', limit: 3 });
  expect(history.requests.map((r) => r.id)).toEqual(['home0done', 'home1done', 'home2done']);
  expect(await store.recentByRequester({ requester: 'U0ALICE', statuses: [], orderBy: 'createdAt', limit: 3 })).toEqual({
    requests: [],
    malformed: [],
  });
});

it('finds active requests whose extension waits, and forgets them once it is decided', async () => {
  const extension = { n: 1, duration: '1h', durationSeconds: 3600, reason: 'more time', approvals: [], requestedAt: minute(5) };
  const waiting = inStatus(aRequest({ id: 'extwaiting', extensions: [{ ...extension, status: 'pending' }] }), 'active');
  const applied = inStatus(aRequest({ id: 'extapplied', extensions: [{ ...extension, status: 'applied' }] }), 'active');
  const plain = inStatus(aRequest({ id: 'extnothing' }), 'active');
  for (const request of [waiting, applied, plain]) await seeded(request);

  expect((await store.listPendingExtensions(10)).requests.map((r) => r.id)).toEqual(['extwaiting']);
  expect((await firestore.collection('requests').doc('extwaiting').get()).get('extensionPending')).toBe(true);
  expect((await store.get('extwaiting'))?.extensions?.[0]?.status).toBe('pending'); // the derived field is never read back

  const denied = await store.transact('extwaiting', (current) => ({
    ok: true,
    next: { ...current, extensions: [{ ...extension, status: 'denied' }] },
    event: { at: minute(6), actor: 'U0BOB', action: 'extension_denied', detail: {} },
    effects: [],
  }));
  expect(denied.ok).toBe(true);
  expect((await store.listPendingExtensions(10)).requests).toEqual([]);
});

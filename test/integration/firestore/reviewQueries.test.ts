/**
 * The break-glass review list against the Firestore emulator (issue 20 §7): a
 * bounded, indexed read of the requests awaiting review, found by the derived
 * `reviewDue` field that every write keeps current (present only while the
 * request awaits review), in pages — never every break-glass request ever
 * made. Documents written before the field existed are given it by a
 * one-time pass in bounded steps (markReviewDue, run by the sweep); until the
 * pass is done, the list reads the old way so none of them is missed.
 */
import { FieldValue, Firestore } from '@google-cloud/firestore';
import { createRequestStore } from '../../../src/adapters/firestore/requestStore';
import type { AccessRequest } from '../../../src/domain/request';
import type { PageCursor, RequestStore } from '../../../src/ports';
import { aRequest, inStatus } from '../../fixtures/requests';

jest.setTimeout(120_000);

const minute = (n: number): Date => new Date(Date.UTC(2026, 10, 22, 12, n));
const glass = (id: string, status: AccessRequest['status'], reviewed = false): AccessRequest =>
  inStatus(
    aRequest({
      id,
      breakGlass: true,
      createdAt: minute(1),
      ...(reviewed ? { reviewedBy: 'U0BOB', reviewedAt: minute(30) } : {}),
    }),
    status,
  );

const open: Firestore[] = [];
function freshStore(name: string): { firestore: Firestore; store: RequestStore } {
  const firestore = new Firestore({ projectId: `review-${name}-${Date.now()}`, ignoreUndefinedProperties: true });
  open.push(firestore);
  return { firestore, store: createRequestStore({ firestore }) };
}
afterAll(async () => {
  await Promise.all(open.map((f) => f.terminate()));
});

const seed = (store: RequestStore, request: AccessRequest) =>
  store.create(request, { at: request.createdAt, actor: request.requester, action: 'submitted', detail: {} });

async function everyPage(store: RequestStore, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let after: PageCursor | undefined;
  do {
    const page = await store.listAwaitingReview({ limit, after });
    pages.push(page.requests.map((r) => r.id));
    after = page.next;
  } while (after);
  return pages;
}

async function passToTheEnd(store: RequestStore, limit: number): Promise<{ steps: number; marked: number }> {
  let steps = 0;
  let marked = 0;
  for (;;) {
    const step = await store.markReviewDue(limit);
    steps += 1;
    marked += step.marked;
    if (step.done) return { steps, marked };
    if (steps > 50) throw new Error('the pass never finished');
  }
}

it('keeps reviewDue on a break-glass request exactly while it awaits review', async () => {
  const { firestore, store } = freshStore('field');
  await seed(store, glass('glassfield', 'active'));
  await seed(store, inStatus(aRequest({ id: 'plainfield' }), 'active'));
  const raw = (id: string) => firestore.collection('requests').doc(id).get();

  expect((await raw('glassfield')).get('reviewDue')).toBe(true);
  expect((await raw('plainfield')).get('reviewDue')).toBeUndefined();
  expect((await store.get('glassfield'))?.breakGlass).toBe(true); // the derived field is never read back

  const reviewed = await store.transact('glassfield', (current) => ({
    ok: true,
    next: { ...current, reviewedBy: 'U0BOB', reviewedAt: minute(30) },
    event: { at: minute(30), actor: 'U0BOB', action: 'reviewed', detail: {} },
    effects: [],
  }));
  expect(reviewed.ok).toBe(true);
  expect((await raw('glassfield')).data()).not.toHaveProperty('reviewDue');
});

it('reads what awaits review in bounded pages in id order, never a reviewed request', async () => {
  const { store } = freshStore('pages');
  for (const [id, status, reviewed] of [
    ['glass01', 'active', false],
    ['glass02', 'expired', true],
    ['glass03', 'expired', false],
    ['glass04', 'revoked', true],
    ['glass05', 'active', false],
    ['glass06', 'active', true],
    ['glass07', 'failed', false],
    ['glass08', 'active', false],
  ] as const)
    await seed(store, glass(id, status, reviewed));
  await seed(store, inStatus(aRequest({ id: 'plain01' }), 'active'));
  // a fresh database: nothing to pass over
  expect(await passToTheEnd(store, 200)).toEqual({ steps: 1, marked: 0 });

  expect(await everyPage(store, 2)).toEqual([['glass01', 'glass03'], ['glass05', 'glass07'], ['glass08']]);
  expect(await everyPage(store, 10)).toEqual([['glass01', 'glass03', 'glass05', 'glass07', 'glass08']]);
});

it('gives documents written before reviewDue their field in bounded steps, and misses none meanwhile', async () => {
  const { firestore, store } = freshStore('legacy');
  const ids = ['old01', 'old02', 'old03', 'old04', 'old05'];
  for (const [i, id] of ids.entries()) await seed(store, glass(id, i % 2 === 0 ? 'active' : 'expired', i === 1));
  await seed(store, glass('new01', 'active'));
  // as an older runwarden wrote them: no reviewDue field
  for (const id of ids) await firestore.collection('requests').doc(id).update({ reviewDue: FieldValue.delete() });

  // before the pass: the old read, one page, nothing missed
  const before = await store.listAwaitingReview({ limit: 2 });
  expect(before.requests.map((r) => r.id).sort()).toEqual(['new01', 'old01', 'old03', 'old04', 'old05']);
  expect(before.next).toBeUndefined();

  // the pass, two documents at a time: 6 break-glass documents → 3 full steps and the one that finds the end
  const first = await store.markReviewDue(2);
  expect(first).toEqual({ done: false, marked: 1 }); // old01 (old02 was reviewed)
  expect(await passToTheEnd(store, 2)).toEqual({ steps: 3, marked: 3 }); // old03, old04, old05; new01 had it
  expect((await firestore.collection('requests').doc('old02').get()).data()).not.toHaveProperty('reviewDue');
  expect((await firestore.collection('migrations').doc('reviewDue').get()).get('done')).toBe(true);

  expect(await everyPage(store, 2)).toEqual([['new01', 'old01'], ['old03', 'old04'], ['old05']]);
  // another process sees the pass done
  const other = createRequestStore({ firestore });
  expect(await other.markReviewDue(2)).toEqual({ done: true, marked: 0 });
  expect((await other.listAwaitingReview({ limit: 10 })).requests.map((r) => r.id)).toEqual(['new01', 'old01', 'old03', 'old04', 'old05']);
});

/**
 * A RequestStore decorator that counts calls by method, for the benchmarks.
 * Each `transact` / `create` is one Firestore transaction (a read with a new
 * transaction, then a commit); `get` is one document read; `events` and the
 * listings are one query each.
 */
import type { RequestStore } from '../src/ports';

export type StoreCounts = Record<keyof RequestStore, number>;

export function emptyStoreCounts(): StoreCounts {
  return {
    create: 0,
    get: 0,
    events: 0,
    transact: 0,
    transactEach: 0,
    listByStatus: 0,
    listByRequester: 0,
    listAwaitingReview: 0,
    markReviewDue: 0,
    page: 0,
    count: 0,
    recentByRequester: 0,
    countByRequester: 0,
    listPendingExtensions: 0,
    listOutboxDue: 0,
  };
}

export function countingStore(store: RequestStore, counts: StoreCounts): RequestStore {
  return {
    create: (...args) => ((counts.create += 1), store.create(...args)),
    get: (...args) => ((counts.get += 1), store.get(...args)),
    events: (...args) => ((counts.events += 1), store.events(...args)),
    transact: (...args) => ((counts.transact += 1), store.transact(...args)),
    transactEach: (...args) => ((counts.transactEach += 1), store.transactEach(...args)),
    listByStatus: (...args) => ((counts.listByStatus += 1), store.listByStatus(...args)),
    listByRequester: (...args) => ((counts.listByRequester += 1), store.listByRequester(...args)),
    listAwaitingReview: (...args) => ((counts.listAwaitingReview += 1), store.listAwaitingReview(...args)),
    markReviewDue: (...args) => ((counts.markReviewDue += 1), store.markReviewDue(...args)),
    page: (...args) => ((counts.page += 1), store.page(...args)),
    count: (...args) => ((counts.count += 1), store.count(...args)),
    listOutboxDue: (...args) => ((counts.listOutboxDue += 1), store.listOutboxDue(...args)),
    recentByRequester: (...args) => ((counts.recentByRequester += 1), store.recentByRequester(...args)),
    countByRequester: (...args) => ((counts.countByRequester += 1), store.countByRequester(...args)),
    listPendingExtensions: (...args) => ((counts.listPendingExtensions += 1), store.listPendingExtensions(...args)),
  };
}

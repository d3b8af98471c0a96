/**
 * Every Firestore call with a deadline. The Firestore client retries
 * UNAVAILABLE for minutes; a slash command must not wait that long. Past the
 * deadline the call is abandoned with runwarden_database_unavailable, whose
 * text tells the person nothing was changed. (A transaction whose commit was
 * already on the wire may still land; it is then a complete, audited
 * transition like any other, and the sweep carries on from it.)
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import type { RequestStore } from '../../ports';

export const DATABASE_UNAVAILABLE = 'runwarden cannot reach its database; nothing was changed — try again.';

function bounded<T>(what: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new WardenError(ErrorCode.DatabaseUnavailable, DATABASE_UNAVAILABLE, `Firestore ${what} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const pending = call();
  pending.catch(() => undefined); // an abandoned call may still fail later: that is not an unhandled rejection
  return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
}

/** Wraps a RequestStore so that each of its calls fails after `timeoutMs` (milliseconds). */
export function createBoundedStore(store: RequestStore, timeoutMs: number): RequestStore {
  return {
    create: (request, event) => bounded('create', timeoutMs, () => store.create(request, event)),
    get: (id) => bounded('get', timeoutMs, () => store.get(id)),
    events: (id) => bounded('events', timeoutMs, () => store.events(id)),
    transact: (id, decide) => bounded('transaction', timeoutMs, () => store.transact(id, decide)),
    listByStatus: (statuses) => bounded('query', timeoutMs, () => store.listByStatus(statuses)),
    listByRequester: (requester, statuses) => bounded('query', timeoutMs, () => store.listByRequester(requester, statuses)),
    listAwaitingReview: () => bounded('query', timeoutMs, () => store.listAwaitingReview()),
    page: (query) => bounded('query', timeoutMs, () => store.page(query)),
    count: (query) => bounded('count query', timeoutMs, () => store.count(query)),
    listOutboxDue: (now, after) => bounded('query', timeoutMs, () => store.listOutboxDue(now, after)),
    recentByRequester: (query) => bounded('query', timeoutMs, () => store.recentByRequester(query)),
    countByRequester: (requester, statuses) => bounded('count query', timeoutMs, () => store.countByRequester(requester, statuses)),
    listPendingExtensions: (limit) => bounded('query', timeoutMs, () => store.listPendingExtensions(limit)),
  };
}

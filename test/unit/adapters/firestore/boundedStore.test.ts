/**
 * Every Firestore call has a deadline (issue 7 §6): a store that never
 * answers — as Firestore does while it retries UNAVAILABLE for minutes — is
 * abandoned after the deadline with runwarden_database_unavailable and the
 * sentence the person sees; a store that answers in time is unchanged.
 */
import { createBoundedStore, DATABASE_UNAVAILABLE } from '../../../../src/adapters/firestore/boundedStore';
import { ErrorCode, WardenError } from '../../../../src/domain/errors';
import type { RequestStore } from '../../../../src/ports';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const silent: RequestStore = {
  create: () => never(),
  get: () => never(),
  events: () => never(),
  transact: () => never(),
  listByStatus: () => never(),
  listByRequester: () => never(),
  listAwaitingReview: () => never(),
  page: () => never(),
  count: () => never(),
  listOutboxDue: () => never(),
  recentByRequester: () => never(),
  countByRequester: () => never(),
  listPendingExtensions: () => never(),
};

describe('createBoundedStore', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it.each([
    ['get', (s: RequestStore) => s.get('23456789ab')],
    ['events', (s: RequestStore) => s.events('23456789ab')],
    ['transaction', (s: RequestStore) => s.transact('23456789ab', () => ({ ok: false, error: new WardenError(ErrorCode.Unknown, 'x') }))],
    ['query', (s: RequestStore) => s.listByStatus(['active'])],
    ['query by requester', (s: RequestStore) => s.listByRequester('U0ALICE', ['active'])],
    ['page of a query', (s: RequestStore) => s.page({ status: 'active', orderBy: 'expiresAt', dueBy: new Date(0), limit: 200 })],
    ['count query', (s: RequestStore) => s.count({ status: 'pending', orderBy: 'createdAt' })],
    ['recent requests of a user', (s: RequestStore) => s.recentByRequester({ requester: 'U0ALICE', statuses: ['active'], orderBy: 'createdAt', limit: 12 })],
    ['count of a user’s requests', (s: RequestStore) => s.countByRequester('U0ALICE', ['pending', 'approved'])],
    ['query of pending extensions', (s: RequestStore) => s.listPendingExtensions(200)],
  ])('abandons a %s that does not answer with runwarden_database_unavailable', async (_what, call) => {
    const pending = call(createBoundedStore(silent, 2_000)).then(
      () => undefined,
      (error: unknown) => error,
    );
    jest.advanceTimersByTime(2_000);
    const error = await pending;
    expect(error).toBeInstanceOf(WardenError);
    expect((error as WardenError).code).toBe(ErrorCode.DatabaseUnavailable);
    expect((error as WardenError).userMessage).toBe(DATABASE_UNAVAILABLE);
    expect(DATABASE_UNAVAILABLE).toBe('runwarden cannot reach its database; nothing was changed — try again.');
  });

  it('passes answers and errors through when the store answers in time', async () => {
    const answering: RequestStore = { ...silent, get: async () => undefined, events: async () => Promise.reject(new Error('boom')) };
    const bounded = createBoundedStore(answering, 2_000);
    await expect(bounded.get('23456789ab')).resolves.toBeUndefined();
    await expect(bounded.events('23456789ab')).rejects.toThrow('boom');
  });
});

/**
 * Every Firestore call has a deadline (issue 7 §6): a store that never
 * answers — as Firestore does while it retries UNAVAILABLE for minutes — is
 * abandoned after the deadline with runwarden_database_unavailable and the
 * sentence the person sees; a store that answers in time is unchanged.
 */
import { boundPort, createBoundedStore, DATABASE_UNAVAILABLE } from '../../../../src/adapters/firestore/boundedStore';
import { ErrorCode, WardenError } from '../../../../src/domain/errors';
import type { DeliveryLedger, RequestStore } from '../../../../src/ports';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const silent: RequestStore = {
  create: () => never(),
  get: () => never(),
  events: () => never(),
  transact: () => never(),
  transactEach: () => never(),
  listByStatus: () => never(),
  listByRequester: () => never(),
  listAwaitingReview: () => never(),
  markReviewDue: () => never(),
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
    [
      'recent requests of a user',
      (s: RequestStore) => s.recentByRequester({ requester: 'U0ALICE', statuses: ['active'], orderBy: 'createdAt', limit: 12 }),
    ],
    ['count of a user’s requests', (s: RequestStore) => s.countByRequester('U0ALICE', ['pending', 'approved'])],
    ['query of pending extensions', (s: RequestStore) => s.listPendingExtensions(200)],
    ['page of the review list', (s: RequestStore) => s.listAwaitingReview({ limit: 200 })],
    ['step of the review pass', (s: RequestStore) => s.markReviewDue(200)],
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

describe('boundPort (every Firestore-backed port: the delivery ledger, the findings)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('abandons a delivery-ledger claim that does not answer, naming the port and method for the operator', async () => {
    const ledger: DeliveryLedger = { claim: () => never(), record: () => never(), reply: () => never() };
    const pending = boundPort(ledger, 'deliveries', 10_000)
      .claim('trigger-1', new Date())
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    jest.advanceTimersByTime(10_000);
    const error = (await pending) as WardenError;
    expect(error.code).toBe(ErrorCode.DatabaseUnavailable);
    expect(error.userMessage).toBe(DATABASE_UNAVAILABLE);
    expect(error.operatorMessage).toBe('Firestore deliveries.claim did not answer within 10000 ms');
  });

  it('passes a ledger’s answers through, with `this` kept', async () => {
    const ledger = {
      first: true,
      async claim() {
        return { first: this.first };
      },
      record: async () => undefined,
      reply: async () => ({ text: 'ok' }),
    };
    const bounded = boundPort(ledger as unknown as DeliveryLedger, 'deliveries', 10_000);
    await expect(bounded.claim('k', new Date())).resolves.toEqual({ first: true });
    await expect(bounded.reply('k')).resolves.toEqual({ text: 'ok' });
  });
});

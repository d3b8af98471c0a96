/**
 * Firestore implementation of RequestStore: collection `requests`, audit
 * trail in `requests/{id}/events` (SPEC §7). Every change runs in a
 * transaction that re-reads the document, asks the state machine, then writes
 * the next state and creates the next event document. Event ids are a
 * per-request sequence and are written with create(), so an event is never
 * rewritten; a refused click's record is created after its (read-only)
 * transaction, under the id of the event it saw plus a random suffix.
 */
import { randomBytes } from 'node:crypto';
import { type DocumentSnapshot, type Firestore, type Query, type QueryDocumentSnapshot, type Transaction } from '@google-cloud/firestore';
import { z } from 'zod';
import { ErrorCode, WardenError, asWardenError } from '../../domain/errors';
import { awaitsReview, categoryOf, type AccessRequest, type AuditEvent, type Status } from '../../domain/request';
import type { TransitionOutcome } from '../../domain/stateMachine';
import { MAX_TRANSACT_EACH, type PageQuery, type RequestListing, type RequestPage, type RequestStore } from '../../ports';
import { eventFromDocument, fromDocument, parseDocument, toDocument } from './requestDocument';
import { QUERY_SHAPES, buildQuery } from './queryShapes';
import { createDocumentTurns } from './documentTurns';

export const REQUESTS = 'requests';
export const EVENTS = 'events';
/** one document per one-time pass over stored documents (its progress) */
export const MIGRATIONS = 'migrations';
const reviewPassState = z.object({ done: z.boolean().optional(), after: z.string().nullish() });
/** the latest date Firestore stores (an expiresAt query with no due date reaches every request that has one) */
const MAX_DATE = new Date('9999-12-31T23:59:59.999Z');

function eventId(sequence: number): string {
  return String(sequence).padStart(6, '0');
}

export function createRequestStore(deps: { firestore: Firestore }): RequestStore {
  const { firestore } = deps;
  const requests = firestore.collection(REQUESTS);
  /** the one-time pass writing reviewDue on documents written before it: { done, after (the last document id seen) } */
  const reviewPass = firestore.collection(MIGRATIONS).doc('reviewDue');
  /** this process's transactions on a request document, one at a time (documentTurns.ts) */
  const inTurn = createDocumentTurns();
  /** once the pass is seen done it stays done (nothing ever undoes it): cached for the process */
  let passDone = false;

  async function reviewPassDone(): Promise<boolean> {
    if (passDone) return true;
    const state = reviewPassState.safeParse((await reviewPass.get()).data() ?? {});
    passDone = state.success && state.data.done === true;
    return passDone;
  }

  function appendEvent(tx: Transaction, id: string, sequence: number, event: AuditEvent): void {
    tx.create(requests.doc(id).collection(EVENTS).doc(eventId(sequence)), { ...event, category: categoryOf(event) });
  }

  /** `decide` on a document read in a transaction; `seen`: the last event id the document had. */
  function decideOn(
    snapshot: DocumentSnapshot,
    decide: (current: AccessRequest) => TransitionOutcome,
  ): { outcome: TransitionOutcome; seen: number } {
    if (!snapshot.exists) {
      return { outcome: { ok: false, error: new WardenError(ErrorCode.NotFound, `There is no request \`${snapshot.id}\`.`) }, seen: 0 };
    }
    const data = snapshot.data();
    const current = fromDocument(snapshot.id, data);
    return { outcome: decide(current), seen: typeof data?.eventCount === 'number' ? data.eventCount : 0 };
  }

  /** Writes what a transition decided (nothing for a refusal): the document and its audit events after `seen`. */
  function writeOutcome(tx: Transaction, id: string, seen: number, outcome: TransitionOutcome): void {
    const ref = requests.doc(id);
    let sequence = seen + 1;
    if (outcome.ok && outcome.unaudited) {
      // outbox bookkeeping: the document changes, the audit trail does not
      tx.set(ref, { ...toDocument(outcome.next), eventCount: sequence - 1 });
    } else if (outcome.ok) {
      for (const event of outcome.also ?? []) {
        appendEvent(tx, id, sequence, event);
        sequence += 1;
      }
      const then = outcome.then ?? [];
      tx.set(ref, { ...toDocument(outcome.next), eventCount: sequence + then.length });
      appendEvent(tx, id, sequence, outcome.event);
      for (const event of then) {
        sequence += 1;
        appendEvent(tx, id, sequence, event);
      }
    }
  }

  /**
   * A refusal changes nothing, so it is recorded without writing the request document: a crowd of
   * refused clicks never contends with each other or with the request's real transitions. Its id
   * sorts right after the event the refusal saw (`000007-r<ms>…` between 000007 and 000008).
   */
  async function fileRefusal(id: string, seen: number, outcome: TransitionOutcome): Promise<void> {
    if (outcome.ok || !outcome.record) return;
    // refusals that saw the same event sort among themselves by their time (then at random)
    const at = String(outcome.record.at.getTime()).padStart(15, '0');
    await requests
      .doc(id)
      .collection(EVENTS)
      .doc(`${eventId(seen)}-r${at}${randomBytes(4).toString('hex')}`)
      .create({ ...outcome.record });
  }

  return {
    async create(request, event) {
      await firestore.runTransaction(async (tx) => {
        const ref = requests.doc(request.id);
        tx.create(ref, { ...toDocument(request), eventCount: 1 });
        appendEvent(tx, request.id, 1, event);
      });
    },

    async get(id) {
      const snapshot = await requests.doc(id).get();
      return snapshot.exists ? fromDocument(id, snapshot.data()) : undefined;
    },

    async events(id) {
      const snapshot = await buildQuery(requests.doc(id).collection(EVENTS), 'eventsInOrder', []).get();
      // In id order, then by time: a refusal is filed after its read-only transaction, next to the event it
      // saw, and may have been decided a moment after a transition that committed later (stable sort).
      return snapshot.docs.map((doc) => eventFromDocument(doc.data())).sort((a, b) => a.at.getTime() - b.at.getTime());
    },

    async transact(id, decide) {
      // the last event id the committed attempt saw: a refusal's record is filed after it
      let seen = 0;
      const outcome = await inTurn([id], () =>
        firestore.runTransaction(async (tx): Promise<TransitionOutcome> => {
          const snapshot = await tx.get(requests.doc(id));
          const decided = decideOn(snapshot, decide);
          seen = decided.seen;
          writeOutcome(tx, id, seen, decided.outcome);
          return decided.outcome;
        }),
      );
      await fileRefusal(id, seen, outcome);
      return outcome;
    },

    async transactEach(ids, decide) {
      if (ids.length > MAX_TRANSACT_EACH) {
        throw new WardenError(
          ErrorCode.Unknown,
          'Something went wrong inside runwarden; the operators have the details in the logs.',
          `transactEach takes at most ${MAX_TRANSACT_EACH} requests, not ${ids.length}`,
        );
      }
      const unique = [...new Set(ids)];
      let seen = new Map<string, number>();
      const outcomes = await inTurn(unique, () =>
        firestore.runTransaction(async (tx) => {
          seen = new Map();
          const decided = new Map<string, TransitionOutcome>();
          if (unique.length === 0) return decided;
          // one read of them all (BatchGetDocuments in the transaction), then every write in the one commit
          const snapshots = await tx.getAll(...unique.map((id) => requests.doc(id)));
          snapshots.forEach((snapshot, i) => {
            const id = unique[i] as string;
            let one: { outcome: TransitionOutcome; seen: number };
            try {
              one = decideOn(snapshot, decide);
            } catch (error) {
              // a document that no longer validates is refused alone; the others go on
              one = { outcome: { ok: false, error: asWardenError(error) }, seen: 0 };
            }
            seen.set(id, one.seen);
            decided.set(id, one.outcome);
            writeOutcome(tx, id, one.seen, one.outcome);
          });
          return decided;
        }),
      );
      await Promise.all([...outcomes].map(([id, outcome]) => fileRefusal(id, seen.get(id) ?? 0, outcome)));
      return outcomes;
    },

    async listByStatus(statuses) {
      return query(statuses, undefined);
    },

    async listByRequester(requester, statuses) {
      return query(statuses, requester);
    },

    async listOutboxDue(now, after) {
      // One single-field inequality (no composite index); documents with an empty outbox have no outboxDueAt.
      const snapshot = await buildQuery(requests, 'requestsOutboxDue', [now], { after: after && [after.value, after.id] }).get();
      const page = pageOf(snapshot.docs);
      const last = snapshot.docs[snapshot.docs.length - 1];
      // the raw value, so that a malformed document moves the cursor on too
      if (last && snapshot.size === QUERY_SHAPES.requestsOutboxDue.limit)
        page.next = { value: last.get('outboxDueAt') as unknown, id: last.id };
      return page;
    },

    async listAwaitingReview({ limit, after }) {
      if (!(await reviewPassDone())) {
        // Documents written before reviewDue may lack it: the old way (every break-glass request), until the pass is done.
        return collect((await buildQuery(requests, 'requestsBreakGlass', [true]).get()).docs, awaitsReview);
      }
      // One equality filter in document-id order: the single-field index serves it (no composite index).
      const snapshot = await buildQuery(requests, 'requestsReviewDue', [true], { after: after && [after.id], limit }).get();
      const page = pageOf(snapshot.docs);
      // every write keeps the field in step; a document that says otherwise is not trusted to await review
      page.requests = page.requests.filter(awaitsReview);
      const last = snapshot.docs[snapshot.docs.length - 1];
      if (last && snapshot.size === limit) page.next = { value: last.id, id: last.id };
      return page;
    },

    async markReviewDue(limit) {
      if (await reviewPassDone()) return { done: true, marked: 0 };
      // One transaction per step: the page read, the fields written and the pass's cursor commit together, and a
      // transition of one of these requests meanwhile makes Firestore run the step again on what it wrote.
      const step = await firestore.runTransaction(async (tx) => {
        const state = reviewPassState.safeParse((await tx.get(reviewPass)).data() ?? {});
        const from = state.success ? state.data : {};
        if (from.done === true) return { done: true, marked: 0 };
        const query = buildQuery(requests, 'requestsBreakGlass', [true], { after: from.after ? [from.after] : undefined, limit });
        const snapshot = await tx.get(query);
        let marked = 0;
        for (const doc of snapshot.docs) {
          if (doc.get('reviewDue') === true) continue;
          const parsed = parseDocument(doc.id, doc.data());
          // a malformed document is named by the sweep's other reads; it is not guessed at here
          if (parsed.ok && awaitsReview(parsed.request)) {
            tx.update(doc.ref, { reviewDue: true });
            marked += 1;
          }
        }
        const done = snapshot.size < limit;
        tx.set(reviewPass, { done, after: snapshot.docs[snapshot.docs.length - 1]?.id ?? from.after ?? null });
        return { done, marked };
      });
      if (step.done) passDone = true;
      return step;
    },

    async page(shape) {
      const snapshot = await pageQuery(shape, shape.limit).get();
      const page = pageOf(snapshot.docs);
      const last = snapshot.docs[snapshot.docs.length - 1];
      // the raw sort value, so that a malformed document moves the cursor on too
      if (last && snapshot.size === shape.limit)
        page.next = { value: shape.orderBy === 'id' ? last.id : (last.get(shape.orderBy) as unknown), id: last.id };
      return page;
    },

    async count(shape) {
      const snapshot = await pageQuery(shape, undefined).count().get();
      return snapshot.data().count;
    },

    async recentByRequester({ requester, statuses, orderBy, limit }) {
      if (statuses.length === 0) return { requests: [], malformed: [] };
      const name = orderBy === 'createdAt' ? 'requestsOfRequesterByCreated' : 'requestsOfRequesterByUpdated';
      return pageOf((await buildQuery(requests, name, [requester, [...statuses]], { limit }).get()).docs);
    },

    async countByRequester(requester, statuses) {
      if (statuses.length === 0) return 0;
      const snapshot = await buildQuery(requests, 'requestsOfRequesterInStatuses', [requester, [...statuses]])
        .count()
        .get();
      return snapshot.data().count;
    },

    async listPendingExtensions(limit) {
      return pageOf((await buildQuery(requests, 'requestsWithPendingExtension', ['active', true], { limit }).get()).docs);
    },
  };

  /** status == (and target ==), optionally expiresAt <=, ordered by the field then the id: shapes in queryShapes.ts, composite index (status, [target,] orderBy). */
  function pageQuery({ status, orderBy, dueBy, target, after }: Omit<PageQuery, 'limit'>, limit: number | undefined): Query {
    if (orderBy === 'id') return buildQuery(requests, 'requestsByStatusId', [status], { after: after && [after.id], limit });
    const cursor = after && [after.value, after.id];
    if (orderBy === 'expiresAt' && target !== undefined)
      return buildQuery(requests, 'requestsDueOnTarget', [status, target, dueBy ?? MAX_DATE], { after: cursor, limit });
    if (target !== undefined) throw new Error('target goes with orderBy expiresAt');
    if (orderBy === 'expiresAt') return buildQuery(requests, 'requestsDueByExpiry', [status, dueBy ?? MAX_DATE], { after: cursor, limit });
    if (dueBy) throw new Error('dueBy goes with orderBy expiresAt');
    return buildQuery(requests, orderBy === 'createdAt' ? 'requestsByStatusCreated' : 'requestsByStatusTarget', [status], {
      after: cursor,
      limit,
    });
  }

  async function query(statuses: readonly Status[], requester: string | undefined): Promise<RequestListing> {
    if (statuses.length === 0) return { requests: [], malformed: [] };
    // Shapes in queryShapes.ts (their composite indexes are checked against infra/firestore.tf).
    const q =
      requester === undefined
        ? buildQuery(requests, 'requestsByStatus', [[...statuses]])
        : buildQuery(requests, 'requestsByRequester', [requester]);
    const snapshot = await q.get();
    const wanted = new Set<Status>(statuses);
    return collect(snapshot.docs, (request) => wanted.has(request.status));
  }

  /** The documents in query order, those that do not validate apart. */
  function pageOf(docs: readonly QueryDocumentSnapshot[]): RequestPage {
    const page: RequestPage = { requests: [], malformed: [] };
    for (const doc of docs) {
      const parsed = parseDocument(doc.id, doc.data());
      if (!parsed.ok) page.malformed.push({ id: doc.id, problem: parsed.problem });
      else page.requests.push(parsed.request);
    }
    return page;
  }

  /** The documents that validate and pass `keep`, oldest first; one that does not validate never hides the others. */
  function collect(docs: readonly QueryDocumentSnapshot[], keep: (request: AccessRequest) => boolean): RequestListing {
    const listing: RequestListing = { requests: [], malformed: [] };
    for (const doc of docs) {
      const parsed = parseDocument(doc.id, doc.data());
      if (!parsed.ok) listing.malformed.push({ id: doc.id, problem: parsed.problem });
      else if (keep(parsed.request)) listing.requests.push(parsed.request);
    }
    listing.requests.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return listing;
  }
}

/**
 * Every Firestore query the request store runs, as data: the collection, the
 * filters (field + operator) and the sort order. The store builds its queries
 * only from these shapes (buildQuery), so this list is the complete and
 * machine-readable inventory that test/unit/infra/firestoreIndexes.test.ts
 * checks against the composite indexes declared in infra/firestore.tf:
 * production Firestore refuses a query whose composite index is missing, the
 * emulator does not.
 *
 * To add a query: add its shape here, build it with buildQuery, and declare
 * its google_firestore_index when the test says it needs one.
 */
import type { CollectionReference, Query, WhereFilterOp } from '@google-cloud/firestore';

export interface QueryFilter {
  field: string;
  op: WhereFilterOp;
}

export interface QueryOrder {
  field: string;
  direction: 'asc' | 'desc';
}

export interface QueryShape {
  /** collection id (a subcollection's own id, e.g. "events") */
  collection: string;
  /** COLLECTION (one parent) or COLLECTION_GROUP (every collection with this id) */
  scope: 'COLLECTION' | 'COLLECTION_GROUP';
  filters: readonly QueryFilter[];
  orderBy: readonly QueryOrder[];
  /** a page size (limit), if the query is paged */
  limit?: number | undefined;
}

export const QUERY_SHAPES = {
  /** listByStatus: requests whose status is one of a list */
  requestsByStatus: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [{ field: 'status', op: 'in' }],
    orderBy: [],
  },
  /** listByRequester: one user's requests (statuses filtered in memory) */
  requestsByRequester: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [{ field: 'requester', op: '==' }],
    orderBy: [],
  },
  /** listAwaitingReview: break-glass requests awaiting review (the derived reviewDue field), a page in document-id order */
  requestsReviewDue: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [{ field: 'reviewDue', op: '==' }],
    orderBy: [{ field: '__name__', direction: 'asc' }],
  },
  /**
   * markReviewDue (the one-time pass over documents written before reviewDue), a page in document-id order; and
   * listAwaitingReview until that pass has finished (every break-glass request, the reviewed ones dropped in memory)
   */
  requestsBreakGlass: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [{ field: 'breakGlass', op: '==' }],
    orderBy: [{ field: '__name__', direction: 'asc' }],
  },
  /** page / count (the sweep): due grants — one status, expiresAt <= now, by expiry then id */
  requestsDueByExpiry: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'expiresAt', op: '<=' },
    ],
    orderBy: [
      { field: 'expiresAt', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
  },
  /** page / count (the sweep): one resource's due grants — one status and target, expiresAt <= now, by expiry then id */
  requestsDueOnTarget: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'target', op: '==' },
      { field: 'expiresAt', op: '<=' },
    ],
    orderBy: [
      { field: 'expiresAt', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
  },
  /** page / count (the sweep): one status by creation then id (interrupted applies, pending requests) */
  requestsByStatusCreated: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [{ field: 'status', op: '==' }],
    orderBy: [
      { field: 'createdAt', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
  },
  /** page / count (the sweep): one status by resource then id (one drift read per resource) */
  requestsByStatusTarget: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [{ field: 'status', op: '==' }],
    orderBy: [
      { field: 'target', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
  },
  /** page / count (the sweep): one status in document-id order (finds documents that lack a sort field) */
  requestsByStatusId: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [{ field: 'status', op: '==' }],
    orderBy: [{ field: '__name__', direction: 'asc' }],
  },
  /** listOutboxDue: requests owing Slack messages now, whatever their status, the longest-waiting first */
  requestsOutboxDue: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [{ field: 'outboxDueAt', op: '<=' }],
    orderBy: [
      { field: 'outboxDueAt', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
    limit: 200,
  },
  /** recentByRequester (App Home): a user's requests in some statuses, newest created first, a page */
  requestsOfRequesterByCreated: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [
      { field: 'requester', op: '==' },
      { field: 'status', op: 'in' },
    ],
    orderBy: [
      { field: 'createdAt', direction: 'desc' },
      { field: '__name__', direction: 'desc' },
    ],
  },
  /** recentByRequester (App Home's history): a user's requests in some statuses, last changed first, a page */
  requestsOfRequesterByUpdated: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [
      { field: 'requester', op: '==' },
      { field: 'status', op: 'in' },
    ],
    orderBy: [
      { field: 'updatedAt', direction: 'desc' },
      { field: '__name__', direction: 'desc' },
    ],
  },
  /** countByRequester (App Home's section totals): equality filters only, an aggregation */
  requestsOfRequesterInStatuses: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [
      { field: 'requester', op: '==' },
      { field: 'status', op: 'in' },
    ],
    orderBy: [],
  },
  /** listPendingExtensions (App Home): active requests whose extension waits for a decision (the stored extensionPending flag) */
  requestsWithPendingExtension: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'extensionPending', op: '==' },
    ],
    orderBy: [],
  },
  /** events: a request's audit trail in document-id (sequence) order */
  eventsInOrder: {
    collection: 'events',
    scope: 'COLLECTION',
    filters: [],
    orderBy: [{ field: '__name__', direction: 'asc' }],
  },
  /** resolveUnseen (posture scan): one scope's open findings not seen since the scan began, oldest sighting first */
  findingsUnseenInScope: {
    collection: 'findings',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'scope', op: '==' },
      { field: 'lastSeenAt', op: '<' },
    ],
    orderBy: [
      { field: 'lastSeenAt', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
  },
  /** listOpen (`/warden posture`, App Home): open findings, worst first, then the oldest */
  findingsOpenBySeverity: {
    collection: 'findings',
    scope: 'COLLECTION',
    filters: [{ field: 'status', op: '==' }],
    orderBy: [
      { field: 'severity', direction: 'asc' },
      { field: 'firstSeenAt', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
  },
  /** listOpen of one posture.scope entry */
  findingsOpenOfScopeBySeverity: {
    collection: 'findings',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'scope', op: '==' },
    ],
    orderBy: [
      { field: 'severity', direction: 'asc' },
      { field: 'firstSeenAt', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
  },
  /** listOpen of one project */
  findingsOpenOfProjectBySeverity: {
    collection: 'findings',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'project', op: '==' },
    ],
    orderBy: [
      { field: 'severity', direction: 'asc' },
      { field: 'firstSeenAt', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
  },
  /** listOpen of one resource (a service) */
  findingsOpenOfResourceBySeverity: {
    collection: 'findings',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'resource', op: '==' },
    ],
    orderBy: [
      { field: 'severity', direction: 'asc' },
      { field: 'firstSeenAt', direction: 'asc' },
      { field: '__name__', direction: 'asc' },
    ],
  },
  /** countOpen: open findings of one kind (an aggregation; equality filters only) */
  findingsOpenOfKind: {
    collection: 'findings',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'kind', op: '==' },
    ],
    orderBy: [],
  },
  /** countOpen of one kind in one posture.scope entry, project or resource (equality filters only: index merging) */
  findingsOpenOfKindInScope: {
    collection: 'findings',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'kind', op: '==' },
      { field: 'scope', op: '==' },
    ],
    orderBy: [],
  },
  findingsOpenOfKindInProject: {
    collection: 'findings',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'kind', op: '==' },
      { field: 'project', op: '==' },
    ],
    orderBy: [],
  },
  findingsOpenOfKindOnResource: {
    collection: 'findings',
    scope: 'COLLECTION',
    filters: [
      { field: 'status', op: '==' },
      { field: 'kind', op: '==' },
      { field: 'resource', op: '==' },
    ],
    orderBy: [],
  },
  /** scanFinishedBy (the summary's weekly trend): the latest scan finished by a time */
  postureScansFinishedBy: {
    collection: 'postureScans',
    scope: 'COLLECTION',
    filters: [{ field: 'finishedAt', op: '<=' }],
    orderBy: [
      { field: 'finishedAt', direction: 'desc' },
      { field: '__name__', direction: 'desc' },
    ],
    limit: 1,
  },
  /** owedSummaries: scans whose channel summary was not delivered yet (equality only) */
  postureScansSummaryOwed: {
    collection: 'postureScans',
    scope: 'COLLECTION',
    filters: [{ field: 'summary.status', op: '==' }],
    orderBy: [],
  },
} as const satisfies Record<string, QueryShape>;

export type QueryName = keyof typeof QUERY_SHAPES;

/** Where a page starts and how long it is: `after` holds one value per orderBy field (startAfter). */
export interface QueryPage {
  after?: readonly unknown[] | undefined;
  limit?: number | undefined;
}

/**
 * Builds the named query on `collection` with one value per filter, in the
 * shape's order, optionally from a cursor (`page.after`: one value per orderBy
 * field, the last document's) and with a page size (`page.limit`, else the
 * shape's). Throws when the number of values does not match the shape.
 */
export function buildQuery(collection: CollectionReference, name: QueryName, values: readonly unknown[], page: QueryPage = {}): Query {
  const shape: QueryShape = QUERY_SHAPES[name];
  if (values.length !== shape.filters.length) {
    throw new Error(`query ${name} takes ${shape.filters.length} value(s), got ${values.length}`);
  }
  if (page.after !== undefined && page.after.length !== shape.orderBy.length) {
    throw new Error(`query ${name} pages after ${shape.orderBy.length} value(s), got ${page.after.length}`);
  }
  let query: Query = collection;
  shape.filters.forEach((filter, i) => {
    query = query.where(filter.field, filter.op, values[i]);
  });
  for (const order of shape.orderBy) query = query.orderBy(order.field, order.direction);
  if (page.after !== undefined) query = query.startAfter(...page.after);
  const limit = page.limit ?? shape.limit;
  if (limit !== undefined) query = query.limit(limit);
  return query;
}

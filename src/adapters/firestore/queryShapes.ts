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
  /** listAwaitingReview: break-glass requests (the reviewed ones are dropped in memory) */
  requestsBreakGlass: {
    collection: 'requests',
    scope: 'COLLECTION',
    filters: [{ field: 'breakGlass', op: '==' }],
    orderBy: [],
  },
  /** events: a request's audit trail in document-id (sequence) order */
  eventsInOrder: {
    collection: 'events',
    scope: 'COLLECTION',
    filters: [],
    orderBy: [{ field: '__name__', direction: 'asc' }],
  },
} as const satisfies Record<string, QueryShape>;

export type QueryName = keyof typeof QUERY_SHAPES;

/**
 * Builds the named query on `collection` with one value per filter, in the
 * shape's order. Throws when the number of values does not match the shape.
 */
export function buildQuery(collection: CollectionReference, name: QueryName, values: readonly unknown[]): Query {
  const shape: QueryShape = QUERY_SHAPES[name];
  if (values.length !== shape.filters.length) {
    throw new Error(`query ${name} takes ${shape.filters.length} value(s), got ${values.length}`);
  }
  let query: Query = collection;
  shape.filters.forEach((filter, i) => {
    query = query.where(filter.field, filter.op, values[i]);
  });
  for (const order of shape.orderBy) query = query.orderBy(order.field, order.direction);
  if (shape.limit !== undefined) query = query.limit(shape.limit);
  return query;
}

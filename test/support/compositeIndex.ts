/**
 * Which composite index a Firestore query needs, from its shape — the rules
 * of https://firebase.google.com/docs/firestore/query-data/index-overview and
 * https://cloud.google.com/firestore/docs/query-data/indexing:
 * single-field indexes (automatic) serve a query with only equality filters
 * (==, in, array-contains, array-contains-any: merged if on several fields),
 * or one range/inequality filter or sort on a single field with no equality
 * filter. Equality filters combined with a range filter or a sort on another
 * field, or range/sort on more than one field, need a composite index: the
 * equality fields first (any order), then the range/sort fields in order.
 */
import type { QueryShape } from '../../src/adapters/firestore/queryShapes';

const EQUALITY = new Set(['==', 'in', 'array-contains', 'array-contains-any']);

export interface IndexField {
  field: string;
  /** ASCENDING / DESCENDING, or CONTAINS for array-contains filters */
  mode: 'ASCENDING' | 'DESCENDING' | 'CONTAINS';
}

export interface RequiredIndex {
  collection: string;
  scope: QueryShape['scope'];
  /** equality fields, order free */
  equality: IndexField[];
  /** range/sort fields, in this order */
  ordered: IndexField[];
}

/** The composite index `shape` needs, or undefined when single-field indexes serve it. */
export function requiredIndex(shape: QueryShape): RequiredIndex | undefined {
  const equality: IndexField[] = shape.filters
    .filter((f) => EQUALITY.has(f.op))
    .map((f) => ({ field: f.field, mode: f.op.startsWith('array-contains') ? 'CONTAINS' : 'ASCENDING' }));
  const ordered: IndexField[] = [];
  const add = (field: string, mode: IndexField['mode']): void => {
    if (field !== '__name__' && !ordered.some((o) => o.field === field)) ordered.push({ field, mode });
  };
  // an inequality field is sorted first, then the explicit orderBy fields
  for (const f of shape.filters) if (!EQUALITY.has(f.op)) add(f.field, 'ASCENDING');
  for (const o of shape.orderBy) add(o.field, o.direction === 'desc' ? 'DESCENDING' : 'ASCENDING');
  const equalityFields = new Set(equality.map((e) => e.field));
  const orderedOnOthers = ordered.filter((o) => !equalityFields.has(o.field));
  if (orderedOnOthers.length === 0) return undefined;
  if (equality.length === 0 && ordered.length === 1) return undefined;
  return { collection: shape.collection, scope: shape.scope, equality, ordered };
}

/** Does a declared index (its fields in order) serve `required`? */
export function indexServes(declared: { collection: string; scope: string; fields: IndexField[] }, required: RequiredIndex): boolean {
  if (declared.collection !== required.collection || declared.scope !== required.scope) return false;
  const fields = declared.fields.filter((f) => f.field !== '__name__');
  const head = fields.slice(0, required.equality.length);
  const tail = fields.slice(required.equality.length);
  const sameSet = required.equality.every((e) => head.some((h) => h.field === e.field && h.mode === e.mode));
  const sameOrder =
    tail.length === required.ordered.length &&
    tail.every((t, i) => t.field === required.ordered[i]?.field && t.mode === required.ordered[i]?.mode);
  return head.length === required.equality.length && sameSet && sameOrder;
}

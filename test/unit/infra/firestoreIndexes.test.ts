/**
 * Every query the store runs (src/adapters/firestore/queryShapes.ts) has the
 * composite index it needs in infra/firestore.tf. Production Firestore refuses
 * a query without its index; the emulator does not, so only this test catches
 * a missing one. The store may not build queries any other way.
 */
import { relative, sep } from 'node:path';
import * as ts from 'typescript';
import { QUERY_SHAPES, type QueryShape } from '../../../src/adapters/firestore/queryShapes';
import { indexServes, requiredIndex, type IndexField } from '../../support/compositeIndex';
import { ROOT, sourceProgram } from '../../support/clientCalls';
import { readTerraform } from '../../support/terraform';

const shape = (filters: QueryShape['filters'], orderBy: QueryShape['orderBy'] = []): QueryShape => ({
  collection: 'requests',
  scope: 'COLLECTION',
  filters,
  orderBy,
});

describe('which queries need a composite index', () => {
  it.each([
    ['one equality filter', false, shape([{ field: 'status', op: 'in' }])],
    ['equality filters only, on two fields (index merging)', false, shape([{ field: 'status', op: '==' }, { field: 'requester', op: '==' }])],
    ['a sort on one field', false, shape([], [{ field: 'createdAt', direction: 'asc' }])],
    ['document-id order', false, shape([], [{ field: '__name__', direction: 'asc' }])],
    ['a range filter and a sort on the same field', false, shape([{ field: 'expiresAt', op: '<=' }], [{ field: 'expiresAt', direction: 'asc' }])],
    ['equality and a sort on the same field', false, shape([{ field: 'status', op: '==' }], [{ field: 'status', direction: 'asc' }])],
    ['status IN + sort by createdAt', true, shape([{ field: 'status', op: 'in' }], [{ field: 'createdAt', direction: 'asc' }])],
    ['status == + range on expiresAt', true, shape([{ field: 'status', op: '==' }, { field: 'expiresAt', op: '<=' }])],
    ['range filter on one field, sort on another', true, shape([{ field: 'expiresAt', op: '<' }], [{ field: 'createdAt', direction: 'desc' }])],
  ])('%s → composite index needed: %s', (_, needed, query) => {
    expect(requiredIndex(query) !== undefined).toBe(needed);
  });

  it('matches a declared index field by field', () => {
    const required = requiredIndex(shape([{ field: 'status', op: 'in' }], [{ field: 'createdAt', direction: 'asc' }]));
    if (!required) throw new Error('expected an index');
    const fields = (pairs: Array<[string, IndexField['mode']]>): IndexField[] => pairs.map(([field, mode]) => ({ field, mode }));
    const declared = (f: IndexField[]) => ({ collection: 'requests', scope: 'COLLECTION', fields: f });
    expect(indexServes(declared(fields([['status', 'ASCENDING'], ['createdAt', 'ASCENDING']])), required)).toBe(true);
    expect(indexServes(declared(fields([['status', 'ASCENDING'], ['createdAt', 'ASCENDING'], ['__name__', 'ASCENDING']])), required)).toBe(true);
    expect(indexServes(declared(fields([['status', 'ASCENDING'], ['createdAt', 'DESCENDING']])), required)).toBe(false);
    expect(indexServes(declared(fields([['createdAt', 'ASCENDING'], ['status', 'ASCENDING']])), required)).toBe(false);
    expect(indexServes({ ...declared(fields([['status', 'ASCENDING'], ['createdAt', 'ASCENDING']])), collection: 'events' }, required)).toBe(false);
  });
});

describe('infra/firestore.tf declares the composite index of every store query', () => {
  it.each(Object.entries(QUERY_SHAPES))('%s', async (_, query) => {
    const required = requiredIndex(query);
    if (!required) return; // served by single-field indexes
    const tf = await readTerraform();
    const declared = Object.values(tf.resources('google_firestore_index')).map((index) => ({
      collection: String(index.collection),
      scope: String(index.query_scope ?? 'COLLECTION'),
      fields: ((index.fields ?? []) as Array<Record<string, string>>).map((f) => ({
        field: String(f.field_path),
        mode: (f.array_config === 'CONTAINS' ? 'CONTAINS' : (f.order ?? 'ASCENDING')) as IndexField['mode'],
      })),
    }));
    const wanted = `collection ${required.collection} (${required.scope}): equality ${JSON.stringify(required.equality)} then ${JSON.stringify(required.ordered)}`;
    expect({ query: wanted, declared: declared.some((d) => indexServes(d, required)) }).toEqual({ query: wanted, declared: true });
  }, 60_000);

  it('the store builds queries only from the shapes (no where/orderBy/limit/collectionGroup elsewhere in src/)', () => {
    const builder = 'src/adapters/firestore/queryShapes.ts';
    const QUERY_METHODS = new Set(['where', 'orderBy', 'limit', 'limitToLast', 'startAfter', 'collectionGroup', 'findNearest']);
    const checker = sourceProgram().getTypeChecker();
    const found: string[] = [];
    for (const file of sourceProgram().getSourceFiles()) {
      const rel = relative(ROOT, file.fileName).split(sep).join('/');
      if (!rel.startsWith('src/') || rel === builder) continue;
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && QUERY_METHODS.has(node.expression.name.text)) {
          const declaredIn = checker.getSymbolAtLocation(node.expression.name)?.declarations?.[0]?.getSourceFile().fileName ?? '';
          if (declaredIn.includes('@google-cloud/firestore')) found.push(`${rel}: .${node.expression.name.text}()`);
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    expect(found).toEqual([]);
  });
});

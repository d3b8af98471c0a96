/**
 * The sweep's first phase: every due grant ended, oldest expiry first, each
 * resource's together. The due query (status active, expiresAt <= now,
 * ordered by expiresAt) is read a page at a time; of each page, only the ids
 * of the grants the sweep ends now are kept, by resource, and the pages'
 * documents are let go. Once every page is read (or `maxHeld` ids are held),
 * each resource's grants end together (`endTogether`: their claims in one
 * transaction, their removals in ONE IAM read-modify-write, their ends in one
 * transaction), up to `concurrency` resources at once, in the order the due
 * query first named them. So a service's due grants take one IAM write
 * however they are spread over the due query's pages (unless more than
 * `maxHeld` grants are due at once: then one write per `maxHeld` read), with
 * no query per service. Memory holds one page of documents and at most
 * `maxHeld` ids.
 *
 * Requests of kinds that do not end by an IAM condition (a service setting:
 * the revert is its own UpdateService) end alone, each in its own run.
 */
import type { AccessRequest } from '../domain/request';
import { kindOf } from '../kinds/registry';
import type { PageCursor, PageQuery, RequestPage } from '../ports';
import { forEachLimited } from './forEachLimited';

export interface DueGrantsDeps {
  /** one page of a query (the sweep's reader: malformed documents counted there) */
  read(query: PageQuery): Promise<RequestPage>;
  /** how many requests a query still reaches (aggregation) */
  count(query: Omit<PageQuery, 'limit'>): Promise<number>;
  /** whether the sweep ends `request` now (it counts what it leaves alone: held by another process, failing revert's backoff) */
  endable(request: AccessRequest): boolean;
  /** ends one due request alone (its own claim, revert and end; failures handled inside) */
  end(request: AccessRequest): Promise<void>;
  /** ends due requests (by id) on `resource` together (one claim transaction, one IAM write, one record transaction; failures handled inside) */
  endTogether(resource: string, ids: readonly string[]): Promise<void>;
  pageSize: number;
  concurrency: number;
  /** the most due requests held (ids, and the few requests that end alone) before they are ended */
  maxHeld: number;
}

/** A resource's due grants that end together, or one request that ends alone. */
type Work = { together: string; ids: string[] } | { alone: AccessRequest };

/**
 * Ends the grants due at `now`, starting nothing once `inBudget()` is false.
 * `complete` is false when the budget ran out; `deferred` is then how many due
 * grants are still active (the next run takes them).
 */
export async function endDueGrants(
  deps: DueGrantsDeps,
  now: Date,
  inBudget: () => boolean,
): Promise<{ complete: boolean; deferred: number }> {
  const due = { status: 'active', orderBy: 'expiresAt', dueBy: now } as const;
  let complete = true;
  /** by resource, in the order the due query first named it; requests that end alone under their own key */
  let held = new Map<string, Work>();
  let heldCount = 0;

  function hold(request: AccessRequest): void {
    heldCount += 1;
    if (kindOf(request.kind).ending !== 'condition') {
      held.set(`alone:${request.id}`, { alone: request });
      return;
    }
    const work = held.get(request.target);
    if (work && 'ids' in work) work.ids.push(request.id);
    else held.set(request.target, { together: request.target, ids: [request.id] });
  }

  async function endHeld(): Promise<void> {
    const work = [...held.values()];
    held = new Map();
    heldCount = 0;
    const end = (item: Work): Promise<void> => ('alone' in item ? deps.end(item.alone) : deps.endTogether(item.together, item.ids));
    if ((await forEachLimited(work, deps.concurrency, end, inBudget)).length > 0) complete = false;
  }

  let after: PageCursor | undefined;
  do {
    if (!inBudget()) {
      complete = false;
      break;
    }
    const page = await deps.read({ ...due, after, limit: deps.pageSize });
    for (const request of page.requests) if (deps.endable(request)) hold(request);
    after = page.next;
    if (heldCount >= deps.maxHeld) await endHeld();
  } while (after && complete);
  if (complete && heldCount > 0) await endHeld();
  return { complete, deferred: complete ? 0 : await deps.count(due) };
}

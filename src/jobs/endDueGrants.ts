/**
 * The sweep's first phase: every due grant ended, oldest expiry first, each
 * resource's together. A page of the due query (status active, expiresAt <=
 * now) names resources; each one not yet drained in this run is drained
 * through its own indexed query (status, target, expiresAt) a page at a time,
 * and a page's invoker grants end together (`endTogether`: their claims in one
 * transaction, their removals in ONE IAM read-modify-write, their ends in one
 * transaction). So a service's due grants take one IAM write (per
 * `sweepPageSize` of them) however they are spread over the due query's
 * pages. Up to `sweepConcurrency` resources at once; memory holds a page per
 * resource in progress and the names of the resources drained.
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
  /** ends one due request alone (its own claim, revert and end; failures handled inside) */
  end(request: AccessRequest): Promise<void>;
  /** ends due requests on `resource` together (one claim transaction, one IAM write, one record transaction; failures handled inside) */
  endTogether(resource: string, requests: readonly AccessRequest[]): Promise<void>;
  pageSize: number;
  concurrency: number;
}

/** Due grants in batches: a service's IAM bindings (kinds that end by their condition) together in one IAM write, anything else alone. */
function batches(requests: readonly AccessRequest[]): AccessRequest[][] {
  const bindings: AccessRequest[] = [];
  const alone: AccessRequest[][] = [];
  for (const request of requests) {
    if (kindOf(request.kind).ending === 'condition') bindings.push(request);
    else alone.push([request]);
  }
  return [...(bindings.length > 0 ? [bindings] : []), ...alone];
}

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
  const drained = new Set<string>();
  let complete = true;

  async function drain(target: string): Promise<void> {
    let after: PageCursor | undefined;
    do {
      if (!inBudget()) {
        complete = false;
        return;
      }
      const page = await deps.read({ ...due, target, after, limit: deps.pageSize });
      for (const batch of batches(page.requests)) {
        const [first] = batch;
        if (batch.length === 1 && first) await deps.end(first);
        else if (first) await deps.endTogether(first.target, batch);
      }
      after = page.next;
    } while (after);
  }

  let after: PageCursor | undefined;
  do {
    if (!inBudget()) complete = false;
    if (!complete) break;
    const page = await deps.read({ ...due, after, limit: deps.pageSize });
    const targets = [...new Set(page.requests.map((r) => r.target))].filter((target) => !drained.has(target));
    for (const target of targets) drained.add(target);
    if ((await forEachLimited(targets, deps.concurrency, drain, inBudget)).length > 0) complete = false;
    after = page.next;
  } while (after);
  return { complete, deferred: complete ? 0 : await deps.count(due) };
}

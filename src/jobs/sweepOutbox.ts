/**
 * The sweep's outbox pass: every request (whatever its status, terminal ones
 * included) whose outbox has a Slack message due — one that failed earlier,
 * was rate limited, or was left behind by a process that died after its
 * transition — is delivered now (src/app/outbox.ts claims each message, so
 * two sweeps at once send it once). Requests whose Google work runs under a
 * live lease are left to the lease holder, which delivers after it: Google
 * first, Slack after, whichever process does it.
 * Single-field queries (`outboxDueAt <= now`, queryShapes.ts), page after
 * page of 200 requests, the longest-waiting first, so that documents it
 * cannot deliver now (malformed, or held by another process's lease) never
 * crowd out the rest: at most MAX_PAGES pages per sweep, up to
 * `sweepConcurrency` requests at a time, none started once the sweep's time
 * budget ran out (those of the page read counted in `deferred`).
 */
import { asWardenError } from '../domain/errors';
import type { AccessRequest } from '../domain/request';
import type { MalformedDocument, PageCursor } from '../ports';
import type { AppDeps } from '../app/deps';
import type { Runner } from '../app/runner';
import { forEachLimited } from './forEachLimited';

/** Pages of owed requests one sweep reads at most (200 each). */
export const MAX_OUTBOX_PAGES = 10;

/** What the pass did, by request id: counted by the sweep as `delivered`, `reposted`, `deliveryFailed`, `deliveryDropped`, `errors`. */
export interface OutboxSweep {
  delivered: string[];
  /** approval messages posted (also in `delivered`) */
  reposted: string[];
  deliveryFailed: string[];
  deliveryDropped: string[];
  errors: string[];
  /** requests not started before the time budget ran out */
  deferred: string[];
  /** requests whose Google work another process holds under a live lease (it delivers after it) */
  skipped: string[];
  malformed: MalformedDocument[];
}

function leaseLive(request: AccessRequest, now: Date): boolean {
  return request.op !== undefined && request.op.leaseUntil.getTime() > now.getTime();
}

/**
 * @returns the pass: `inBudget` says whether to start another request; `inFlight`, when given, holds the ids of the
 *   requests being delivered (the sweep counts those still running when it answers early in `deferred`)
 */
export function createOutboxSweep(
  deps: AppDeps,
  runner: Runner,
): (inBudget: () => boolean, inFlight?: Set<string>) => Promise<OutboxSweep> {
  const { store, clock, logger, settings } = deps;
  return async function sweepOutbox(inBudget, inFlight) {
    const done: OutboxSweep = {
      delivered: [],
      reposted: [],
      deliveryFailed: [],
      deliveryDropped: [],
      errors: [],
      deferred: [],
      skipped: [],
      malformed: [],
    };
    const now = clock.now();
    // A request rescheduled during this pass may come round again on a later page: it is tended once.
    const seen = new Set<string>();
    let after: PageCursor | undefined;
    for (let pages = 0; pages < MAX_OUTBOX_PAGES && inBudget(); pages += 1) {
      const page = await store.listOutboxDue(now, after);
      done.malformed.push(...page.malformed);
      const fresh = page.requests.filter((r) => !seen.has(r.id));
      for (const request of fresh) seen.add(request.id);
      const left = await forEachLimited(fresh, settings.sweepConcurrency, deliver, inBudget);
      done.deferred.push(...left.map((r) => r.id));
      after = page.next;
      if (!after || left.length > 0) break;
    }
    return done;

    async function deliver(request: AccessRequest): Promise<void> {
      if (leaseLive(request, clock.now())) return void done.skipped.push(request.id);
      inFlight?.add(request.id);
      try {
        const { report } = await runner.deliver(request);
        for (const d of report.delivered) {
          done.delivered.push(request.id);
          if (d.type === 'post_message') done.reposted.push(request.id);
        }
        done.deliveryFailed.push(...report.failed.map(() => request.id));
        done.deliveryDropped.push(...report.dropped.map(() => request.id));
      } catch (error) {
        done.errors.push(request.id);
        logger.error('sweep could not deliver an outbox', { requestId: request.id, error: asWardenError(error).operatorMessage });
      } finally {
        inFlight?.delete(request.id);
      }
    }
  };
}

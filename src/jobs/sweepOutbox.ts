/**
 * The sweep's outbox pass: every request (whatever its status, terminal ones
 * included) whose outbox has a Slack message due — one that failed earlier,
 * was rate limited, or was left behind by a process that died after its
 * transition — is delivered now (src/app/outbox.ts claims each message, so
 * two sweeps at once send it once). Requests whose Google work runs under a
 * live lease are left to the lease holder, which delivers after it: Google
 * first, Slack after, whichever process does it.
 * One single-field query (`outboxDueAt <= now`, queryShapes.ts: at most 200
 * requests per sweep, the longest-waiting first; the rest wait for the next
 * sweep), up to `sweepConcurrency` requests at a time, none started once the
 * sweep's time budget ran out (those counted in `deferred`).
 */
import { asWardenError } from '../domain/errors';
import type { AccessRequest } from '../domain/request';
import type { MalformedDocument } from '../ports';
import type { AppDeps } from '../app/deps';
import type { Runner } from '../app/runner';
import { forEachLimited } from './forEachLimited';

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
  malformed: MalformedDocument[];
}

function leaseLive(request: AccessRequest, now: Date): boolean {
  return request.op !== undefined && request.op.leaseUntil.getTime() > now.getTime();
}

export function createOutboxSweep(deps: AppDeps, runner: Runner): (inBudget: () => boolean) => Promise<OutboxSweep> {
  const { store, clock, logger, settings } = deps;
  return async function sweepOutbox(inBudget) {
    const done: OutboxSweep = { delivered: [], reposted: [], deliveryFailed: [], deliveryDropped: [], errors: [], deferred: [], malformed: [] };
    const { requests, malformed } = await store.listOutboxDue(clock.now());
    done.malformed = malformed;
    const left = await forEachLimited(requests, settings.sweepConcurrency, deliver, inBudget);
    done.deferred = left.map((r) => r.id);
    return done;

    async function deliver(request: AccessRequest): Promise<void> {
      if (leaseLive(request, clock.now())) return;
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
      }
    }
  };
}

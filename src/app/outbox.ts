/**
 * Delivers a request's outbox (src/domain/outbox.ts): the one place Slack
 * messages owed by transitions are sent. For each entry due: claim it in a
 * transaction (refused when another process holds it, so two sweeps never
 * send it twice), send it (slackDelivery.ts), then in a transaction remove
 * it and record what it posted — or, when Slack did not take it, schedule
 * the next attempt (Retry-After on HTTP 429, backoff otherwise) or drop it
 * (permanent error, too many attempts, too old), audited and logged as an
 * error. A notice no longer true (src/domain/obsoleteNotice.ts) is dropped
 * by the claim itself, audited, never sent. Refreshes of one message go one
 * at a time, and one rendered from a state that has since moved on is sent
 * again (src/domain/outbox.ts), so Slack's last update shows the latest state.
 *
 * Delivery is at least once: a process that dies between Slack's answer and
 * the record leaves the entry claimed; once the claim lapses
 * (DELIVERY_LIMITS.claimSeconds) it is sent again.
 */
import { ErrorCode, RateLimitedError, asWardenError } from '../domain/errors';
import { DELIVERY_LIMITS, dueDeliveries } from '../domain/outbox';
import type { AccessRequest, Delivery } from '../domain/request';
import { transition } from '../domain/stateMachine';
import type { AppDeps } from './deps';
import type { SendDelivery } from './slackDelivery';

/** What one delivery round did, entry by entry. */
export interface DeliveryReport {
  delivered: Delivery[];
  /** failed, to be tried again */
  failed: Delivery[];
  /** given up: permanent error, too many attempts or too old */
  dropped: Delivery[];
  /** not sent because no longer true (an expiry warning for a grant that has ended...) */
  obsolete: Delivery[];
}

export interface Outbox {
  /**
   * Sends every entry of `request`'s outbox that is due now and not claimed
   * by a live process, each entry at most once per call. `request` is the
   * state last read or written; returns the state last written.
   */
  deliver(request: AccessRequest): Promise<{ request: AccessRequest; report: DeliveryReport }>;
}

/** Passes over the outbox per call: a refresh queued by a late success is sent in the same call. */
const PASSES = 3;

function failureOf(error: unknown): { error: string; retryAfterSeconds?: number; permanent: boolean; unconfirmed?: boolean } {
  const failure = asWardenError(error);
  if (failure instanceof RateLimitedError)
    return { error: failure.operatorMessage, retryAfterSeconds: failure.retryAfterSeconds, permanent: false };
  return {
    error: failure.operatorMessage,
    permanent: failure.code === ErrorCode.SlackRefused,
    ...(failure.code === ErrorCode.SlackUnconfirmed ? { unconfirmed: true } : {}),
  };
}

export function createOutbox(deps: AppDeps, send: SendDelivery, holder: () => string): Outbox {
  const { store, clock, logger } = deps;

  return {
    async deliver(start) {
      const report: DeliveryReport = { delivered: [], failed: [], dropped: [], obsolete: [] };
      const tried = new Set<string>();
      const log = logger.child({ requestId: start.id });
      const me = holder();
      let latest = start;
      for (let pass = 0; pass < PASSES; pass += 1) {
        const due = dueDeliveries(latest, clock.now()).filter((d) => !tried.has(d.id));
        if (due.length === 0) break;
        for (const delivery of due) {
          tried.add(delivery.id);
          try {
            latest = (await deliverOne(latest.id, delivery, me, report, log)) ?? latest;
          } catch (error) {
            // Firestore failed around the send: the entry stays (claimed at worst) and is retried once its claim lapses.
            log.error('outbox delivery could not be recorded', {
              delivery: delivery.id,
              type: delivery.type,
              error: asWardenError(error).operatorMessage,
            });
          }
        }
      }
      return { request: latest, report };
    },
  };

  async function deliverOne(
    id: string,
    delivery: Delivery,
    me: string,
    report: DeliveryReport,
    log: AppDeps['logger'],
  ): Promise<AccessRequest | undefined> {
    const until = new Date(clock.now().getTime() + DELIVERY_LIMITS.claimSeconds * 1000);
    const claimed = await store.transact(id, (current) =>
      transition(current, { type: 'claim_delivery', delivery: delivery.id, holder: me, until }, clock.now()),
    );
    if (!claimed.ok) return undefined; // delivered, rescheduled or being sent by another process
    if (claimed.event.action === 'delivery_obsolete') {
      report.obsolete.push(delivery);
      log.info('slack message not sent: no longer true', {
        delivery: delivery.id,
        type: delivery.type,
        deliveryOutcome: 'obsolete',
        detail: claimed.event.detail,
      });
      return claimed.next;
    }
    // Each line below carries `deliveryOutcome` (delivered | retried | dropped | obsolete): infra/monitoring.tf counts deliveries by it.
    const fields = { delivery: delivery.id, type: delivery.type, ...(delivery.notice ? { notice: delivery.notice } : {}) };
    const work = { type: delivery.type, notice: delivery.notice, n: delivery.n };
    try {
      const sent = await send(claimed.next, delivery);
      const done = await store.transact(id, (current) =>
        transition(current, { type: 'delivered', delivery: delivery.id, holder: me, work, ...sent }, clock.now()),
      );
      report.delivered.push(delivery);
      log.info('slack message delivered', { ...fields, deliveryOutcome: 'delivered' });
      return done.ok ? done.next : undefined;
    } catch (error) {
      const failure = failureOf(error);
      const outcome = await store.transact(id, (current) =>
        transition(current, { type: 'delivery_failed', delivery: delivery.id, holder: me, ...failure }, clock.now()),
      );
      if (!outcome.ok) return undefined;
      const retry = outcome.next.outbox?.find((d) => d.id === delivery.id);
      if (retry) {
        report.failed.push(retry);
        log.warn('slack message not delivered; it will be tried again', {
          ...fields,
          deliveryOutcome: 'retried',
          error: failure.error,
          attempts: retry.attempts,
          notBefore: retry.notBefore.toISOString(),
        });
      } else {
        report.dropped.push(delivery);
        log.error('slack message dropped: it will not be delivered', {
          ...fields,
          deliveryOutcome: 'dropped',
          error: failure.error,
          detail: outcome.event.detail,
        });
      }
      return outcome.next;
    }
  }
}

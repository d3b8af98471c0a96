/**
 * The outbox: Slack messages a request still owes, kept on the request
 * document itself so that they are written in the same Firestore transaction
 * as the transition that asked for them (a committed transition can never
 * lose its notices), and delivered by whichever process gets to them first —
 * the one that made the transition, or any sweep — until Slack accepts them.
 *
 * Each entry is claimed in a transaction before it is sent (so two sweeps
 * never post the same message twice), removed once Slack accepted it, and
 * otherwise rescheduled: after Slack's Retry-After on HTTP 429, after an
 * exponential backoff on other transient failures. A permanent Slack error,
 * DELIVERY_LIMITS.maxAttempts failed attempts or DELIVERY_LIMITS.maxAgeSeconds
 * drop the entry, audited. `outboxDueAt` (the earliest time any entry may be
 * tried or its claim lapses) lets the sweep find owed messages with one
 * single-field query, whatever the request's status.
 *
 * Outbox bookkeeping (claims, reschedules) does not move `updatedAt` and is
 * not audited; a delivered or dropped message is. Pure: now is a parameter.
 */
import { ErrorCode } from './errors';
import type { AccessRequest, Delivery } from './request';
import { SYSTEM_ACTOR } from './request';
import { obsoleteNotice } from './obsoleteNotice';
import { refuse, type DeliveryWork, type Effect, type RequestEvent, type Transitioned, type TransitionOutcome } from './transitions';

export type { DeliveryWork } from './transitions';

export const DELIVERY_LIMITS = {
  /** failed attempts (a rate limit is not one) before an entry is dropped */
  maxAttempts: 10,
  /** an entry older than this is dropped at its next failure or rate limit */
  maxAgeSeconds: 24 * 3600,
  /** how long a claim holds: longer than the longest bounded Slack delivery (three calls of at most 40 s) */
  claimSeconds: 180,
  /** backoff after the n-th failure: 0 for the first, then 60 s doubling, at most 30 min */
  backoffBaseSeconds: 60,
  backoffMaxSeconds: 1800,
  /** the longest Slack Retry-After honoured (seconds; Slack's own are seconds to a minute): a longer one is cut to this */
  retryAfterMaxSeconds: 1800,
  /**
   * after a post recorded following an unconfirmed attempt, how long until the
   * channel is searched for copies of it (an attempt Slack received but had not
   * answered when runwarden gave up lands within this time)
   */
  duplicateCheckSeconds: 120,
} as const;

/** The deliveries that post a message with buttons to the channel: the ones looked for before posting again, and deduplicated. */
const POSTS: ReadonlySet<Delivery['type']> = new Set<Delivery['type']>(['post_message', 'post_extension']);

/** Whether `channel`/`ts` is a message the request records as its own (its approval message, or an extension's). */
export function isRecordedMessage(request: AccessRequest, channel: string, ts: string): boolean {
  const mine = (m: { channel: string; ts: string } | undefined): boolean => m !== undefined && m.channel === channel && m.ts === ts;
  return mine(request.message) || (request.extensions ?? []).some((e) => mine(e.message));
}

type OutboxEvent<T extends string> = Extract<RequestEvent, { type: T }>;

/** The Slack work among a transition's effects (apply, revert and extend are Google work, run by the runner). */
export function deliveriesOf(effects: readonly Effect[]): DeliveryWork[] {
  const work: DeliveryWork[] = [];
  for (const effect of effects) {
    switch (effect.type) {
      case 'apply':
      case 'revert':
      case 'extend':
        break;
      case 'post_message':
      case 'refresh_message':
        work.push({ type: effect.type });
        break;
      case 'post_extension':
        work.push({ type: 'post_extension', n: effect.n });
        break;
      case 'notify_requester':
      case 'notify_approvers':
        work.push({ type: effect.type, notice: effect.notice });
        break;
      case 'notify_members':
        work.push({ type: 'notify_members' });
        break;
    }
  }
  return work;
}

function claimLive(delivery: Delivery, now: Date): boolean {
  return delivery.claim !== undefined && delivery.claim.until.getTime() > now.getTime();
}

/**
 * A message refresh waits while another refresh of the same message is being
 * sent (at most one in flight, so Slack gets them in order): the end of that
 * live claim, or undefined when nothing blocks `delivery`.
 */
function blockedUntil(outbox: readonly Delivery[], delivery: Delivery, now: Date): number | undefined {
  if (delivery.type !== 'refresh_message') return undefined;
  const inFlight = outbox.filter((d) => d.id !== delivery.id && d.type === 'refresh_message' && claimLive(d, now));
  return inFlight.length === 0 ? undefined : Math.max(...inFlight.map((d) => (d.claim as { until: Date }).until.getTime()));
}

/** The earliest time the sweep should look at this outbox: an entry's notBefore, or the end of the live claim holding it (back). */
export function outboxDueAt(outbox: readonly Delivery[], now: Date): Date | undefined {
  let due: number | undefined;
  for (const delivery of outbox) {
    const at = claimLive(delivery, now)
      ? (delivery.claim as { until: Date }).until.getTime()
      : Math.max(delivery.notBefore.getTime(), blockedUntil(outbox, delivery, now) ?? 0);
    due = due === undefined ? at : Math.min(due, at);
  }
  return due === undefined ? undefined : new Date(due);
}

/** The request with `outbox` replaced and `outboxDueAt` kept in step (both absent when empty). */
function withOutbox(request: AccessRequest, outbox: Delivery[], now: Date): AccessRequest {
  return { ...request, outbox: outbox.length > 0 ? outbox : undefined, outboxDueAt: outboxDueAt(outbox, now) };
}

/**
 * Appends deliveries to the request's outbox, due at once. A message refresh
 * already waiting (not being sent right now) is not queued twice: it is
 * rendered from the request as it is when delivered. One queued while another
 * refresh is being sent waits until that one is done (blockedUntil).
 */
export function enqueue(request: AccessRequest, work: readonly DeliveryWork[], now: Date): AccessRequest {
  if (work.length === 0) return request;
  const outbox = [...(request.outbox ?? [])];
  let seq = request.outboxSeq ?? 0;
  for (const item of work) {
    if (item.type === 'refresh_message' && outbox.some((d) => d.type === 'refresh_message' && !claimLive(d, now))) continue;
    seq += 1;
    outbox.push({ id: `d${seq}`, ...item, enqueuedAt: now, notBefore: now, attempts: 0 });
  }
  return { ...withOutbox(request, outbox, now), outboxSeq: seq };
}

/** The entries that may be sent now: due, not claimed by a live process, and not waiting for a refresh in flight. */
export function dueDeliveries(request: AccessRequest, now: Date): Delivery[] {
  const outbox = request.outbox ?? [];
  return outbox.filter((d) => d.notBefore.getTime() <= now.getTime() && !claimLive(d, now) && blockedUntil(outbox, d, now) === undefined);
}

/** Seconds to wait after the `attempts`-th failed attempt. */
export function backoffSeconds(attempts: number): number {
  if (attempts <= 1) return 0;
  const { backoffBaseSeconds, backoffMaxSeconds } = DELIVERY_LIMITS;
  return Math.min(backoffMaxSeconds, backoffBaseSeconds * 2 ** Math.min(attempts - 2, 20));
}

/**
 * An outbox change, and `updatedAt` stays: a bookkeeping event when `audit`
 * is given (a delivery done, dropped, found obsolete), else no event at all
 * (a claim taken, a retry scheduled: the delivery's own outcome is recorded).
 */
function bookkeeping(
  request: AccessRequest,
  next: AccessRequest,
  now: Date,
  audit?: { action: string; detail: Record<string, unknown> },
): Transitioned {
  const event = {
    at: now,
    actor: SYSTEM_ACTOR,
    action: audit?.action ?? 'outbox',
    detail: audit?.detail ?? {},
    category: 'bookkeeping' as const,
  };
  return { ok: true, next: { ...next, updatedAt: request.updatedAt }, event, effects: [], ...(audit ? {} : { unaudited: true as const }) };
}

function describe(delivery: DeliveryWork & { id: string }): Record<string, unknown> {
  return {
    delivery: delivery.id,
    type: delivery.type,
    ...(delivery.notice ? { notice: delivery.notice } : {}),
    ...(delivery.n ? { n: delivery.n } : {}),
  };
}

/**
 * Claims an entry for `holder` until `until`, noting the request's
 * `updatedAt` (the state its content will be rendered from): refused when it
 * is gone, not due, claimed by a live process, or a refresh waiting for
 * another in flight. A notice no longer true (obsoleteNotice) is dropped
 * instead, audited `delivery_obsolete`, and not claimed.
 */
export function claimDelivery(request: AccessRequest, event: OutboxEvent<'claim_delivery'>, now: Date): TransitionOutcome {
  const found = request.outbox?.find((d) => d.id === event.delivery);
  if (!found) return refuse(ErrorCode.InvalidState, `Delivery ${event.delivery} of request \`${request.id}\` is no longer owed.`);
  if (claimLive(found, now)) return refuse(ErrorCode.Conflict, `Delivery ${event.delivery} of request \`${request.id}\` is being sent.`);
  if (found.notBefore.getTime() > now.getTime())
    return refuse(ErrorCode.InvalidState, `Delivery ${event.delivery} of request \`${request.id}\` is not due yet.`);
  if (blockedUntil(request.outbox ?? [], found, now) !== undefined) {
    return refuse(ErrorCode.Conflict, `Delivery ${event.delivery} of request \`${request.id}\` waits for the refresh being sent.`);
  }
  const obsolete = obsoleteNotice(request, found, now);
  if (obsolete) {
    const rest = (request.outbox ?? []).filter((d) => d.id !== found.id);
    return bookkeeping(request, withOutbox(request, rest, now), now, {
      action: 'delivery_obsolete',
      detail: { ...describe(found), why: obsolete },
    });
  }
  const claim = { holder: event.holder, until: event.until, stateAt: request.updatedAt };
  // A lapsed claim's holder may have posted and died before recording it: look before posting again.
  const lapsed = found.claim !== undefined && POSTS.has(found.type) ? claimStart(found.claim.until) : undefined;
  const unconfirmedSince = found.unconfirmedSince ?? lapsed;
  const outbox = (request.outbox ?? []).map((d) =>
    d.id === found.id ? { ...d, claim, ...(unconfirmedSince ? { unconfirmedSince } : {}) } : d,
  );
  return bookkeeping(request, withOutbox(request, outbox, now), now);
}

/** When a claim ending at `until` was taken. */
function claimStart(until: Date): Date {
  return new Date(until.getTime() - DELIVERY_LIMITS.claimSeconds * 1000);
}

/** The search for copies of post `of` (extension `n`'s), posted since `since`, due once any late attempt has landed. */
function duplicateCheck(of: string, n: number | undefined, since: Date, now: Date, seq: number): Delivery {
  const notBefore = new Date(now.getTime() + DELIVERY_LIMITS.duplicateCheckSeconds * 1000);
  return { id: `d${seq}`, type: 'remove_duplicates', of, ...(n ? { n } : {}), since, enqueuedAt: now, notBefore, attempts: 0 };
}

/** `request` with `entry` appended to its outbox (a fresh id). */
function append(request: AccessRequest, make: (seq: number) => Delivery, now: Date): AccessRequest {
  const seq = (request.outboxSeq ?? 0) + 1;
  return { ...withOutbox(request, [...(request.outbox ?? []), make(seq)], now), outboxSeq: seq };
}

/**
 * A button was clicked on a message of this request that it does not record
 * (a copy posted by an attempt runwarden never learnt had landed): the copy
 * is removed by the outbox, audited. Refused when it is the recorded message.
 */
export function strayMessage(request: AccessRequest, event: OutboxEvent<'stray_message'>, now: Date): TransitionOutcome {
  if (isRecordedMessage(request, event.channel, event.ts)) {
    return refuse(ErrorCode.InvalidState, `The message ${event.ts} is request \`${request.id}\`'s own.`);
  }
  const stray = { channel: event.channel, ts: event.ts };
  if ((request.outbox ?? []).some((d) => d.stray?.channel === stray.channel && d.stray.ts === stray.ts)) {
    return refuse(ErrorCode.Conflict, `The copy ${event.ts} of request \`${request.id}\` is being removed already.`);
  }
  const next = append(
    request,
    (seq) => ({ id: `d${seq}`, type: 'remove_duplicates', stray, enqueuedAt: now, notBefore: now, attempts: 0 }),
    now,
  );
  return bookkeeping(request, next, now, { action: 'stray_message_clicked', detail: { actor: event.actor, ...stray } });
}

/**
 * Slack accepted a delivery: the entry goes, a posted message is recorded
 * (the first one wins; a second post after a lapsed claim is audited as a
 * duplicate). A message refresh that may have drawn an older state over a
 * newer one — sent by a holder that had lost its claim, or rendered from a
 * state the request has moved on from since the claim — queues another
 * refresh (rendered from the state as it is then), so Slack's last update is
 * of the latest state.
 */
export function deliverySucceeded(request: AccessRequest, event: OutboxEvent<'delivered'>, now: Date): TransitionOutcome {
  const found = request.outbox?.find((d) => d.id === event.delivery);
  const stillHeld = found?.claim?.holder === event.holder;
  let next = withOutbox(
    request,
    (request.outbox ?? []).filter((d) => d.id !== event.delivery),
    now,
  );
  const detail = describe({ id: event.delivery, ...event.work });
  const posted = event.posted;
  if (POSTS.has(event.work.type) && posted) {
    // after an unconfirmed attempt (or a second post), the channel is searched for copies once late attempts have landed
    const since = found?.unconfirmedSince ?? found?.enqueuedAt ?? now;
    const uncertain = found?.unconfirmedSince !== undefined;
    const check = (r: AccessRequest): AccessRequest =>
      append(r, (seq) => duplicateCheck(event.delivery, event.work.n, since, now, seq), now);
    const how = { ...(event.found ? { found: true } : {}) };
    if (event.work.type === 'post_message') {
      if (request.message)
        return bookkeeping(request, check(next), now, {
          action: 'message_posted_twice',
          detail: { ...detail, ...posted, kept: request.message.ts },
        });
      next = { ...next, message: posted };
      return bookkeeping(request, uncertain ? check(next) : next, now, {
        action: 'message_posted',
        detail: { ...detail, ...posted, ...how },
      });
    }
    const extension = request.extensions?.find((e) => e.n === event.work.n);
    if (extension && !extension.message) {
      next = { ...next, extensions: (request.extensions ?? []).map((e) => (e === extension ? { ...e, message: posted } : e)) };
      return bookkeeping(request, uncertain ? check(next) : next, now, {
        action: 'extension_message_posted',
        detail: { ...detail, ...posted, ...how },
      });
    }
    return bookkeeping(request, check(next), now, { action: 'message_posted_twice', detail: { ...detail, ...posted } });
  }
  if (event.work.type === 'remove_duplicates') {
    const removed = event.removed ?? [];
    if (removed.length === 0) return bookkeeping(request, next, now);
    return bookkeeping(request, next, now, {
      action: 'duplicates_removed',
      detail: { ...detail, removed, ...(found?.of ? { of: found.of } : {}) },
    });
  }
  const stale = !stillHeld || found?.claim?.stateAt === undefined || request.updatedAt.getTime() > found.claim.stateAt.getTime();
  if (event.work.type === 'refresh_message' && stale) next = enqueue(next, [{ type: 'refresh_message' }], now);
  return bookkeeping(request, next, now, { action: 'delivered', detail });
}

/**
 * Slack did not accept a delivery. Rate limited: tried again after Slack's
 * Retry-After (at most DELIVERY_LIMITS.retryAfterMaxSeconds; a value that is
 * not a finite non-negative number counts as a failure), not counted as a
 * failure. A permanent error, too many failures or an entry too old (whatever
 * the reason it was not delivered, rate limits included): dropped, audited.
 * Otherwise tried again after a backoff. Refused when the entry is gone or
 * another process holds it now.
 */
export function deliveryFailed(request: AccessRequest, event: OutboxEvent<'delivery_failed'>, now: Date): TransitionOutcome {
  const found = request.outbox?.find((d) => d.id === event.delivery);
  if (!found || found.claim?.holder !== event.holder) {
    return refuse(ErrorCode.Conflict, `Delivery ${event.delivery} of request \`${request.id}\` is no longer held by ${event.holder}.`);
  }
  const retryAfter = event.retryAfterSeconds;
  const rateLimited = retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0;
  const attempts = found.attempts + (rateLimited ? 0 : 1);
  const tooOld = now.getTime() - found.enqueuedAt.getTime() >= DELIVERY_LIMITS.maxAgeSeconds * 1000;
  const rest = (request.outbox ?? []).filter((d) => d.id !== found.id);
  if (event.permanent || attempts >= DELIVERY_LIMITS.maxAttempts || tooOld) {
    const why = event.permanent ? 'permanent_error' : tooOld ? 'too_old' : 'too_many_attempts';
    const detail = { ...describe(found), attempts, error: event.error, why };
    return bookkeeping(request, withOutbox(request, rest, now), now, { action: 'delivery_dropped', detail });
  }
  const waitSeconds = rateLimited ? Math.min(Math.ceil(retryAfter), DELIVERY_LIMITS.retryAfterMaxSeconds) : backoffSeconds(attempts);
  const unconfirmedSince =
    found.unconfirmedSince ?? (event.unconfirmed && POSTS.has(found.type) && found.claim ? claimStart(found.claim.until) : undefined);
  const retry: Delivery = {
    ...found,
    attempts,
    notBefore: new Date(now.getTime() + waitSeconds * 1000),
    claim: undefined,
    lastError: event.error,
    ...(unconfirmedSince ? { unconfirmedSince } : {}),
  };
  const outbox = (request.outbox ?? []).map((d) => (d.id === found.id ? retry : d));
  return bookkeeping(request, withOutbox(request, outbox, now), now);
}

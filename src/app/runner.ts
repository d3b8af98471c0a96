/**
 * The one runner of effects, and nothing else: every state change goes
 *
 *   transaction → Google work under the lease guard → outbox
 *
 * A Firestore transaction asks the pure state machine for the next state
 * (the event carries the facts gathered before it, src/app/authorityFacts.ts);
 * only once that is committed does the runner carry out the transition's
 * Google work (src/app/effects/: apply, revert, extend — each answers with
 * the transition that records its outcome, which the runner commits the
 * same way), then deliver the request's outbox (outbox.ts), the Slack
 * messages the transitions queued in the same writes; what it cannot
 * deliver, the sweep will.
 *
 * Google work happens only under a lease this process won in the
 * transaction, so a doubled click or two sweeps never run it twice; if this
 * process dies half-way, the lease runs out and the sweep finishes the work.
 * The lease is checked (and renewed) in a transaction immediately before
 * each write to Google (`guardFor`, the guard every write port requires) —
 * but for the first write an approval's or a sweep's claim recorded; a
 * write that still lands after the lease was lost is taken back and recorded
 * (lateWrites.ts). Google work comes first, Slack after: a slow Slack never
 * holds a change up.
 */
import { asWardenError } from '../domain/errors';
import type { AccessRequest } from '../domain/request';
import { transition, type Effect, type RequestEvent, type TransitionOutcome } from '../domain/stateMachine';
import type { PlanWrite } from '../domain/transitions';
import type { Guard, KindEffects } from '../kinds/kind';
import { MAX_TRANSACT_EACH } from '../ports';
import type { AppDeps } from './deps';
import type { EffectDone, EffectWork } from './effects/effect';
import { createApply } from './effects/apply';
import { createExtend } from './effects/extend';
import { createRevert } from './effects/revert';
import { createWeigh } from './effects/weigh';
import type { HomeRefresher } from './homeRefresher';
import type { RemovalSeat } from './iamBatches';
import { createLateWrites } from './lateWrites';
import { createOutbox, type DeliveryReport } from './outbox';
import { createSlackDelivery } from './slackDelivery';

export interface RunResult {
  outcome: TransitionOutcome;
  /** the request after the transition and all its effects (undefined when refused) */
  final?: AccessRequest | undefined;
  /**
   * Another process took the request over while this one worked on it (this one's lease ran out): its Google
   * work was abandoned, or the record of its outcome refused. `final` is the request as this process last wrote it.
   */
  taken?: boolean;
}

/** How a run is carried out: `batch`, the request's seat in the sweep's IAM batch for its service (iamBatches.ts). */
export interface RunOptions {
  batch?: RemovalSeat | undefined;
}

/** One request's part in `runTogether`: as `run` answers, or the error that stopped it (logged). */
export interface TogetherResult extends RunResult {
  error?: unknown;
}

export interface Runner {
  /** the transition, its Google work, then the delivery of the request's outbox */
  run(id: string, event: RequestEvent, options?: RunOptions): Promise<RunResult>;
  /**
   * `run` for several requests at once (the sweep's due grants of one
   * service), in as few transactions as Firestore allows: ONE transaction
   * commits every request's transition (`store.transactEach`, up to
   * MAX_TRANSACT_EACH requests each; more are split into chunks committed
   * concurrently), their Google work runs concurrently, each under its own
   * lease and with its seat of `seats` (one IAM batch: one SetIamPolicy),
   * and ONE transaction per chunk records every outcome. The Slack messages
   * the transitions queue are not sent here: they wait in the requests'
   * outboxes for the sweep's outbox pass, so no message holds an ending up.
   * Answers by request id; every seat is left by the time it answers.
   */
  runTogether(events: ReadonlyMap<string, RequestEvent>, seats?: ReadonlyMap<string, RemovalSeat>): Promise<Map<string, TogetherResult>>;
  /** delivers what `request`'s outbox owes now (request as last read); returns the request as last written */
  deliver(request: AccessRequest): Promise<{ request: AccessRequest; report: DeliveryReport }>;
  /** a lease for this process, valid from now */
  lease(): { holder: string; leaseUntil: Date };
  /** what the apply of a request would write first (its kind's `plan`), for the approval that starts it to record */
  plan: PlanWrite;
  /** what the revert of a request writes first (its kind's `planRevert`), for the claim that starts it to record */
  planRevert: PlanWrite;
}

/** The event for `id` (transactEach decides only on the ids it was given). */
function eventOf(events: ReadonlyMap<string, RequestEvent>, id: string): RequestEvent {
  const event = events.get(id);
  if (!event) throw new Error(`no event for request ${id}`);
  return event;
}

export function createRunner(deps: AppDeps, kinds: Record<AccessRequest['kind'], KindEffects>, homes?: HomeRefresher): Runner {
  const { store, clock, logger, settings } = deps;
  let sequence = 0;
  const outbox = createOutbox(deps, createSlackDelivery(deps), () => lease().holder);
  const weigh = createWeigh(deps);
  const late = createLateWrites(deps, kinds);
  /** The Google work of each effect that has some; the Slack effects wait in the outbox. */
  const work: Partial<Record<Effect['type'], EffectWork>> = {
    apply: createApply(deps, kinds, weigh, late),
    revert: createRevert(deps, kinds),
    extend: createExtend(deps, kinds, weigh, late),
  };

  function lease(): { holder: string; leaseUntil: Date } {
    sequence += 1;
    return {
      holder: `${settings.instanceId}#${sequence}`,
      leaseUntil: new Date(clock.now().getTime() + settings.leaseSeconds * 1000),
    };
  }

  async function run(id: string, event: RequestEvent, options: RunOptions = {}): Promise<RunResult> {
    let result: RunResult;
    try {
      result = await step(id, event, options.batch);
    } finally {
      options.batch?.leave(); // only Slack work is left: never hold a sweep's IAM batch for it
    }
    if (!result.outcome.ok || !result.final) return result;
    try {
      return { ...result, final: (await outbox.deliver(result.final)).request };
    } catch (error) {
      // A message not delivered now stays in the outbox: the sweep delivers it.
      logger.error('outbox delivery failed', { requestId: id, error: asWardenError(error).operatorMessage });
      return result;
    }
  }

  /** One transition committed, then its Google work (whose outcomes are further transitions), without Slack. */
  async function step(id: string, event: RequestEvent, batch?: RemovalSeat): Promise<RunResult> {
    // The time is read inside the transaction (each attempt reads it again), so events are in commit order.
    let before: AccessRequest | undefined;
    const outcome = await store.transact(id, (current) => {
      before = current;
      return transition(current, event, clock.now());
    });
    if (!outcome.ok) return { outcome };
    const log = logger.child({ requestId: id });
    log.info(`request ${outcome.event.action}`, { status: outcome.next.status, actor: outcome.event.actor });
    let final = outcome.next;
    let taken = false;
    for (const effect of outcome.effects) {
      try {
        const performed = await perform(final, effect, batch);
        final = performed.next ?? final;
        taken ||= performed.taken === true;
      } catch (error) {
        log.error('effect failed', { effect: effect.type, error: asWardenError(error).operatorMessage });
      }
    }
    // Every transition people can see (it has effects) refreshes the App Home of whoever it concerns.
    if (outcome.effects.length > 0) await homes?.afterTransition(before, outcome.next);
    return taken ? { outcome, final, taken } : { outcome, final };
  }

  /**
   * An effect's Google work under this process's lease, and the transition recording its outcome: `next`, the
   * request as recorded; `taken` when the work was abandoned or its record refused (another process has it).
   */
  async function perform(
    request: AccessRequest,
    effect: Effect,
    batch: RemovalSeat | undefined,
  ): Promise<{ next?: AccessRequest | undefined; taken?: boolean }> {
    const google = work[effect.type];
    if (!google) return {};
    const done = await google(request, { guard: guardFor(request, request.op?.holder ?? ''), batch });
    batch?.leave(); // the Google work is over: the batch need not wait for this request's record and Slack
    if (!done) return { taken: true };
    const recorded = await step(request.id, done.event);
    if (!recorded.outcome.ok) {
      await done.late?.();
      return { taken: true };
    }
    return { next: recorded.final, taken: recorded.taken };
  }

  /**
   * Checks and renews this process's lease immediately before a write to
   * Google, recording what is about to be written — in a transaction, except
   * once: the first write of an apply or a revert whose claim, committed by this process
   * under `holder`, already recorded exactly this `writing` (plannedBy) and
   * whose lease has at least half its length left. Then that claim is the
   * check: no other process may take the request before the lease ends.
   */
  function guardFor(claimed: AccessRequest, holder: string): Guard {
    const id = claimed.id;
    let planned = claimed.writing?.plannedBy === holder && claimed.op?.holder === holder;
    return async (call, writing) => {
      const now = clock.now();
      const fresh = claimed.op !== undefined && claimed.op.leaseUntil.getTime() - now.getTime() > (settings.leaseSeconds * 1000) / 2;
      const recorded = writing !== undefined && Object.entries(writing).every(([key, value]) => claimed.writing?.[key] === value);
      const skip = planned && fresh && recorded;
      planned = false; // once: a second write (a retry) is checked and recorded in a transaction
      if (skip) return;
      const leaseUntil = new Date(now.getTime() + settings.leaseSeconds * 1000);
      const outcome = await store.transact(id, (current) =>
        transition(current, { type: 'renew_lease', holder, leaseUntil, call, writing }, clock.now()),
      );
      if (!outcome.ok) throw outcome.error;
    };
  }

  /** The Google effect of a transition (apply, revert or extend), if it has one: a transition never has two. */
  function googleEffect(outcome: TransitionOutcome): Effect | undefined {
    return outcome.ok ? outcome.effects.find((effect) => work[effect.type] !== undefined) : undefined;
  }

  async function runTogether(
    events: ReadonlyMap<string, RequestEvent>,
    seats: ReadonlyMap<string, RemovalSeat> = new Map(),
  ): Promise<Map<string, TogetherResult>> {
    const results = new Map<string, TogetherResult>();
    const ids = [...events.keys()];
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_TRANSACT_EACH) chunks.push(ids.slice(i, i + MAX_TRANSACT_EACH));
    try {
      // concurrently: a chunk's Google work waits in the IAM batch for the seats of the others
      await Promise.all(chunks.map((chunk) => together(chunk, events, seats, results)));
    } finally {
      for (const seat of seats.values()) seat.leave();
    }
    return results;
  }

  /**
   * One chunk of `runTogether`. The chunks share one IAM batch, which writes once every seat has asked or
   * left: however this chunk ends (its claims refused or failed, its work thrown), its seats are left, so
   * the other chunks' removals never wait for seats that will not ask.
   */
  async function together(
    ids: readonly string[],
    events: ReadonlyMap<string, RequestEvent>,
    seats: ReadonlyMap<string, RemovalSeat>,
    results: Map<string, TogetherResult>,
  ): Promise<void> {
    try {
      await togetherChunk(ids, events, seats, results);
    } finally {
      for (const id of ids) seats.get(id)?.leave();
    }
  }

  /**
   * `store.transactEach`, and when its one commit fails, each request in a transaction of its own: Firestore
   * refuses a whole commit for one document it will not write, and that document must fail alone, not take
   * every request it shares the commit with down with it (sweep after sweep). `failures`: the requests whose
   * own commit failed too (nothing of theirs changed).
   */
  async function transactEachOrAlone(
    ids: readonly string[],
    decide: (current: AccessRequest) => TransitionOutcome,
  ): Promise<{ outcomes: Map<string, TransitionOutcome>; failures: Map<string, unknown> }> {
    try {
      return { outcomes: await store.transactEach(ids, decide), failures: new Map() };
    } catch (error) {
      if (ids.length <= 1) return { outcomes: new Map(), failures: new Map(ids.map((id) => [id, error])) };
      logger.warn('transitions together failed; each is tried alone', { requestIds: ids, error: asWardenError(error).operatorMessage });
      const outcomes = new Map<string, TransitionOutcome>();
      const failures = new Map<string, unknown>();
      await Promise.all(
        ids.map(async (id) => {
          try {
            for (const [one, outcome] of await store.transactEach([id], decide)) outcomes.set(one, outcome);
          } catch (failure) {
            failures.set(id, failure);
          }
        }),
      );
      return { outcomes, failures };
    }
  }

  /** One chunk of `runTogether`: its claim transaction, its Google work, its record transaction. */
  async function togetherChunk(
    ids: readonly string[],
    events: ReadonlyMap<string, RequestEvent>,
    seats: ReadonlyMap<string, RemovalSeat>,
    results: Map<string, TogetherResult>,
  ): Promise<void> {
    const failed = (failures: ReadonlyMap<string, unknown>, what: string): void => {
      for (const [id, error] of failures) {
        const failure = asWardenError(error);
        logger.error(what, { requestId: id, error: failure.operatorMessage });
        results.set(id, { outcome: { ok: false, error: failure }, error });
      }
    };
    const before = new Map<string, AccessRequest>();
    const { outcomes: claimed, failures: unclaimed } = await transactEachOrAlone(ids, (current) => {
      before.set(current.id, current);
      return transition(current, eventOf(events, current.id), clock.now());
    });
    failed(unclaimed, 'transition failed; nothing changed');
    // Each claimed request's Google work, concurrently (removals meet in their IAM batch).
    const outcomes: Array<{ id: string; claim: AccessRequest; done: EffectDone }> = [];
    await Promise.all(
      ids.map(async (id) => {
        const outcome = claimed.get(id);
        if (!outcome?.ok) {
          seats.get(id)?.leave();
          if (outcome) results.set(id, { outcome });
          return;
        }
        const log = logger.child({ requestId: id });
        log.info(`request ${outcome.event.action}`, { status: outcome.next.status, actor: outcome.event.actor });
        results.set(id, { outcome, final: outcome.next });
        if (outcome.effects.length > 0) await homes?.afterTransition(before.get(id), outcome.next);
        const effect = googleEffect(outcome);
        const google = effect && work[effect.type];
        try {
          const done =
            google && (await google(outcome.next, { guard: guardFor(outcome.next, outcome.next.op?.holder ?? ''), batch: seats.get(id) }));
          if (done) outcomes.push({ id, claim: outcome.next, done });
          else if (google) results.set(id, { outcome, final: outcome.next, taken: true }); // abandoned: its lease was lost
        } catch (error) {
          log.error('effect failed', { effect: effect?.type, error: asWardenError(error).operatorMessage });
        } finally {
          seats.get(id)?.leave();
        }
      }),
    );
    if (outcomes.length === 0) return;
    // Every outcome recorded in one transaction.
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    const doneEvents = new Map(outcomes.map((o) => [o.id, o.done.event]));
    const recordedFrom = new Map<string, AccessRequest>();
    const { outcomes: recorded, failures: unrecorded } = await transactEachOrAlone([...byId.keys()], (current) => {
      recordedFrom.set(current.id, current);
      return transition(current, eventOf(doneEvents, current.id), clock.now());
    });
    // Left claimed under their leases: once those run out, the sweep finishes them (a revert finds its removal done).
    failed(unrecorded, 'outcome could not be recorded; the sweep finishes it once its lease ends');
    await Promise.all(
      outcomes.map(async ({ id, claim, done }) => {
        if (unrecorded.has(id)) return;
        const outcome = recorded.get(id);
        if (!outcome?.ok) {
          // refused as stale: another process took the request over once this one's lease ran out
          const claimed = results.get(id);
          if (claimed) results.set(id, { ...claimed, final: claim, taken: true });
          await done.late?.();
          return;
        }
        logger
          .child({ requestId: id })
          .info(`request ${outcome.event.action}`, { status: outcome.next.status, actor: outcome.event.actor });
        if (outcome.effects.length > 0) await homes?.afterTransition(recordedFrom.get(id) ?? claim, outcome.next);
        let final = outcome.next;
        // a recorded outcome that starts more Google work (none does today) carries on alone
        const more = googleEffect(outcome);
        const performed = more ? await perform(final, more, undefined) : {};
        final = performed.next ?? final;
        results.set(id, { outcome: results.get(id)?.outcome ?? outcome, final, ...(performed.taken ? { taken: true } : {}) });
      }),
    );
  }

  const plan: PlanWrite = (request, now) => kinds[request.kind].plan?.(request, now);
  const planRevert: PlanWrite = (request) => kinds[request.kind].planRevert?.(request);

  return { run, runTogether, lease, plan, planRevert, deliver: (request) => outbox.deliver(request) };
}

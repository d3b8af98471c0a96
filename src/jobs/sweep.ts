/**
 * The scheduled sweep (POST /jobs/sweep, every minute): ends what expired,
 * finishes applies and reverts that were interrupted, times out stale pending
 * requests, re-posts approval messages that never made it, and reminds
 * approvers — of pending requests, and of break-glass requests that await
 * review (whatever their status) —, tells requesters when the window of a
 * scheduled grant opens, and checks active requests for drift (one read per resource).
 * Every step is a state-machine transition under a Firestore
 * transaction and lease, so two sweeps at once — or a sweep and a click —
 * never do the same work twice, and a second run finds nothing left to do.
 *
 * At scale: the store is read in pages through indexed queries (never the
 * whole collection at once), due grants first; a service's due invoker grants
 * are ended together (endDueGrants.ts, runner.runTogether): their claims in
 * ONE Firestore transaction, their bindings in ONE IAM read-modify-write
 * (src/app/iamBatches.ts: each request a seat in its service's batch), their
 * ends in ONE transaction — each request still decided on its own document,
 * under its own lease, with its own audit events — and the Slack messages
 * they owe left to the outbox pass at the end of the run; up to
 * `sweepConcurrency` services at a time; and no
 * new work starts after `sweepBudgetSeconds`: what is left is counted in
 * `deferred` and waits for the next run. The sweep answers by
 * `sweepDeadlineSeconds` at the latest, whatever is still running (a Slack
 * that hangs holds a step for up to 30 s per message): steps still in flight
 * then are counted in `deferred` too, and finish on their own under their
 * leases. A shutdown (SIGTERM) stops the sweep at once the same way: no new
 * work, an answer now. The App Home tabs the run's
 * transitions concern are published at the end, each user's once
 * (sweepHomes.ts), with the same concurrency and within the same budget.
 */
import { asWardenError } from '../domain/errors';
import type { AccessRequest, RequestKind } from '../domain/request';
import type { RequestEvent } from '../domain/stateMachine';
import type { KindEffects } from '../kinds/kind';
import { createDriftCheck } from './checkDrift';
import { expiryWarningDue } from '../domain/expiryWarning';
import { revertWaiting } from '../domain/ending';
import { reminderDue, reviewReminderDue } from '../domain/reminders';
import { windowOpenDue } from '../domain/schedule';
import type { AppDeps } from '../app/deps';
import type { Runner, RunResult } from '../app/runner';
import type { PageCursor, PageQuery, RequestPage } from '../ports';
import { forEachLimited } from './forEachLimited';
import { endDueGrants } from './endDueGrants';
import { createOutboxSweep } from './sweepOutbox';
import { createSweepHomes } from './sweepHomes';
import type { HomeRefresher } from '../app/homeRefresher';
import { createRemovalBatch, type RemovalSeat } from '../app/iamBatches';

/**
 * The most due grants one pass of the sweep's first phase holds before ending
 * them (ids: ~100 bytes each, so ~2 MB): a service whose due grants are
 * fewer than this in one run takes one IAM write for all of them.
 */
export const MAX_DUE_HELD = 20_000;

/**
 * What one sweep did, by what actually happened (the JSON of POST /jobs/sweep;
 * the ids behind each count are in the `sweep finished` log line):
 * expired / revoked / drifted — ended (drifted: someone else's change found and left alone);
 * applied — interrupted applies finished; retried — an apply or revert that failed and will be tried again;
 * failed — requests that ended failed; timedOut, reminded;
 * revertFailing — active requests whose revert Google keeps refusing (what runwarden wrote is still in force): tried
 * in this run and refused again, or waiting for their next attempt (backoff recorded on the request, `revertFailing.retryAt`);
 * delivered — Slack messages that had waited in an outbox (failed, rate limited, or left by a process that died)
 * and were delivered now (a step's own messages are sent right after it and show here only if they had to wait);
 * reposted — approval messages among them; deliveryFailed — outbox messages tried and failed again (retried later);
 * deliveryDropped — outbox messages given up (permanent Slack error, too many attempts, too old);
 * skipped — work another process holds (a live lease) or finished first; malformed — documents that do not validate;
 * errors — steps that threw (logged with the request id);
 * deferred — requests this run did not get to before its time budget ran out, or still in flight when it
 * answered at its deadline or was stopped by a shutdown (the next run takes them).
 */
export interface SweepCounts {
  expired: number;
  revoked: number;
  drifted: number;
  applied: number;
  retried: number;
  /** reverts refused by Google (tried again now and refused, or waiting for their backoff): the change is still in force */
  revertFailing: number;
  failed: number;
  timedOut: number;
  reminded: number;
  reviewReminded: number;
  windowsOpened: number;
  reposted: number;
  delivered: number;
  deliveryFailed: number;
  deliveryDropped: number;
  /** expiry warnings sent */
  warned: number;
  /** interrupted extensions taken over */
  extended: number;
  skipped: number;
  malformed: number;
  errors: number;
  deferred: number;
}

export type SweepTally = keyof SweepCounts;

export function emptyCounts(): SweepCounts {
  return {
    expired: 0,
    revoked: 0,
    drifted: 0,
    applied: 0,
    retried: 0,
    revertFailing: 0,
    failed: 0,
    timedOut: 0,
    reminded: 0,
    reviewReminded: 0,
    windowsOpened: 0,
    reposted: 0,
    delivered: 0,
    deliveryFailed: 0,
    deliveryDropped: 0,
    warned: 0,
    extended: 0,
    skipped: 0,
    malformed: 0,
    errors: 0,
    deferred: 0,
  };
}

/** Which count a sweep step's result belongs to: the request's state after the step, not the step's intent. */
export function tallyOf(final: AccessRequest | undefined): SweepTally {
  if (!final) return 'skipped';
  if (final.result?.drift !== undefined && (final.status === 'expired' || final.status === 'revoked')) return 'drifted';
  switch (final.status) {
    case 'expired':
      return 'expired';
    case 'revoked':
      return 'revoked';
    case 'failed':
      return 'failed';
    case 'timed_out':
      return 'timedOut';
    case 'applied':
      return 'applied';
    case 'active':
      // still active after a revert: refused by Google (retried with backoff), or interrupted; after an apply: applied
      if (final.op?.type === 'revert') return final.revertFailing ? 'revertFailing' : 'retried';
      return 'applied';
    case 'approved':
      return 'retried';
    default:
      return 'skipped';
  }
}

/** One sweep's counts and, for the log, the request ids behind each. */
interface SweepRun {
  counts: SweepCounts;
  ids: Partial<Record<SweepTally, string[]>>;
  /** requests whose step has started and not finished */
  inFlight: Set<string>;
  /** the run answered early (its deadline, a shutdown): what is still running ends its steps and reads nothing more */
  answered: boolean;
}

/** How a sweep's work ended: all of it, or cut at the sweep's deadline, or by a shutdown. */
type Ending = 'done' | 'deadline' | 'stopped';

/** Resolves when `work` settles, at `deadlineMs` from now, or when `signal` aborts, whichever comes first. */
async function settleBy(work: Promise<unknown>, deadlineMs: number, signal: AbortSignal | undefined): Promise<Ending> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cut = new Promise<Ending>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), Math.max(0, deadlineMs));
    onAbort = () => resolve('stopped');
    if (signal?.aborted) resolve('stopped');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work.then((): Ending => 'done'), cut]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function leaseLive(request: AccessRequest, now: Date): boolean {
  return request.op !== undefined && request.op.leaseUntil.getTime() > now.getTime();
}

/**
 * @param track told of each run's work (which may outlive the run's answer),
 *   so that a graceful stop waits for it
 */
export function createSweep(
  deps: AppDeps,
  runner: Runner,
  kinds: Record<RequestKind, KindEffects>,
  homes?: HomeRefresher,
  track?: (work: Promise<unknown>) => void,
) {
  const { store, clock, settings, logger, iam } = deps;
  const checkDrift = createDriftCheck(deps, runner, kinds);
  const sweepOutbox = createOutboxSweep(deps, runner);

  function tally(run: SweepRun, what: SweepTally, id: string): void {
    // a request another process holds may be met by several phases of one run: it is skipped once
    if ((what === 'skipped' || what === 'deferred') && run.ids[what]?.includes(id)) return;
    run.counts[what] += 1;
    (run.ids[what] ??= []).push(id);
  }
  function count(run: SweepRun, final: AccessRequest | undefined, id: string): void {
    tally(run, tallyOf(final), id);
  }
  /** A step's result: one another process took over while it ran (this run's lease ran out) is skipped, not retried. */
  function counted(run: SweepRun, result: RunResult, id: string): void {
    if (result.taken) return tally(run, 'skipped', id);
    count(run, result.outcome.ok ? result.final : undefined, id);
  }

  /**
   * Whether the sweep ends `request` now: it is due (or being revoked), no
   * other process holds it, and a failing revert's backoff has passed (what
   * is left alone is counted here).
   */
  function endable(request: AccessRequest, run: SweepRun): boolean {
    const now = clock.now();
    const revoking = request.op?.type === 'revert' && request.op.intent === 'revoke';
    const due = request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime();
    if (!revoking && !due) return false;
    if (leaseLive(request, now)) return (tally(run, 'skipped', request.id), false); // another process is ending it
    // Google refused its revert before: the next attempt waits for its backoff, whichever instance sweeps.
    if (revertWaiting(request, now)) return (tally(run, 'revertFailing', request.id), false);
    return true;
  }

  /** The sweep's claim of a revert, recording the revert's first write with it (no lease renewal right after). */
  function claimRevert(): RequestEvent {
    return { type: 'claim_revert', maxAttempts: settings.maxAttempts, plan: runner.planRevert, ...runner.lease() };
  }

  /** Ends a due (or revoked) request alone. */
  async function endDue(request: AccessRequest, run: SweepRun): Promise<void> {
    if (!endable(request, run)) return;
    counted(run, await runner.run(request.id, claimRevert()), request.id);
  }

  /**
   * Ends due requests (by id, found endable when read) on one resource
   * together (runner.runTogether): their claims in one transaction — each
   * decided on its document as it is then: one another process took
   * meanwhile is refused and counted skipped —, their removals in one IAM
   * batch (one SetIamPolicy), their ends in one transaction; their Slack
   * messages wait for the outbox pass at the end of the run.
   */
  async function endTogether(resource: string, ids: readonly string[], run: SweepRun): Promise<void> {
    if (ids.length === 0) return;
    const seats = createRemovalBatch(iam, resource, ids.length);
    const events = new Map(ids.map((id) => [id, claimRevert()]));
    const seatOf = new Map(ids.map((id, i) => [id, seats[i] as RemovalSeat]));
    for (const id of ids) run.inFlight.add(id);
    try {
      const results = await runner.runTogether(events, seatOf);
      for (const id of ids) {
        const result = results.get(id);
        if (result?.error !== undefined) tally(run, 'errors', id);
        else if (result) counted(run, result, id);
        else count(run, undefined, id);
      }
    } catch (error) {
      for (const id of ids) tally(run, 'errors', id);
      logger.error('sweep could not end grants together', { target: resource, error: asWardenError(error).operatorMessage });
    } finally {
      for (const id of ids) run.inFlight.delete(id);
    }
  }

  /** An active request not yet due: finish an interrupted extension or revoke, or warn its requester once. */
  async function tendActive(request: AccessRequest, run: SweepRun): Promise<void> {
    const now = clock.now();
    const due = request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime();
    if (due) return; // ended by the due phase (or left to the next run)
    if (request.op?.type === 'extend') {
      if (leaseLive(request, now)) return tally(run, 'skipped', request.id);
      const { outcome } = await runner.run(request.id, { type: 'claim_extend', maxAttempts: settings.maxAttempts, ...runner.lease() });
      if (outcome.ok) tally(run, 'extended', request.id);
      return;
    }
    await endDue(request, run);
    if (expiryWarningDue(request, now)) {
      const { outcome } = await runner.run(request.id, { type: 'warn_expiry' });
      if (outcome.ok) tally(run, 'warned', request.id);
    }
  }

  async function finishApply(request: AccessRequest, run: SweepRun): Promise<void> {
    if (leaseLive(request, clock.now())) return tally(run, 'skipped', request.id); // another process is applying it
    counted(run, await runner.run(request.id, { type: 'claim_apply', maxAttempts: settings.maxAttempts, ...runner.lease() }), request.id);
  }

  async function tendPending(request: AccessRequest, run: SweepRun): Promise<void> {
    const now = clock.now().getTime();
    if (request.createdAt.getTime() + settings.pendingTimeoutSeconds * 1000 <= now) {
      const { outcome, final } = await runner.run(request.id, { type: 'timeout', pendingTimeoutSeconds: settings.pendingTimeoutSeconds });
      count(run, outcome.ok ? final : undefined, request.id);
      return;
    }
    // An approval message not posted yet is owed in the outbox; the outbox pass below posts it.
    if (!reminderDue(request, clock.now(), settings.remindAfterSeconds)) return;
    const { outcome } = await runner.run(request.id, { type: 'reminded', remindAfterSeconds: settings.remindAfterSeconds });
    if (outcome.ok) tally(run, 'reminded', request.id);
  }

  async function openWindow(request: AccessRequest, run: SweepRun): Promise<void> {
    if (!windowOpenDue(request, clock.now())) return;
    const { outcome } = await runner.run(request.id, { type: 'window_opened' });
    if (outcome.ok) tally(run, 'windowsOpened', request.id);
  }

  async function remindReview(request: AccessRequest, run: SweepRun): Promise<void> {
    if (!reviewReminderDue(request, clock.now(), settings.remindAfterSeconds)) return;
    const { outcome } = await runner.run(request.id, { type: 'review_reminded', remindAfterSeconds: settings.remindAfterSeconds });
    if (outcome.ok) tally(run, 'reviewReminded', request.id);
  }

  /** One step, its failure counted and logged rather than stopping the sweep. */
  async function step(request: AccessRequest, run: SweepRun, work: (r: AccessRequest, run: SweepRun) => Promise<void>): Promise<void> {
    run.inFlight.add(request.id);
    try {
      await work(request, run);
    } catch (error) {
      tally(run, 'errors', request.id);
      logger.error('sweep step failed', { requestId: request.id, error: asWardenError(error).operatorMessage });
    } finally {
      run.inFlight.delete(request.id);
    }
  }

  /** A page, its malformed documents counted and logged once each (they are skipped, never guessed at). */
  async function read(run: SweepRun, query: PageQuery): Promise<RequestPage> {
    const page = await store.page(query);
    for (const bad of page.malformed) {
      if (run.ids.malformed?.includes(bad.id)) continue;
      tally(run, 'malformed', bad.id);
      logger.error('sweep skipped a malformed request document', { requestId: bad.id, problem: bad.problem });
    }
    return page;
  }

  /**
   * Every page of `query`, each handed to `work` in batches that it runs with
   * bounded concurrency; stops starting work when the budget runs out and
   * counts what it did not get to (the rest of the page and, by an
   * aggregation query, every later page) in `deferred`. False when stopped.
   */
  async function pages<T>(
    run: SweepRun,
    query: Omit<PageQuery, 'limit' | 'after'>,
    batches: (requests: AccessRequest[]) => T[][],
    work: (batch: T[]) => Promise<void>,
    inBudget: () => boolean,
  ): Promise<boolean> {
    let after: PageCursor | undefined;
    do {
      if (!inBudget()) {
        if (!run.answered) run.counts.deferred += await store.count({ ...query, after });
        return false;
      }
      const page = await read(run, { ...query, after, limit: settings.sweepPageSize });
      const left = await forEachLimited(batches(page.requests), settings.sweepConcurrency, work, inBudget);
      if (left.length > 0) {
        if (!run.answered)
          run.counts.deferred +=
            left.reduce((n, batch) => n + batch.length, 0) + (page.next ? await store.count({ ...query, after: page.next }) : 0);
        return false;
      }
      after = page.next;
    } while (after);
    return true;
  }

  /**
   * An ordered query never returns a document that lacks its sort field (only
   * a malformed one can). Two aggregation counts (`all`: the status's documents) tell whether there is any;
   * only then are the status's documents read in id order to name them.
   */
  async function findUnsortable(run: SweepRun, status: PageQuery['status'], orderBy: PageQuery['orderBy'], all: number): Promise<void> {
    if (all <= (await store.count({ status, orderBy }))) return;
    let after: PageCursor | undefined;
    do {
      const page = await read(run, { status, orderBy: 'id', after, limit: settings.sweepPageSize });
      after = page.next;
    } while (after);
  }

  /** Phase 1 (endDueGrants.ts): false when the budget ran out, the due grants left counted in `deferred`. */
  async function endAllDue(run: SweepRun, now: Date, inBudget: () => boolean): Promise<boolean> {
    const deps = {
      read: (query: PageQuery) => read(run, query),
      count: (query: Omit<PageQuery, 'limit'>) => store.count(query),
      endable: (request: AccessRequest) => endable(request, run),
      end: (request: AccessRequest) => step(request, run, endDue),
      endTogether: (resource: string, ids: readonly string[]) => endTogether(resource, ids, run),
      pageSize: settings.sweepPageSize,
      concurrency: settings.sweepConcurrency,
      maxHeld: MAX_DUE_HELD,
    };
    const { complete, deferred } = await endDueGrants(deps, now, inBudget);
    run.counts.deferred += deferred;
    return complete;
  }

  const one = (requests: AccessRequest[]): AccessRequest[][] => requests.map((r) => [r]);

  const withHomes = createSweepHomes(homes, settings.sweepConcurrency);

  /**
   * One run. `signal` (a shutdown) stops it: no new work starts, and it
   * answers at once with what it did, the steps still running counted in
   * `deferred`. It answers by `sweepDeadlineSeconds` in any case.
   */
  return async function sweep(signal?: AbortSignal): Promise<SweepCounts> {
    // Real elapsed time, not the app clock: the budget is about Cloud Scheduler's deadline.
    const started = Date.now();
    const inBudget = (): boolean => signal?.aborted !== true && Date.now() - started < settings.sweepBudgetSeconds * 1000;
    const run: SweepRun = { counts: emptyCounts(), ids: {}, inFlight: new Set(), answered: false };
    // Home tabs the run's transitions concern are published once each, at the end.
    const work = withHomes(() => sweepOnce(run, inBudget), inBudget);
    track?.(work.catch((error: unknown) => logger.error('sweep failed', { error: asWardenError(error).operatorMessage })));
    const ending = await settleBy(work, settings.sweepDeadlineSeconds * 1000 - (Date.now() - started), signal);
    if (ending !== 'done') {
      run.answered = true;
      // Cut short: what is still running finishes on its own (under its lease); the next run takes what it leaves.
      const running = [...run.inFlight];
      for (const id of running) tally(run, 'deferred', id);
      const done = { ...run.counts };
      const why = ending === 'stopped' ? 'runwarden is shutting down' : `its deadline (${settings.sweepDeadlineSeconds} s) passed`;
      logger.warn(`sweep answered early: ${why}`, { counts: done, ids: run.ids, running, finished: false, ms: Date.now() - started });
      return done;
    }
    const { result, homes: published } = await work;
    const { finished, open } = result;
    const done = run.counts;
    const trouble =
      done.failed +
        done.errors +
        done.malformed +
        done.retried +
        done.revertFailing +
        done.drifted +
        done.deferred +
        done.deliveryFailed +
        done.deliveryDropped >
      0;
    // infra/monitoring.tf reads this line: counts.* (per run), open.* (requests by status after the run), ms, finished
    logger[trouble ? 'warn' : 'info']('sweep finished', {
      counts: { ...done },
      ids: run.ids,
      open,
      finished,
      homes: published,
      ms: Date.now() - started,
    });
    return done;
  };

  async function sweepOnce(
    run: SweepRun,
    inBudget: () => boolean,
  ): Promise<{ finished: boolean; open: Record<'active' | 'approved' | 'pending', number> }> {
    const now = clock.now();
    const each = (work: (r: AccessRequest, run: SweepRun) => Promise<void>) => async (batch: AccessRequest[]) => {
      for (const request of batch) await step(request, run, work);
    };
    // 1. due grants, oldest expiry first, a service's together; 2. interrupted applies; 3. pending requests;
    // 4. active requests not yet due, by resource: interrupted extensions and revokes, expiry warnings, drift.
    const finished =
      (await endAllDue(run, now, inBudget)) &&
      (await pages(run, { status: 'approved', orderBy: 'createdAt' }, one, each(finishApply), inBudget)) &&
      (await pages(run, { status: 'pending', orderBy: 'createdAt' }, one, each(tendPending), inBudget)) &&
      (await pages(
        run,
        { status: 'active', orderBy: 'target' },
        (requests) => [requests],
        (batch) => tendActivePage(batch, run),
        inBudget,
      ));
    if (run.answered) return { finished: false, open: { active: 0, approved: 0, pending: 0 } };
    // Requests by status after the steps (aggregation counts: what the operator's dashboard shows as open work).
    const open = {
      active: await store.count({ status: 'active', orderBy: 'id' }),
      approved: await store.count({ status: 'approved', orderBy: 'id' }),
      pending: await store.count({ status: 'pending', orderBy: 'id' }),
    };
    if (finished)
      for (const status of ['active', 'approved', 'pending'] as const)
        await findUnsortable(run, status, status === 'active' ? 'target' : 'createdAt', open[status]);
    // The one-time pass giving documents written before the derived `reviewDue` field their field (a bounded page
    // per step, while in budget; one cached answer once done). Until it is done the review list reads the old way.
    while (inBudget() && !(await store.markReviewDue(settings.sweepPageSize)).done);
    // Break-glass requests awaiting review (rare: an equality query, in bounded pages). Each is logged every run
    // with how long it has waited: infra/monitoring.tf alerts when one has waited longer than its review deadline.
    let after: PageCursor | undefined;
    do {
      const glass = await store.listAwaitingReview({ limit: settings.sweepPageSize, after });
      for (const bad of glass.malformed) tally(run, 'malformed', bad.id);
      for (const request of glass.requests) {
        const since = request.appliedAt ?? request.createdAt;
        const unreviewedSeconds = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
        logger.info('break-glass request awaiting review', {
          requestId: request.id,
          kind: request.kind,
          target: request.target,
          requester: request.requester,
          unreviewedSeconds,
        });
        await step(request, run, remindReview);
      }
      after = glass.next;
    } while (after);
    // Slack messages still owed (any status): after the steps above, which deliver their own first.
    if (inBudget()) {
      const outbox = await sweepOutbox(inBudget, run.inFlight);
      for (const bad of outbox.malformed) if (!run.ids.malformed?.includes(bad.id)) tally(run, 'malformed', bad.id);
      for (const what of ['delivered', 'reposted', 'deliveryFailed', 'deliveryDropped', 'errors', 'deferred', 'skipped'] as const)
        for (const id of outbox[what]) tally(run, what, id);
    }
    return { finished, open };
  }

  /** A page of active requests (ordered by resource): tend each, then one drift read per resource. */
  async function tendActivePage(active: AccessRequest[], run: SweepRun): Promise<void> {
    await forEachLimited(active, settings.sweepConcurrency, async (request) => {
      await step(request, run, openWindow);
      await step(request, run, tendActive);
    });
    const drift = await checkDrift(active.filter((r) => !run.ids.expired?.includes(r.id)));
    for (const id of drift.drifted) tally(run, 'drifted', id);
    for (const target of drift.errors) tally(run, 'errors', target);
  }
}

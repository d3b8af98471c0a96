/**
 * The one runner of effects. Every state change goes through `run`: a
 * Firestore transaction asks the state machine for the next state, and only
 * once that is committed does the runner carry out the transition's effects
 * (apply or revert against Google, refresh the approval message, tell the
 * requester or the approvers). Google work happens only under a lease this
 * process won in the transaction, so a doubled click or two sweeps never run
 * it twice; if this process dies half-way, the lease runs out and the sweep
 * finishes the work. The lease is checked (and renewed) in a transaction
 * immediately before each write to Google; a write that still lands after the
 * lease was lost (it was in flight meanwhile) is taken back and recorded.
 * Google work comes first, Slack after: a slow Slack never holds a change up.
 * Slack messages are not effects run here: the transition queued them in the
 * request's outbox in the same write, and the runner delivers that outbox
 * (outbox.ts) once the Google work is done; what it cannot deliver, the sweep will.
 */
import { ErrorCode, asWardenError, type WardenError } from '../domain/errors';
import type { AccessRequest } from '../domain/request';
import { transition, type Effect, type RequestEvent, type TransitionOutcome } from '../domain/stateMachine';
import type { AppDeps } from './deps';
import type { Applied, Guard, KindEffects } from '../kinds/kind';
import { extendedExpiry, openExtension } from '../domain/extensions';
import { decideAuthority } from '../domain/authority/decideAuthority';
import type { Refusal } from '../domain/authority/refusal';
import { refusalText } from '../adapters/slack/views/refusalText';
import { needsFor, withFacts } from './authorityFacts';
import type { HomeRefresher } from './homeRefresher';
import { createOutbox, type DeliveryReport } from './outbox';
import type { RemovalSeat } from './iamBatches';
import { createSlackDelivery } from './slackDelivery';
import { KIND_RULES } from '../kinds/registry';

export interface RunResult {
  outcome: TransitionOutcome;
  /** the request after the transition and all its effects (undefined when refused) */
  final?: AccessRequest | undefined;
}

/** How a run is carried out: `batch`, the request's seat in the sweep's IAM batch for its service (iamBatches.ts). */
export interface RunOptions {
  batch?: RemovalSeat | undefined;
}

export interface Runner {
  /** the transition, its Google work, then the delivery of the request's outbox */
  run(id: string, event: RequestEvent, options?: RunOptions): Promise<RunResult>;
  /** delivers what `request`'s outbox owes now (request as last read); returns the request as last written */
  deliver(request: AccessRequest): Promise<{ request: AccessRequest; report: DeliveryReport }>;
  /** a lease for this process, valid from now */
  lease(): { holder: string; leaseUntil: Date };
}

/**
 * The check before undoing a write that landed after this process lost its
 * lease: there is no lease left to hold; the record, read just before, says
 * the write is not its own (each kind's `undo` decides from it).
 */
const noLeaseLeft: Guard = async () => undefined;

/** Errors worth another attempt by the sweep; anything else ends the request. */
const RETRYABLE = new Set<WardenError['code']>([ErrorCode.Conflict, ErrorCode.Upstream, ErrorCode.Unknown]);

export function createRunner(deps: AppDeps, kinds: Record<AccessRequest['kind'], KindEffects>, homes?: HomeRefresher): Runner {
  const { store, clock, logger, settings } = deps;
  let sequence = 0;
  const outbox = createOutbox(deps, createSlackDelivery(deps), () => lease().holder);

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

  /** One transition and its Google work (which may run further transitions), without Slack. */
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
    for (const effect of outcome.effects) {
      try {
        final = (await perform(final, effect, batch)) ?? final;
      } catch (error) {
        log.error('effect failed', { effect: effect.type, error: asWardenError(error).operatorMessage });
      }
    }
    // Every transition people can see (it has effects) refreshes the App Home of whoever it concerns.
    if (outcome.effects.length > 0) await homes?.afterTransition(before, outcome.next);
    return { outcome, final };
  }

  /** Google work; the Slack effects wait in the outbox. */
  async function perform(request: AccessRequest, effect: Effect, batch: RemovalSeat | undefined): Promise<AccessRequest | undefined> {
    switch (effect.type) {
      case 'apply':
        return applyChange(request);
      case 'revert':
        return revertChange(request, batch);
      case 'extend':
        return applyExtension(request);
      default:
        return undefined;
    }
  }

  /** Checks and renews this process's lease immediately before a write to Google, recording what is about to be written. */
  function guardFor(id: string, holder: string): Guard {
    return async (call, writing) => {
      const now = clock.now();
      const leaseUntil = new Date(now.getTime() + settings.leaseSeconds * 1000);
      const outcome = await store.transact(id, (current) => transition(current, { type: 'renew_lease', holder, leaseUntil, call, writing }, clock.now()));
      if (!outcome.ok) throw outcome.error;
    };
  }

  /**
   * The authority decision at `moment` (apply, apply_extension) on the
   * request as this process holds it under its lease, against the policy in
   * force and facts looked up now. A Slack lookup that fails is an error
   * (the caller retries later), never a "no".
   */
  async function weigh<M extends 'apply' | 'apply_extension'>(moment: M, request: AccessRequest) {
    const policy = deps.policy();
    const refusal = (d: { verdict: string; refusal?: Refusal }) => (d.verdict === 'refused' ? d.refusal : undefined);
    return withFacts(deps.directory, policy, needsFor(policy, request), (facts) => decideAuthority(moment, { request, policy, facts, kinds: KIND_RULES, now: clock.now() }), refusal);
  }

  /** Why authority could not be weighed now (a Slack lookup failed, or kept lacking facts): retried later. */
  const NOT_WEIGHED = 'runwarden could not re-check the approvers with Slack; it will try again.';

  /**
   * Authority is decided again before Google is touched (decideAuthority's
   * `apply`): a request the policy no longer allows fails; a scheduled grant
   * whose window passed ends, nothing written; one whose approvals no longer
   * all count goes back to pending and waits for more. Only then is the
   * change made.
   */
  async function applyChange(request: AccessRequest): Promise<AccessRequest | undefined> {
    const holder = request.op?.holder ?? '';
    const log = logger.child({ requestId: request.id });
    let decision: Awaited<ReturnType<typeof weigh<'apply'>>>;
    try {
      decision = await weigh('apply', request);
    } catch (error) {
      const failure = asWardenError(error);
      log.warn('could not re-check authority before applying', { error: failure.operatorMessage });
      return (await step(request.id, { type: 'apply_failed', holder, reason: NOT_WEIGHED, retryable: true, detail: failure.operatorMessage })).final;
    }
    if (decision.verdict === 'refused') {
      const { refusal } = decision;
      if (refusal.code === 'facts_missing') return (await step(request.id, { type: 'apply_failed', holder, reason: NOT_WEIGHED, retryable: true })).final;
      if (refusal.code === 'window_passed') return (await step(request.id, { type: 'window_passed', holder })).final;
      const reason = refusalText(refusal, settings.slashCommand);
      return (await step(request.id, { type: 'apply_failed', holder, reason, retryable: false, detail: refusal.code })).final;
    }
    if (decision.verdict === 'wait') {
      return (await step(request.id, { type: 'requeue', holder, approvalsRequired: decision.approvalsRequired, dropped: decision.dropped })).final;
    }
    let applied: Applied;
    try {
      applied = await kinds[request.kind].apply(request, clock.now(), guardFor(request.id, holder));
    } catch (error) {
      const failure = asWardenError(error);
      if (failure.code === ErrorCode.LeaseLost) {
        log.warn('apply abandoned: this process lost its lease before writing; another instance owns the request', { holder, error: failure.operatorMessage });
        return undefined;
      }
      log.warn('apply failed', { code: failure.code, error: failure.operatorMessage });
      const retryable = RETRYABLE.has(failure.code);
      const reason = `${failure.userMessage} (request \`${request.id}\`)`;
      return (await step(request.id, { type: 'apply_failed', holder, reason, retryable, detail: failure.operatorMessage })).final;
    }
    const { expiresAt, result, previousValue } = applied;
    const leaseUntil = new Date(clock.now().getTime() + settings.leaseSeconds * 1000);
    const recorded = await step(request.id, { type: 'applied', holder, expiresAt, result, previousValue, leaseUntil });
    if (!recorded.outcome.ok) await undoLateWrite(request, applied);
    return recorded.final;
  }

  /** The apply's write landed after the state moved on (the lease lapsed while it was in flight): take it back. */
  async function undoLateWrite(request: AccessRequest, applied: Applied): Promise<void> {
    const log = logger.child({ requestId: request.id });
    try {
      const current = await store.get(request.id);
      const undone = await kinds[request.kind].undo(request, applied, current, noLeaseLeft);
      if (!undone) {
        log.warn('a late apply finished after the lease was lost; nothing of it needed undoing', { status: current?.status, wrote: applied.wrote });
        return;
      }
      log.warn('a late apply landed after the lease was lost and was undone', undone);
      await store.transact(request.id, (now) => transition(now, { type: 'late_write_undone', detail: undone }, clock.now()));
    } catch (error) {
      log.error('a late apply could not be undone; check the resource by hand', { error: asWardenError(error).operatorMessage, result: applied.result });
    }
  }

  async function applyExtension(request: AccessRequest): Promise<AccessRequest | undefined> {
    const holder = request.op?.holder ?? '';
    const extension = openExtension(request);
    if (!extension) return undefined;
    let decision: Awaited<ReturnType<typeof weigh<'apply_extension'>>>;
    try {
      decision = await weigh('apply_extension', request);
    } catch (error) {
      logger.warn('could not re-check authority before extending', { requestId: request.id, error: asWardenError(error).operatorMessage });
      return (await step(request.id, { type: 'extend_failed', holder, reason: NOT_WEIGHED, retryable: true })).final;
    }
    if (decision.verdict === 'refused') {
      const retryable = decision.refusal.code === 'facts_missing';
      const reason = retryable ? NOT_WEIGHED : refusalText(decision.refusal, settings.slashCommand);
      return (await step(request.id, { type: 'extend_failed', holder, reason, retryable })).final;
    }
    const expiresAt = extendedExpiry(request, extension);
    const effects = kinds[request.kind];
    try {
      await effects.extend(request, expiresAt, guardFor(request.id, holder));
    } catch (error) {
      const failure = asWardenError(error);
      if (failure.code === ErrorCode.LeaseLost) {
        logger.warn('extension abandoned: this process lost its lease before writing', { requestId: request.id, holder });
        return undefined;
      }
      logger.warn('extension failed', { requestId: request.id, code: failure.code, error: failure.operatorMessage });
      const retryable = RETRYABLE.has(failure.code);
      return (await step(request.id, { type: 'extend_failed', holder, reason: failure.userMessage, retryable })).final;
    }
    const recorded = await step(request.id, { type: 'extended', holder, expiresAt });
    if (!recorded.outcome.ok) await undoLateExtension(request, expiresAt);
    return recorded.final;
  }

  /** The extension's write landed after this process lost its lease: put the recorded expiry back unless the record adopted it. */
  async function undoLateExtension(request: AccessRequest, written: Date): Promise<void> {
    const log = logger.child({ requestId: request.id });
    try {
      const current = await store.get(request.id);
      if (!request.expiresAt || current?.expiresAt?.getTime() === written.getTime()) return;
      await kinds[request.kind].extend({ ...request, expiresAt: written }, request.expiresAt, noLeaseLeft);
      log.warn('a late extension landed after the lease was lost and was undone', { expiresAt: request.expiresAt.toISOString() });
    } catch (error) {
      log.error('a late extension could not be undone; check the binding by hand', { error: asWardenError(error).operatorMessage });
    }
  }

  async function revertChange(request: AccessRequest, batch: RemovalSeat | undefined): Promise<AccessRequest | undefined> {
    const holder = request.op?.holder ?? '';
    const log = logger.child({ requestId: request.id });
    let event: RequestEvent;
    try {
      const reverted = await kinds[request.kind].revert(request, guardFor(request.id, holder), batch);
      event =
        reverted.type === 'reverted'
          ? { type: 'reverted', holder, detail: reverted.detail, outcome: reverted.outcome }
          : { type: 'drifted', holder, detail: reverted.detail, observed: reverted.observed };
    } catch (error) {
      const failure = asWardenError(error);
      if (failure.code === ErrorCode.LeaseLost) {
        log.warn('revert abandoned: this process lost its lease before writing; another instance owns the request', { holder });
        return undefined;
      }
      if (failure.code === ErrorCode.ResourceNotFound) {
        // The resource is gone, and what runwarden granted on it went with it.
        const outcome = `${request.target} no longer exists; the access ended with it.`;
        event = { type: 'reverted', holder, detail: { resource: 'deleted' }, outcome };
      } else {
        log.warn('revert failed', { code: failure.code, error: failure.operatorMessage });
        event = { type: 'revert_failed', holder, reason: failure.userMessage };
      }
    }
    batch?.leave(); // the Google work is over: the batch need not wait for this request's record and Slack
    return (await step(request.id, event)).final;
  }

  return { run, lease, deliver: (request) => outbox.deliver(request) };
}

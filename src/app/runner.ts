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
 */
import { ErrorCode, asWardenError, type WardenError } from '../domain/errors';
import { approverIds, findRule, groupsToResolve } from '../domain/policy/evaluate';
import { approvalsInStep, type AccessRequest } from '../domain/request';
import { transition, type Effect, type NoticeKind, type RequestEvent, type TransitionOutcome } from '../domain/stateMachine';
import { approvalMessage } from '../adapters/slack/views/approvalMessage';
import { nextStepMessage } from '../adapters/slack/views/nextStepMessage';
import { requesterNotice } from '../adapters/slack/views/requesterNotice';
import type { AppDeps } from './deps';
import type { Applied, Guard, KindHandler } from './kinds/kindHandler';
import { extendedExpiry, extensionsUsed, openExtension } from '../domain/extensions';
import { extensionMessage } from '../adapters/slack/views/extensionMessage';
import { recheckExtensionAtApply } from './recheck';
import { recheckRequest, weighApprovals, type AuthorityFacts } from '../domain/policy/authority';
import { gatherAuthorityFacts } from './authorityFacts';
import { resolveGroups } from './resolveGroups';
import type { HomeRefresher } from './homeRefresher';

export interface RunResult {
  outcome: TransitionOutcome;
  /** the request after the transition and all its effects (undefined when refused) */
  final?: AccessRequest | undefined;
}

export interface Runner {
  run(id: string, event: RequestEvent): Promise<RunResult>;
  /** a lease for this process, valid from now */
  lease(): { holder: string; leaseUntil: Date };
}

/** Errors worth another attempt by the sweep; anything else ends the request. */
const RETRYABLE = new Set<WardenError['code']>([ErrorCode.Conflict, ErrorCode.Upstream, ErrorCode.Unknown]);

export function createRunner(deps: AppDeps, handlers: Record<AccessRequest['kind'], KindHandler>, homes?: HomeRefresher): Runner {
  const { store, chat, clock, logger, settings } = deps;
  let sequence = 0;

  function lease(): { holder: string; leaseUntil: Date } {
    sequence += 1;
    return {
      holder: `${settings.instanceId}#${sequence}`,
      leaseUntil: new Date(clock.now().getTime() + settings.leaseSeconds * 1000),
    };
  }

  async function run(id: string, event: RequestEvent): Promise<RunResult> {
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
    // Google work first, Slack after: a stuck Slack call never delays a change past its lease.
    const google = (effect: Effect): boolean => effect.type === 'apply' || effect.type === 'revert' || effect.type === 'extend';
    const ordered = [...outcome.effects.filter(google), ...outcome.effects.filter((effect) => !google(effect))];
    for (const effect of ordered) {
      try {
        final = (await perform(final, effect)) ?? final;
      } catch (error) {
        // A failed notification never undoes a committed transition.
        log.error('effect failed', { effect: effect.type, error: asWardenError(error).operatorMessage });
      }
    }
    // Every transition people can see (it has effects) refreshes the App Home of whoever it concerns.
    if (outcome.effects.length > 0) await homes?.afterTransition(before, outcome.next);
    return { outcome, final };
  }

  async function perform(request: AccessRequest, effect: Effect): Promise<AccessRequest | undefined> {
    switch (effect.type) {
      case 'apply':
        return applyChange(request);
      case 'revert':
        return revertChange(request);
      case 'refresh_message':
        await refreshMessage(request);
        return undefined;
      case 'notify_requester':
        await chat.dm(request.requester, requesterNotice(request, effect.notice, { extendButton: effect.notice === 'expiring' && mayExtend(request) }));
        return undefined;
      case 'extend':
        return applyExtension(request);
      case 'post_extension':
        await postExtension(request, effect.n);
        return undefined;
      case 'notify_approvers':
        await notifyApprovers(request, effect.notice);
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
   * Authority is re-checked before Google is touched: a request the policy no
   * longer allows fails; one whose approvals no longer all count goes back to
   * pending and waits for more. Only then is the change made.
   */
  async function applyChange(request: AccessRequest): Promise<AccessRequest | undefined> {
    const holder = request.op?.holder ?? '';
    const log = logger.child({ requestId: request.id });
    const policy = deps.policy();
    let facts: AuthorityFacts;
    try {
      facts = await gatherAuthorityFacts(deps.directory, policy, request);
    } catch (error) {
      const failure = asWardenError(error);
      log.warn('could not re-check authority before applying', { error: failure.operatorMessage });
      const reason = 'runwarden could not re-check the approvers with Slack; it will try again.';
      return (await run(request.id, { type: 'apply_failed', holder, reason, retryable: true, detail: failure.operatorMessage })).final;
    }
    const authority = recheckRequest(policy, request, facts);
    if (!authority.ok) {
      const reason = `The policy in force no longer allows this change: ${authority.message}`;
      return (await run(request.id, { type: 'apply_failed', holder, reason, retryable: false })).final;
    }
    // Break-glass and auto-approved requests stand on the rule (re-checked above), not on people's approvals.
    const standsOnRule = request.breakGlass === true || request.autoApproved === true;
    // Multi-step: every step's approvals must still count; a step that lost some fails the request (it is not sent back).
    for (const level of authority.steps ?? []) {
      const weighed = weighApprovals(approvalsInStep(request, level.step), level.standing);
      if (weighed.dropped.length > 0 || weighed.counted.length < level.approvalsRequired) {
        const reason = `The approvals of step ${level.step} (*${level.approverGroup}*) no longer all count under the policy in force; submit the request again.`;
        return (await run(request.id, { type: 'apply_failed', holder, reason, retryable: false })).final;
      }
    }
    const multiStep = authority.steps !== undefined;
    const { counted, dropped } = standsOnRule || multiStep ? { counted: [], dropped: [] } : weighApprovals(request.approvals, authority.standing);
    if (!standsOnRule && !multiStep && (dropped.length > 0 || counted.length < authority.approvalsRequired)) {
      return (await run(request.id, { type: 'requeue', holder, approvalsRequired: authority.approvalsRequired, dropped })).final;
    }
    let applied: Applied;
    try {
      applied = await handlers[request.kind].apply(request, clock.now(), guardFor(request.id, holder));
    } catch (error) {
      const failure = asWardenError(error);
      if (failure.code === ErrorCode.LeaseLost) {
        log.warn('apply abandoned: this process lost its lease before writing; another instance owns the request', { holder, error: failure.operatorMessage });
        return undefined;
      }
      log.warn('apply failed', { code: failure.code, error: failure.operatorMessage });
      const retryable = RETRYABLE.has(failure.code);
      const reason = `${failure.userMessage} (request \`${request.id}\`)`;
      return (await run(request.id, { type: 'apply_failed', holder, reason, retryable, detail: failure.operatorMessage })).final;
    }
    const { expiresAt, result, previousValue } = applied;
    const recorded = await run(request.id, { type: 'applied', holder, expiresAt, result, previousValue });
    if (!recorded.outcome.ok) await undoLateWrite(request, applied);
    return recorded.final;
  }

  /** The apply's write landed after the state moved on (the lease lapsed while it was in flight): take it back. */
  async function undoLateWrite(request: AccessRequest, applied: Applied): Promise<void> {
    const log = logger.child({ requestId: request.id });
    try {
      const current = await store.get(request.id);
      const undone = await handlers[request.kind].undo(request, applied, current);
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

  /** Whether the rule lets the requester ask for (another) extension now. */
  function mayExtend(request: AccessRequest): boolean {
    const rule = findRule(deps.policy(), request.kind, request.target)?.rule;
    return rule !== undefined && !openExtension(request) && extensionsUsed(request) < rule.maxExtensions;
  }

  async function applyExtension(request: AccessRequest): Promise<AccessRequest | undefined> {
    const holder = request.op?.holder ?? '';
    const extension = openExtension(request);
    if (!extension) return undefined;
    const policy = deps.policy();
    let facts: AuthorityFacts;
    try {
      facts = await gatherAuthorityFacts(deps.directory, policy, { ...request, approvals: extension.autoApproved === true ? [] : extension.approvals });
    } catch (error) {
      logger.warn('could not re-check authority before extending', { requestId: request.id, error: asWardenError(error).operatorMessage });
      const reason = 'runwarden could not re-check the approvers with Slack; it will try again.';
      return (await run(request.id, { type: 'extend_failed', holder, reason, retryable: true })).final;
    }
    const refusal = recheckExtensionAtApply(policy, request, extension, facts);
    if (refusal) return (await run(request.id, { type: 'extend_failed', holder, reason: refusal, retryable: false })).final;
    const expiresAt = extendedExpiry(request, extension);
    const handler = handlers[request.kind];
    try {
      await handler.extend(request, expiresAt, guardFor(request.id, holder));
    } catch (error) {
      const failure = asWardenError(error);
      if (failure.code === ErrorCode.LeaseLost) {
        logger.warn('extension abandoned: this process lost its lease before writing', { requestId: request.id, holder });
        return undefined;
      }
      logger.warn('extension failed', { requestId: request.id, code: failure.code, error: failure.operatorMessage });
      const retryable = RETRYABLE.has(failure.code);
      return (await run(request.id, { type: 'extend_failed', holder, reason: failure.userMessage, retryable })).final;
    }
    const recorded = await run(request.id, { type: 'extended', holder, expiresAt });
    if (!recorded.outcome.ok) await undoLateExtension(request, expiresAt);
    return recorded.final;
  }

  /** The extension's write landed after this process lost its lease: put the recorded expiry back unless the record adopted it. */
  async function undoLateExtension(request: AccessRequest, written: Date): Promise<void> {
    const log = logger.child({ requestId: request.id });
    try {
      const current = await store.get(request.id);
      if (!request.expiresAt || current?.expiresAt?.getTime() === written.getTime()) return;
      await handlers[request.kind].extend({ ...request, expiresAt: written }, request.expiresAt, async () => undefined);
      log.warn('a late extension landed after the lease was lost and was undone', { expiresAt: request.expiresAt.toISOString() });
    } catch (error) {
      log.error('a late extension could not be undone; check the binding by hand', { error: asWardenError(error).operatorMessage });
    }
  }

  async function postExtension(request: AccessRequest, n: number): Promise<void> {
    const extension = request.extensions?.find((e) => e.n === n);
    if (!extension) return;
    const posted = await chat.post(request.channel, extensionMessage(request, extension));
    await store.transact(request.id, (current) => transition(current, { type: 'extension_posted', n, ...posted }, clock.now()));
  }

  async function revertChange(request: AccessRequest): Promise<AccessRequest | undefined> {
    const holder = request.op?.holder ?? '';
    const log = logger.child({ requestId: request.id });
    let event: RequestEvent;
    try {
      const reverted = await handlers[request.kind].revert(request, guardFor(request.id, holder));
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
    return (await run(request.id, event)).final;
  }

  async function refreshMessage(request: AccessRequest): Promise<void> {
    const latest = request.extensions?.[request.extensions.length - 1];
    const view = approvalMessage(request, clock.now());
    if (request.message) {
      await chat.update(request.message.channel, request.message.ts, view);
    } else if (request.status === 'pending') {
      // The first post failed or never happened: post now and remember it.
      const posted = await chat.post(request.channel, view);
      await store.transact(request.id, (current) => transition(current, { type: 'posted', ...posted }, clock.now()));
    }
    if (latest?.message) await chat.update(latest.message.channel, latest.message.ts, extensionMessage(request, latest));
  }

  async function notifyApprovers(request: AccessRequest, notice: NoticeKind): Promise<void> {
    const policy = deps.policy();
    const match = findRule(policy, request.kind, request.target);
    const groups = await resolveGroups(deps.directory, groupsToResolve(policy, match?.rule));
    const approvers = approverIds(policy, request.approverGroup, groups).filter((u) => u !== request.requester);
    if (notice === 'step') {
      const view = nextStepMessage(request, approvers);
      await chat.post(request.message?.channel ?? request.channel, { ...view, threadTs: request.message?.ts });
      return;
    }
    const mentions = approvers.map((u) => `<@${u}>`).join(' ');
    const what = notice === 'drift' ? 'runwarden did not revert it' : 'runwarden could not finish it';
    const text = `${mentions} Request \`${request.id}\` on ${request.target}: ${what}. ${request.outcome ?? ''}`.trim();
    if (request.message) {
      await chat.post(request.message.channel, { text, threadTs: request.message.ts });
    } else {
      await chat.post(request.channel, { text });
    }
  }

  return { run, lease };
}

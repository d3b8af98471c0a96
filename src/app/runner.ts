/**
 * The one runner of effects. Every state change goes through `run`: a
 * Firestore transaction asks the state machine for the next state, and only
 * once that is committed does the runner carry out the transition's effects
 * (apply or revert against Google, refresh the approval message, tell the
 * requester or the approvers). Google work happens only under a lease this
 * process won in the transaction, so a doubled click or two sweeps never run
 * it twice; if this process dies half-way, the lease runs out and the sweep
 * finishes the work.
 */
import { ErrorCode, asWardenError, type WardenError } from '../domain/errors';
import { approverIds, findRule, groupsToResolve } from '../domain/policy/evaluate';
import type { AccessRequest } from '../domain/request';
import { transition, type Effect, type NoticeKind, type RequestEvent, type TransitionOutcome } from '../domain/stateMachine';
import { approvalMessage } from '../adapters/slack/views/approvalMessage';
import { requesterNotice } from '../adapters/slack/views/requesterNotice';
import type { AppDeps } from './deps';
import type { KindHandler } from './kinds/kindHandler';
import { recheckAtApply } from './recheck';
import { resolveGroups } from './resolveGroups';

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

export function createRunner(deps: AppDeps, handlers: Record<AccessRequest['kind'], KindHandler>): Runner {
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
    const now = clock.now();
    const outcome = await store.transact(id, (current) => transition(current, event, now));
    if (!outcome.ok) return { outcome };
    const log = logger.child({ requestId: id });
    log.info(`request ${outcome.event.action}`, { status: outcome.next.status, actor: outcome.event.actor });
    let final = outcome.next;
    for (const effect of outcome.effects) {
      try {
        final = (await perform(final, effect)) ?? final;
      } catch (error) {
        // A failed notification never undoes a committed transition.
        log.error('effect failed', { effect: effect.type, error: asWardenError(error).operatorMessage });
      }
    }
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
        await chat.dm(request.requester, requesterNotice(request, effect.notice));
        return undefined;
      case 'notify_approvers':
        await notifyApprovers(request, effect.notice);
        return undefined;
    }
  }

  async function applyChange(request: AccessRequest): Promise<AccessRequest | undefined> {
    const holder = request.op?.holder ?? '';
    const refusal = recheckAtApply(deps.policy(), request);
    if (refusal) {
      return (await run(request.id, { type: 'apply_failed', holder, reason: refusal, retryable: false })).final;
    }
    try {
      const applied = await handlers[request.kind].apply(request, clock.now());
      return (await run(request.id, { type: 'applied', holder, ...applied })).final;
    } catch (error) {
      const failure = asWardenError(error);
      logger.warn('apply failed', { requestId: request.id, code: failure.code, error: failure.operatorMessage });
      const retryable = RETRYABLE.has(failure.code);
      return (await run(request.id, { type: 'apply_failed', holder, reason: failure.userMessage, retryable })).final;
    }
  }

  async function revertChange(request: AccessRequest): Promise<AccessRequest | undefined> {
    const holder = request.op?.holder ?? '';
    try {
      const reverted = await handlers[request.kind].revert(request);
      const event: RequestEvent =
        reverted.type === 'reverted'
          ? { type: 'reverted', holder, detail: reverted.detail }
          : { type: 'drifted', holder, detail: reverted.detail, observed: reverted.observed };
      return (await run(request.id, event)).final;
    } catch (error) {
      const failure = asWardenError(error);
      logger.warn('revert failed', { requestId: request.id, code: failure.code, error: failure.operatorMessage });
      return (await run(request.id, { type: 'revert_failed', holder, reason: failure.userMessage })).final;
    }
  }

  async function refreshMessage(request: AccessRequest): Promise<void> {
    const view = approvalMessage(request, clock.now());
    if (request.message) {
      await chat.update(request.message.channel, request.message.ts, view);
      return;
    }
    // The first post failed or never happened: post now and remember it.
    if (request.status !== 'pending') return;
    const posted = await chat.post(request.channel, view);
    await store.transact(request.id, (current) => transition(current, { type: 'posted', ...posted }, clock.now()));
  }

  async function notifyApprovers(request: AccessRequest, notice: NoticeKind): Promise<void> {
    const policy = deps.policy();
    const match = findRule(policy, request.kind, request.target);
    const groups = await resolveGroups(deps.directory, groupsToResolve(policy, match?.rule));
    const approvers = approverIds(policy, request.approverGroup, groups).filter((u) => u !== request.requester);
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

/**
 * The `revert` effect: the kind undoes a time-bound change where Google
 * still shows what runwarden wrote (src/kinds/<kind>/effects.ts), else
 * reports drift; in the sweep's IAM batch for the service when it gave the
 * request a seat. A resource that is gone took the access with it. A revert
 * Google refuses is reported as `revert_failed` (the request stays active and
 * is retried with backoff, src/domain/ending.ts) and logged at ERROR with
 * `event: "revert_failing"` each time — infra/monitoring.tf counts that line
 * and infra/alerts.tf alerts on it (docs/runbook.md, "Alert: revert failing").
 */
import { ErrorCode, asWardenError } from '../../domain/errors';
import type { AccessRequest } from '../../domain/request';
import type { RequestEvent } from '../../domain/stateMachine';
import type { KindEffects } from '../../kinds/kind';
import { kindOf } from '../../kinds/registry';
import type { AppDeps } from '../deps';
import type { EffectWork } from './effect';

export function createRevert(deps: Pick<AppDeps, 'logger'>, kinds: Record<AccessRequest['kind'], KindEffects>): EffectWork {
  const { logger } = deps;
  return async function revert(request, { guard, batch }) {
    const holder = request.op?.holder ?? '';
    const log = logger.child({ requestId: request.id });
    let event: RequestEvent;
    try {
      const reverted = await kinds[request.kind].revert(request, guard, batch);
      if (reverted.type === 'reverted' && request.revertFailing) {
        log.info('revert went through after failing', {
          event: 'revert_recovered',
          kind: request.kind,
          target: request.target,
          failures: request.revertFailing.failures,
        });
      }
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
        // What runwarden wrote is still in force (an invoker binding until its IAM condition ends it): an operator must know.
        const accessEndsAt = kindOf(request.kind).ending === 'condition' ? request.expiresAt : undefined;
        log.error('revert failing: Google refused to undo the change; it stays in force and is retried with backoff', {
          event: 'revert_failing',
          kind: request.kind,
          target: request.target,
          intent: request.op?.intent,
          failures: (request.revertFailing?.failures ?? 0) + 1,
          accessEndsAt: accessEndsAt?.toISOString(),
          code: failure.code,
          error: failure.operatorMessage,
        });
        event = { type: 'revert_failed', holder, reason: failure.userMessage, accessEndsAt };
      }
    }
    return { event };
  };
}

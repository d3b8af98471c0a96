/**
 * The `revert` effect: the kind undoes a time-bound change where Google
 * still shows what runwarden wrote (src/kinds/<kind>/effects.ts), else
 * reports drift; in the sweep's IAM batch for the service when it gave the
 * request a seat. A resource that is gone took the access with it.
 */
import { ErrorCode, asWardenError } from '../../domain/errors';
import type { AccessRequest } from '../../domain/request';
import type { RequestEvent } from '../../domain/stateMachine';
import type { KindEffects } from '../../kinds/kind';
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
    return { event };
  };
}

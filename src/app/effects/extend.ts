/**
 * The `extend` effect: an approved extension, its authority decided again
 * (decideAuthority's `apply_extension`), then the kind moves the end of the
 * change (src/kinds/<kind>/effects.ts: the binding replaced in one
 * SetIamPolicy, or nothing to write for a setting), under the lease guard.
 */
import { ErrorCode, asWardenError } from '../../domain/errors';
import { extendedExpiry, openExtension } from '../../domain/extensions';
import type { AccessRequest } from '../../domain/request';
import { refusalText } from '../../adapters/slack/views/refusalText';
import type { KindEffects } from '../../kinds/kind';
import type { AppDeps } from '../deps';
import type { LateWrites } from '../lateWrites';
import type { EffectWork } from './effect';
import { NOT_WEIGHED, RETRYABLE, type Weigh } from './weigh';

export function createExtend(
  deps: Pick<AppDeps, 'logger' | 'settings'>,
  kinds: Record<AccessRequest['kind'], KindEffects>,
  weigh: Weigh,
  late: LateWrites,
): EffectWork {
  const { logger, settings } = deps;
  return async function extend(request, { guard }) {
    const holder = request.op?.holder ?? '';
    const extension = openExtension(request);
    if (!extension) return undefined;
    let decision: Awaited<ReturnType<typeof weigh<'apply_extension'>>>;
    try {
      decision = await weigh('apply_extension', request);
    } catch (error) {
      logger.warn('could not re-check authority before extending', { requestId: request.id, error: asWardenError(error).operatorMessage });
      return { event: { type: 'extend_failed', holder, reason: NOT_WEIGHED, retryable: true } };
    }
    if (decision.verdict === 'refused') {
      const retryable = decision.refusal.code === 'facts_missing';
      const reason = retryable ? NOT_WEIGHED : refusalText(decision.refusal, settings.slashCommand);
      return { event: { type: 'extend_failed', holder, reason, retryable } };
    }
    const expiresAt = extendedExpiry(request, extension);
    // whether a write went out under the lease (a setting's extension writes nothing): only then can one land late
    let wrote = false;
    const watched: typeof guard = async (call, writing) => {
      await guard(call, writing);
      wrote = true;
    };
    try {
      await kinds[request.kind].extend(request, expiresAt, watched);
    } catch (error) {
      const failure = asWardenError(error);
      if (failure.code === ErrorCode.LeaseLost) {
        logger.warn('extension abandoned: this process lost its lease before writing', { requestId: request.id, holder });
        return undefined;
      }
      logger.warn('extension failed', { requestId: request.id, code: failure.code, error: failure.operatorMessage });
      const retryable = RETRYABLE.has(failure.code);
      return { event: { type: 'extend_failed', holder, reason: failure.userMessage, retryable } };
    }
    return { event: { type: 'extended', holder, expiresAt }, late: wrote ? () => late.undoLateExtension(request, expiresAt) : undefined };
  };
}

/**
 * The `apply` effect: authority is decided again before Google is touched —
 * a request the policy no longer allows fails; a scheduled grant whose
 * window passed ends, nothing written; one whose approvals no longer all
 * count goes back to pending and waits for more — and only then does the
 * kind make the change (src/kinds/<kind>/effects.ts), each write under the
 * lease guard.
 */
import { ErrorCode, asWardenError } from '../../domain/errors';
import type { AccessRequest } from '../../domain/request';
import { refusalText } from '../../adapters/slack/views/refusalText';
import type { Applied, KindEffects } from '../../kinds/kind';
import type { AppDeps } from '../deps';
import type { LateWrites } from '../lateWrites';
import type { EffectWork } from './effect';
import { NOT_WEIGHED, RETRYABLE, type Weigh } from './weigh';

export function createApply(
  deps: Pick<AppDeps, 'clock' | 'logger' | 'settings'>,
  kinds: Record<AccessRequest['kind'], KindEffects>,
  weigh: Weigh,
  late: LateWrites,
): EffectWork {
  const { clock, logger, settings } = deps;
  return async function apply(request, { guard }) {
    const holder = request.op?.holder ?? '';
    const log = logger.child({ requestId: request.id });
    let decision: Awaited<ReturnType<typeof weigh<'apply'>>>;
    try {
      decision = await weigh('apply', request);
    } catch (error) {
      const failure = asWardenError(error);
      log.warn('could not re-check authority before applying', { error: failure.operatorMessage });
      return { event: { type: 'apply_failed', holder, reason: NOT_WEIGHED, retryable: true, detail: failure.operatorMessage } };
    }
    if (decision.verdict === 'refused') {
      const { refusal } = decision;
      if (refusal.code === 'facts_missing') return { event: { type: 'apply_failed', holder, reason: NOT_WEIGHED, retryable: true } };
      if (refusal.code === 'window_passed') return { event: { type: 'window_passed', holder } };
      const reason = refusalText(refusal, settings.slashCommand);
      return { event: { type: 'apply_failed', holder, reason, retryable: false, detail: refusal.code } };
    }
    if (decision.verdict === 'wait') {
      return { event: { type: 'requeue', holder, approvalsRequired: decision.approvalsRequired, dropped: decision.dropped } };
    }
    let applied: Applied;
    try {
      applied = await kinds[request.kind].apply(request, clock.now(), guard);
    } catch (error) {
      const failure = asWardenError(error);
      if (failure.code === ErrorCode.LeaseLost) {
        log.warn('apply abandoned: this process lost its lease before writing; another instance owns the request', {
          holder,
          error: failure.operatorMessage,
        });
        return undefined;
      }
      log.warn('apply failed', { code: failure.code, error: failure.operatorMessage });
      const retryable = RETRYABLE.has(failure.code);
      const reason = `${failure.userMessage} (request \`${request.id}\`)`;
      return { event: { type: 'apply_failed', holder, reason, retryable, detail: failure.operatorMessage } };
    }
    const { expiresAt, result, previousValue, removed } = applied;
    const leaseUntil = new Date(clock.now().getTime() + settings.leaseSeconds * 1000);
    return {
      event: { type: 'applied', holder, expiresAt, result, previousValue, removed, leaseUntil },
      late: () => late.undoLateWrite(request, applied),
    };
  };
}

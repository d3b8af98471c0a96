/**
 * `rotate`: a new key version made primary, optionally a new rotation
 * schedule. Old versions are never disabled or destroyed: services that still
 * need them would stop starting new instances.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { alreadyRotated, blastRadius, checkRotatable } from '../../domain/kinds/rotation';
import type { KeysPort, ServicesPort } from '../../ports';
import type { KindHandler } from './kindHandler';
import { formatDuration } from '../../domain/duration';

export function createRotateHandler(deps: { keys: KeysPort; services: ServicesPort; project: () => string | undefined }): KindHandler {
  const { keys, services } = deps;
  return {
    async prepare(draft) {
      const key = await keys.getKey(draft.target);
      const rotatable = checkRotatable(key);
      if (!rotatable.ok) return { ok: false, error: new WardenError(ErrorCode.Precondition, rotatable.message) };
      const project = deps.project();
      const using = project ? blastRadius(key.name, await services.listServices(`projects/${project}/locations/-`)) : [];
      const context: Record<string, string | string[]> = { services: using, primaryVersion: key.primaryVersion ?? 'none' };
      if (key.rotationPeriodSeconds) context.rotationPeriod = formatDuration(key.rotationPeriodSeconds);
      return { ok: true, context };
    },

    async apply(request, now) {
      const key = await keys.getKey(request.target);
      const rotatable = checkRotatable(key);
      if (!rotatable.ok) throw new WardenError(ErrorCode.Precondition, rotatable.message);
      const approvedAt = request.approvals.at(-1)?.at;
      const version =
        alreadyRotated(key.primaryCreateTime, approvedAt) && key.primaryVersion ? key.primaryVersion : (await keys.rotate(request.target)).version;
      const result: Record<string, string> = { version };
      if (request.rotationPeriodSeconds) {
        const next = new Date(now.getTime() + request.rotationPeriodSeconds * 1000);
        await keys.setRotationSchedule(request.target, request.rotationPeriodSeconds, next);
        result.rotationPeriod = formatDuration(request.rotationPeriodSeconds);
        result.nextRotationTime = next.toISOString();
      }
      return { result };
    },

    async revert() {
      // A rotation is permanent (never time-bound); nothing to undo.
      return { type: 'reverted', detail: {} };
    },
  };
}

/**
 * `rotate`: a new key version made primary, optionally a new rotation
 * schedule. Old versions are never disabled or destroyed: services that still
 * need them would stop starting new instances.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { alreadyRotated, blastRadius, checkRotatable } from './rotation';
import type { KeysPort, ServicesPort } from '../../ports';
import type { KindEffects } from '../kind';
import { formatDuration } from '../../domain/duration';

export function createRotateEffects(deps: {
  keys: KeysPort;
  services: ServicesPort;
  scope: () => { project?: string | undefined; region?: string | undefined };
}): KindEffects {
  const { keys, services } = deps;

  /**
   * The blast radius is information for approvers, never a reason to refuse:
   * all regions through the Locations API, else the default region, else a
   * note saying it could not be listed.
   */
  async function servicesUsing(key: string): Promise<{ services: string[]; note?: string }> {
    const { project, region } = deps.scope();
    if (!project) return { services: [], note: 'no default project in the policy, so no services were listed' };
    try {
      return { services: blastRadius(key, await services.listServices(`projects/${project}/locations/-`)) };
    } catch (allRegions) {
      const reason = allRegions instanceof Error ? allRegions.message : String(allRegions);
      if (region) {
        try {
          const found = blastRadius(key, await services.listServices(`projects/${project}/locations/${region}`));
          return { services: found, note: `only ${region} could be listed (${reason})` };
        } catch {
          // fall through to the note below
        }
      }
      return { services: [], note: `services could not be listed (${reason})` };
    }
  }

  return {
    async prepare(draft) {
      const key = await keys.getKey(draft.target);
      const rotatable = checkRotatable(key);
      if (!rotatable.ok) return { ok: false, error: new WardenError(ErrorCode.Precondition, rotatable.message) };
      const radius = await servicesUsing(key.name);
      const context: Record<string, string | string[]> = { services: radius.services, primaryVersion: key.primaryVersion ?? 'none' };
      if (radius.note) context.blastRadiusNote = radius.note;
      if (key.rotationPeriodSeconds) context.rotationPeriod = formatDuration(key.rotationPeriodSeconds);
      return { ok: true, context };
    },

    async apply(request, now, guard) {
      const key = await keys.getKey(request.target);
      const rotatable = checkRotatable(key);
      if (!rotatable.ok) throw new WardenError(ErrorCode.Precondition, rotatable.message);
      // The version an interrupted attempt created is recorded before anything waits on it: a retry reuses it.
      let version = request.writing?.version;
      let wrote = false;
      // a version this attempt did not create just now (an earlier attempt's) may still be being generated
      let pending = true;
      const approvedAt = request.approvals.at(-1)?.at;
      if (!version && alreadyRotated(key.primaryCreateTime, approvedAt) && key.primaryVersion) version = key.primaryVersion;
      if (!version) {
        const created = await keys.createVersion(request.target, () => guard('CreateCryptoKeyVersion'));
        ({ version, pending } = created);
        wrote = true;
      }
      if (key.primaryVersion !== version) {
        const created = version;
        // Recorded (with the lease renewed) before waiting: an HSM key's version may outlast this attempt's wait.
        if (request.writing?.version !== created) await guard('UpdateCryptoKeyPrimaryVersion', { version: created });
        if (pending) await keys.waitUntilEnabled(created);
        await keys.makePrimary(request.target, created, () => guard('UpdateCryptoKeyPrimaryVersion', { version: created }));
        wrote = true;
      }
      const result: Record<string, string> = { version };
      if (request.rotationPeriodSeconds) {
        const next = new Date(now.getTime() + request.rotationPeriodSeconds * 1000);
        await keys.setRotationSchedule(request.target, request.rotationPeriodSeconds, next, () => guard('UpdateCryptoKey'));
        result.rotationPeriod = formatDuration(request.rotationPeriodSeconds);
        result.nextRotationTime = next.toISOString();
      }
      return { result, wrote };
    },

    async extend() {
      throw new WardenError(ErrorCode.NotAllowed, 'A key rotation is permanent; it cannot be extended.');
    },

    async revert() {
      // A rotation is permanent (never time-bound); nothing to undo.
      return { type: 'reverted', detail: {} };
    },

    async inspect() {
      // A rotation is permanent: never active, nothing to watch.
      return [];
    },

    async undoExtension() {
      return undefined; // a rotation is never extended
    },

    async undo() {
      // A new primary version grants nobody anything; it stays (old versions are never disabled).
      return undefined;
    },
  };
}

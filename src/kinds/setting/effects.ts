/**
 * `egress` / `ingress`: an UpdateService that touches only the one field,
 * reverted at expiry when temporary — unless someone changed it meanwhile.
 * The value to restore is what the service had when runwarden changed it; a
 * value already in place when approved is not runwarden's change, and its
 * expiry changes nothing.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { checkSettingChange, currentSetting, hasVpcAccess, planRevert, type SettingKind } from './setting';
import { isTimeBound, type AccessRequest } from '../../domain/request';
import type { ServiceInfo, ServicesPort, SettingPlan } from '../../ports';
import type { Applied, Drift, KindEffects, Reverted } from '../kind';

/** Whole seconds, like every other expiry runwarden records. */
function expiryOf(request: AccessRequest, now: Date): Date | undefined {
  if (!isTimeBound(request) || request.durationSeconds === undefined) return undefined;
  return new Date(Math.floor(now.getTime() / 1000) * 1000 + request.durationSeconds * 1000);
}

export function createSettingEffects(kind: SettingKind, deps: { services: ServicesPort }): KindEffects {
  const { services } = deps;

  function context(service: ServiceInfo, current: string): Record<string, string | string[]> {
    const facts: Record<string, string | string[]> = { current };
    if (service.vpcConnector) facts.vpcConnector = service.vpcConnector;
    if (service.networkInterfaces.length > 0) facts.networkInterfaces = service.networkInterfaces;
    if (service.latestReadyRevision) facts.latestReadyRevision = service.latestReadyRevision;
    return facts;
  }

  return {
    async prepare(draft) {
      const service = await services.getService(draft.target);
      const temporary = typeof draft.durationSeconds === 'number' && draft.durationSeconds > 0;
      const check = checkSettingChange(kind, service, draft.value ?? '', temporary);
      if (!check.ok) return { ok: false, error: new WardenError(ErrorCode.Precondition, check.message) };
      return { ok: true, context: context(service, check.current) };
    },

    async apply(request, now, guard): Promise<Applied> {
      const value = request.value;
      if (!value) throw new WardenError(ErrorCode.InvalidState, `Request \`${request.id}\` has no value to set.`);
      const expiresAt = expiryOf(request, now);
      // Read, decide and write with the service's etag: a change made by someone else in between is read again, never overwritten unseen.
      const update = await services.updateSetting(
        request.target,
        kind,
        (service): SettingPlan => {
          if (kind === 'egress' && !hasVpcAccess(service)) {
            throw new WardenError(
              ErrorCode.Precondition,
              `${service.name} no longer has VPC access, so its egress setting would change nothing.`,
            );
          }
          return currentSetting(kind, service) === value ? { type: 'keep' } : { type: 'write', value };
        },
        (read, written) => guard('UpdateService', { value: written, previous: currentSetting(kind, read) }),
      );
      const current = currentSetting(kind, update.read);
      if (update.plan.type === 'keep') {
        // Our own earlier, interrupted write (recorded before it was sent): the value to restore is what the service had then.
        const earlier = request.writing?.value === value ? request.writing.previous : undefined;
        if (earlier !== undefined) {
          const revision = update.read.latestReadyRevision;
          return {
            expiresAt,
            previousValue: earlier,
            wrote: false,
            result: { [kind]: value, previous: earlier, ...(revision ? { revision } : {}) },
          };
        }
        // Someone else set it already: runwarden changes nothing now, so it has nothing to set back at expiry.
        return { expiresAt, wrote: false, result: { [kind]: value, unchanged: 'true' } };
      }
      const { revision } = update;
      return {
        expiresAt,
        previousValue: current,
        wrote: true,
        result: { [kind]: value, previous: current, ...(revision ? { revision } : {}) },
      };
    },

    async extend() {
      // A temporary setting simply lasts longer: the sweep reverts it at the new expiry.
      return {};
    },

    async revert(request, guard): Promise<Reverted> {
      const applied = request.value ?? '';
      if (request.result?.unchanged === 'true') {
        const outcome = `runwarden did not change the ${kind} of ${request.target} (it was already \`${applied}\` when approved), so ending it changed nothing.`;
        return { type: 'reverted', detail: { unchanged: 'true' }, outcome };
      }
      const previous = request.previousValue;
      if (!previous || previous === 'unspecified') {
        throw new WardenError(ErrorCode.Precondition, `Request \`${request.id}\` has no recorded previous ${kind} to revert to.`);
      }
      // Read, decide and write with the service's etag: a value someone changed between the read and the write is drift, left alone.
      const update = await services.updateSetting(
        request.target,
        kind,
        (service): SettingPlan => {
          const plan = planRevert(kind, service, applied, previous);
          return plan.type === 'revert' ? { type: 'write', value: plan.to } : { type: 'keep' };
        },
        () => guard('UpdateService', { reverting: previous }),
      );
      const service = update.read;
      const plan = planRevert(kind, service, applied, previous);
      if (plan.type === 'revert') {
        const { revision } = update;
        return { type: 'reverted', detail: { revertedTo: plan.to, ...(revision ? { revertRevision: revision } : {}) } };
      }
      // A retried revert may find its own earlier, unrecorded revert done: that is no drift.
      if (request.writing?.reverting === previous && plan.observed === previous) {
        const revertRevision: Record<string, string> = service.latestReadyRevision ? { revertRevision: service.latestReadyRevision } : {};
        return { type: 'reverted', detail: { revertedTo: previous, ...revertRevision } };
      }
      return { type: 'drift', detail: plan.detail, observed: plan.observed };
    },

    async inspect(target, requests): Promise<Drift[]> {
      const service = await services.getService(target);
      const observed = currentSetting(kind, service);
      return requests
        .filter((request) => request.result?.unchanged !== 'true' && request.value !== undefined && observed !== request.value)
        .map((request) => ({
          id: request.id,
          observed,
          detail: `${target} has ${kind} \`${observed}\`, not the \`${request.value ?? ''}\` runwarden set; someone changed it, and runwarden left it alone.`,
        }));
    },

    async undoExtension() {
      return undefined; // a temporary setting's extension writes nothing to Google
    },

    async undo(request, late, current, guard): Promise<Record<string, string> | undefined> {
      const previous = late.previousValue;
      const written = request.value;
      if (!late.wrote || !previous || previous === 'unspecified' || !written) return undefined;
      // Another instance finished this apply and the record owns the change now.
      if (current?.status === 'active' || current?.status === 'applied') return undefined;
      // Only while the service still carries the late write; a value changed since is someone else's.
      const update = await services.updateSetting(
        request.target,
        kind,
        (service): SettingPlan => (currentSetting(kind, service) === written ? { type: 'write', value: previous } : { type: 'keep' }),
        () => guard('UpdateService', { reverting: previous }),
      );
      if (update.plan.type === 'keep') return undefined;
      return { [kind]: written, undone: `set back to ${previous}` };
    },
  };
}

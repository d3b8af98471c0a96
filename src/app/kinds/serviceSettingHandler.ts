/**
 * `egress` / `ingress`: an UpdateService that touches only the one field,
 * reverted at expiry when temporary — unless someone changed it meanwhile.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { checkSettingChange, currentSetting, hasVpcAccess, planRevert, type SettingKind } from '../../domain/kinds/serviceSetting';
import { isTimeBound, type AccessRequest, type EgressValue, type IngressValue } from '../../domain/request';
import type { ServiceInfo, ServicesPort } from '../../ports';
import type { KindHandler } from './kindHandler';

/** Whole seconds, like every other expiry runwarden records. */
function expiryOf(request: AccessRequest, now: Date): Date | undefined {
  if (!isTimeBound(request) || request.durationSeconds === undefined) return undefined;
  return new Date(Math.floor(now.getTime() / 1000) * 1000 + request.durationSeconds * 1000);
}

export function createServiceSettingHandler(kind: SettingKind, deps: { services: ServicesPort }): KindHandler {
  const { services } = deps;

  async function set(service: string, value: string): Promise<{ revision?: string | undefined }> {
    return kind === 'egress' ? services.setEgress(service, value as EgressValue) : services.setIngress(service, value as IngressValue);
  }

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

    async apply(request, now) {
      const value = request.value;
      if (!value) throw new WardenError(ErrorCode.InvalidState, `Request \`${request.id}\` has no value to set.`);
      const service = await services.getService(request.target);
      if (kind === 'egress' && !hasVpcAccess(service)) {
        throw new WardenError(ErrorCode.Precondition, `${service.name} no longer has VPC access, so its egress setting would change nothing.`);
      }
      const current = currentSetting(kind, service);
      // A retried apply may find our value already there: nothing to send again, and the previous value is what approvers saw.
      const already = current === value;
      const recorded = typeof request.context?.current === 'string' ? request.context.current : undefined;
      const previousValue = already ? (recorded ?? 'unspecified') : current;
      const { revision } = already ? { revision: service.latestReadyRevision } : await set(request.target, value);
      return {
        expiresAt: expiryOf(request, now),
        previousValue,
        result: { [kind]: value, previous: previousValue, ...(revision ? { revision } : {}) },
      };
    },

    async revert(request) {
      const applied = request.value ?? '';
      const previous = request.previousValue;
      if (!previous || previous === 'unspecified') {
        throw new WardenError(ErrorCode.Precondition, `Request \`${request.id}\` has no recorded previous ${kind} to revert to.`);
      }
      const service = await services.getService(request.target);
      const plan = planRevert(kind, service, applied, previous);
      // A retried revert may find its own earlier, unrecorded revert done: that is no drift.
      const retried = (request.op?.attempts ?? 1) > 1;
      if (plan.type === 'drift' && retried && plan.observed === previous) {
        return { type: 'reverted', detail: { revertedTo: previous, ...(service.latestReadyRevision ? { revertRevision: service.latestReadyRevision } : {}) } };
      }
      if (plan.type === 'drift') return { type: 'drift', detail: plan.detail, observed: plan.observed };
      const { revision } = await set(request.target, plan.to);
      return { type: 'reverted', detail: { revertedTo: plan.to, ...(revision ? { revertRevision: revision } : {}) } };
    },
  };
}

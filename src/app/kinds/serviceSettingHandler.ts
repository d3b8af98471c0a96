/**
 * `egress` / `ingress`: an UpdateService that touches only the one field,
 * reverted at expiry when temporary — unless someone changed it meanwhile.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { checkSettingChange, planRevert, type SettingKind } from '../../domain/kinds/serviceSetting';
import type { EgressValue, IngressValue } from '../../domain/request';
import type { ServiceInfo, ServicesPort } from '../../ports';
import type { KindHandler } from './kindHandler';

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
      const check = checkSettingChange(kind, service, draft.value ?? '');
      if (!check.ok) return { ok: false, error: new WardenError(ErrorCode.Precondition, check.message) };
      return { ok: true, context: context(service, check.current) };
    },

    async apply(request) {
      const value = request.value;
      if (!value) throw new WardenError(ErrorCode.InvalidState, `Request \`${request.id}\` has no value to set.`);
      const service = await services.getService(request.target);
      const now = kind === 'egress' ? service.egress : service.ingress;
      // On a retried apply the service may already carry our value: the previous one is what approvers saw.
      const recorded = typeof request.context?.current === 'string' ? request.context.current : undefined;
      const previousValue = now !== undefined && now !== value ? now : (recorded ?? 'unspecified');
      const { revision } = await set(request.target, value);
      return { previousValue, result: { [kind]: value, previous: previousValue, ...(revision ? { revision } : {}) } };
    },

    async revert(request) {
      const applied = request.value ?? '';
      const previous = request.previousValue;
      if (!previous || previous === 'unspecified') {
        throw new WardenError(ErrorCode.Precondition, `Request \`${request.id}\` has no recorded previous ${kind} to revert to.`);
      }
      const service = await services.getService(request.target);
      const plan = planRevert(kind, service, applied, previous);
      if (plan.type === 'drift') return { type: 'drift', detail: plan.detail, observed: plan.observed };
      const { revision } = await set(request.target, plan.to);
      return { type: 'reverted', detail: { [kind]: plan.to, ...(revision ? { revertRevision: revision } : {}) } };
    },
  };
}

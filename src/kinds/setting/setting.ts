/**
 * `egress` and `ingress`: a change of one setting of a Cloud Run service.
 * Pure decisions about whether a requested change means anything, and
 * whether the service still carries what runwarden set (drift).
 */
import type { EgressValue, IngressValue } from '../../domain/request';

export type SettingKind = 'egress' | 'ingress';

/** The facts about a service these decisions need. */
export interface ServiceSettings {
  name: string;
  ingress: IngressValue | 'unspecified';
  egress?: EgressValue | undefined;
  vpcConnector?: string | undefined;
  networkInterfaces: string[];
}

/** What the service has now; 'unspecified' when it carries no value runwarden can name (or set back). */
export function currentSetting(kind: SettingKind, service: ServiceSettings): string {
  return (kind === 'egress' ? service.egress : service.ingress) ?? 'unspecified';
}

export function hasVpcAccess(service: ServiceSettings): boolean {
  return Boolean(service.vpcConnector) || service.networkInterfaces.length > 0;
}

export type SettingCheck = { ok: true; current: string } | { ok: false; message: string };

/**
 * Refuses, before any approval is asked, a change that would mean nothing —
 * or, when temporary, one runwarden could not set back at expiry.
 */
export function checkSettingChange(kind: SettingKind, service: ServiceSettings, value: string, temporary = false): SettingCheck {
  if (kind === 'egress' && !hasVpcAccess(service)) {
    return {
      ok: false,
      message: `${service.name} has no VPC access configured (no connector, no network interfaces), so its egress setting would change nothing.`,
    };
  }
  const current = currentSetting(kind, service);
  if (current === value) return { ok: false, message: `${service.name} already has ${kind} \`${value}\`; there is nothing to change.` };
  if (temporary && current === 'unspecified') {
    return {
      ok: false,
      message: `${service.name} has an ${kind} setting runwarden cannot restore, so a temporary change could not be set back at expiry; ask for a permanent change instead.`,
    };
  }
  return { ok: true, current };
}

export type RevertPlan = { type: 'revert'; to: string } | { type: 'drift'; observed: string; detail: string };

/**
 * At expiry, revert only when the service still carries the value runwarden
 * set; otherwise someone changed it meanwhile and their change stands.
 */
export function planRevert(kind: SettingKind, service: ServiceSettings, applied: string, previous: string): RevertPlan {
  const observed = currentSetting(kind, service);
  if (observed === applied) return { type: 'revert', to: previous };
  return {
    type: 'drift',
    observed,
    detail: `${service.name} had ${kind} \`${observed}\` at expiry, not the \`${applied}\` runwarden set, so runwarden left it alone (it would have reverted to \`${previous}\`).`,
  };
}

/**
 * Posture findings (SPEC §11): what the scan found in the estate, as the
 * domain speaks of it. A finding is identified by what it is about (its kind
 * and the resource, role, member… it names), never by when it was seen, so
 * the same standing binding found by every daily scan is one finding updated
 * in place. Pure types and constants.
 */

/** The finding kinds of SPEC §11, worst first (the order `/warden posture` counts them in). */
export const FINDING_KINDS = [
  'public_service',
  'standing_access',
  'open_ingress',
  'default_service_account',
  'lingering_binding',
  'no_cmek',
  'key_rotation',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** open: seen by the latest scan; resolved: not seen by the latest scan of its scope; converted: replaced by just-in-time access */
export const FINDING_STATUSES = ['open', 'resolved', 'converted'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** Where a binding sits: on one Cloud Run service, or on a whole project (every service in it). */
export type BindingLevel = 'service' | 'project';

export type FindingDetail =
  | {
      kind: 'standing_access';
      role: string;
      /**
       * The user and group members of one unconditional binding of `role`:
       * those a rule could grant it just in time (then `rule` names it and a
       * conversion removes exactly them), or those no rule covers yet (no
       * `rule`: never converted). A binding with both makes two findings.
       */
      members: string[];
      level: BindingLevel;
      /** the policy rule that could grant these members this role just in time; absent: no rule covers them yet */
      rule?: string | undefined;
      /** every member of the binding as the scan saw it (service accounts and the other findings' members included), sorted */
      bindingMembers: string[];
    }
  | {
      kind: 'public_service';
      /** the invoking roles granted to allUsers / allAuthenticatedUsers */
      roles: string[];
      members: string[];
      level: BindingLevel;
    }
  | { kind: 'open_ingress'; ingress: 'all' | 'unspecified' }
  | {
      kind: 'default_service_account';
      /** the Compute Engine default service account, or undefined when the service names none (Cloud Run then uses it) */
      serviceAccount?: string | undefined;
    }
  | { kind: 'no_cmek'; requiredBy: string }
  | {
      kind: 'key_rotation';
      /** the key's rotation period; undefined: it never rotates */
      rotationPeriodSeconds?: number | undefined;
      maxRotationSeconds: number;
      /** services this key protects, as found (at most KEY_SERVICES_SHOWN) */
      services: string[];
      /** how many services the scan found it protecting */
      serviceCount: number;
    }
  | {
      kind: 'lingering_binding';
      role: string;
      members: string[];
      title: string;
      expression: string;
      /** when the condition stopped granting anything */
      expiredAt: Date;
      level: BindingLevel;
    };

/** How many of a key's services a key_rotation finding names. */
export const KEY_SERVICES_SHOWN = 10;

/** What a scan's classifier says about one thing it read: the finding without its bookkeeping. */
export interface FindingDraft {
  id: string;
  kind: FindingKind;
  /** the full resource name the finding is about: projects/P/locations/L/services/S, projects/P, or a Cloud KMS key */
  resource: string;
  /** the project id the resource belongs to */
  project: string;
  /** lower is worse (see severity.ts) */
  severity: number;
  detail: FindingDetail;
}

/** A finding as stored (Firestore collection `findings`, document id = id). */
export interface Finding extends FindingDraft {
  status: FindingStatus;
  /** the posture.scope entry whose scan saw it last */
  scope: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** the scan that saw it last */
  scanId: string;
  resolvedAt?: Date | undefined;
  /** when it was seen again after being resolved or converted */
  reopenedAt?: Date | undefined;
  /** the convert request that replaced it, once converted */
  convertedBy?: string | undefined;
}

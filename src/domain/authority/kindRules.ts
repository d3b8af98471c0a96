/**
 * The per-kind part of "does this request fit the rule": whether the kind
 * lasts (durations), and its own fields — the invoker's role, member and
 * scheduled start, the rotation period of a key rotation. Everything else
 * (rule, requesters, durations' bounds, break-glass, auto-approval, reasons,
 * approvers) is the same for every kind and decided in this folder.
 *
 * A kind module provides one `KindRules`; the table is handed to
 * decideAuthority as a parameter (KIND_RULES is the built-in one), so the
 * domain never imports a kind's adapters. Pure.
 */
import { parseMember } from '../resourceNames';
import type { AccessRequest, RequestKind } from '../request';
import { checkMember } from '../policy/identity';
import { DEFAULT_INVOKER_ROLE, type MemberKind, type Policy, type Rule } from '../policy/schema';
import type { Refusal } from './refusal';

/** A request's kind-specific fields, as asked (submit) or as stored (re-checks). */
export interface KindDraft {
  kind: RequestKind;
  target: string;
  role?: string | undefined;
  /** invoker: an explicit member (`--member`), else the requester's own identity */
  member?: string | undefined;
  /** --start: seconds from now until the grant begins; only at submission */
  startDelaySeconds?: number | undefined;
  rotationPeriodSeconds?: number | undefined;
}

export interface FitContext {
  policy: Policy;
  /** the requester's own Google identity (`user:…`), which makes a member `self` */
  requesterMember: string;
  breakGlass: boolean;
}

export type Fit =
  | {
      ok: true;
      /** invoker: the role to grant (the one asked for, else roles/run.invoker) */
      role?: string | undefined;
      /** invoker: the member to grant, normalised */
      member?: string | undefined;
    }
  | { ok: false; refusal: Refusal };

export interface KindRules {
  /**
   * Whether requests of this kind last: `required` (always time-bound),
   * `optional` (permanent unless the rule sets maxDuration), `none` (never).
   */
  duration: 'required' | 'optional' | 'none';
  /** Whether --break-glass may ever be used for this kind. */
  breakGlass: boolean;
  /** The kind's own fields against the rule. */
  fit(rule: Rule, draft: KindDraft, context: FitContext): Fit;
  /**
   * The identities (lower-cased emails) a request gives or takes access from:
   * never counted as its approvers nor reviewers, and they may read it.
   * Default: its member's email, if it has a member.
   */
  subjects?(request: AccessRequest): string[];
}

const refused = (refusal: Refusal): Fit => ({ ok: false, refusal });

function noRole(draft: KindDraft): Fit | undefined {
  return draft.role === undefined ? undefined : refused({ code: 'role_not_allowed', kind: draft.kind });
}

function noStart(draft: KindDraft): Fit | undefined {
  return draft.startDelaySeconds === undefined ? undefined : refused({ code: 'start_not_allowed', kind: draft.kind });
}

/** invoker: role among the rule's roles; member in the domains and of a type the rule lists; --start within maxStartDelay. */
export const INVOKER_RULES: KindRules = {
  duration: 'required',
  breakGlass: true,
  fit(rule, draft, { policy, requesterMember, breakGlass }) {
    const role = draft.role ?? DEFAULT_INVOKER_ROLE;
    if (!rule.roles.includes(role)) return refused({ code: 'role_not_allowed', kind: draft.kind, role, roles: rule.roles });
    const wanted = draft.member ?? requesterMember;
    const checked = checkMember(policy, wanted);
    if (!checked.ok) return refused({ code: 'member_outside_domains', member: wanted, domains: policy.domains });
    const memberKind: MemberKind = checked.member === requesterMember ? 'self' : (parseMember(checked.member)?.type ?? 'user');
    if (!rule.members.includes(memberKind)) return refused({ code: 'member_not_allowed', member: checked.member, memberKinds: rule.members });
    if (draft.startDelaySeconds !== undefined) {
      if (breakGlass) return refused({ code: 'start_not_allowed', kind: draft.kind, status: 'break_glass' });
      const max = rule.maxStartDelaySeconds;
      if (max === undefined) return refused({ code: 'start_not_allowed', kind: draft.kind });
      if (draft.startDelaySeconds <= 0) return refused({ code: 'start_in_past' });
      if (draft.startDelaySeconds > max) return refused({ code: 'start_too_late', seconds: draft.startDelaySeconds, limitSeconds: max });
    }
    return { ok: true, role, member: checked.member };
  },
};

/** egress / ingress: no role, no member, no start. */
export const SETTING_RULES: KindRules = {
  duration: 'optional',
  breakGlass: true,
  fit(_rule, draft) {
    return noRole(draft) ?? noStart(draft) ?? { ok: true };
  },
};

/** rotate: never lasts, never break-glass; --rotation-period at most maxRotationPeriod. */
export const ROTATE_RULES: KindRules = {
  duration: 'none',
  breakGlass: false,
  fit(rule, draft) {
    const early = noRole(draft) ?? noStart(draft);
    if (early) return early;
    const max = rule.maxRotationPeriodSeconds;
    const seconds = draft.rotationPeriodSeconds;
    if (seconds !== undefined && max !== undefined && seconds > max) return refused({ code: 'rotation_period_too_long', seconds, limitSeconds: max });
    return { ok: true };
  },
};

/** The built-in kinds. */
export const KIND_RULES: Readonly<Record<RequestKind, KindRules>> = {
  invoker: INVOKER_RULES,
  egress: SETTING_RULES,
  ingress: SETTING_RULES,
  rotate: ROTATE_RULES,
};

/**
 * The per-kind part of "does this request fit the rule": whether the kind
 * lasts (durations), and its own fields — the invoker's role, member and
 * scheduled start, the rotation period of a key rotation. Everything else
 * (rule, requesters, durations' bounds, break-glass, auto-approval, reasons,
 * approvers) is the same for every kind and decided in this folder.
 *
 * Each kind's module provides its `KindRules` (src/kinds/<kind>/rules.ts);
 * the table reaches decideAuthority in its grounds (`kinds`), handed in by
 * the app from src/kinds/registry.ts, so the domain never imports a kind.
 * Types only.
 */
import type { AccessRequest, RequestKind } from '../request';
import type { Policy, Rule } from '../policy/schema';
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

/** Each kind's rules, by kind: what decideAuthority is handed (src/kinds/registry.ts KIND_RULES). */
export type KindRulesTable = Readonly<Record<RequestKind, KindRules>>;

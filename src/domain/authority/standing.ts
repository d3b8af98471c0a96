/**
 * The checks every moment shares: which rule covers a request, whether its
 * requester may ask under it (plainly, by break-glass or auto-approved), its
 * durations and reasons, whether a person's approval counts, and the standing
 * of a stored request under the policy in force. Pure.
 */
import { AUTO_APPROVER } from '../request';
import { matchGlob } from '../policy/glob';
import { identityEmail, resolveIdentity } from '../policy/identity';
import { matchesReasonPattern } from '../policy/reasonPattern';
import type { Policy, ReasonRules, Rule } from '../policy/schema';
import type { AccessRequest, Approval, RequestKind } from '../request';
import type { FactReader } from './facts';
import type { KindRules } from './kindRules';
import type { Dropped, FilingMode, RuleRef, Weighed } from './moments';
import type { Refusal } from './refusal';

export type Checked<T> = ({ ok: true } & T) | { ok: false; refusal: Refusal };

const no = (refusal: Refusal): { ok: false; refusal: Refusal } => ({ ok: false, refusal });

/** The first rule of `kind` with a resource glob matching `target`, with that glob. */
export function findRule(policy: Policy, kind: RequestKind, target: string): (RuleRef & { glob: string }) | undefined {
  for (const [index, rule] of policy.rules.entries()) {
    if (rule.kind !== kind) continue;
    const glob = rule.resources.find((pattern) => matchGlob(pattern, target));
    if (glob !== undefined) return { index, name: rule.name, rule, glob };
  }
  return undefined;
}

/**
 * Durations: `required` kinds always need one and `optional` ones when the
 * rule sets maxDuration, within [minDuration, maxDuration]; `none` takes none.
 * Break-glass replaces the rule's bounds by breakGlass.maxDuration and always
 * needs a duration.
 */
export function durationRefusal(
  kind: KindRules,
  rule: Rule,
  glob: string,
  seconds: number | undefined,
  breakGlass: boolean,
): Refusal | undefined {
  const base = { kind: rule.kind, glob, seconds };
  if (breakGlass && rule.breakGlass) {
    const limitSeconds = rule.breakGlass.maxDurationSeconds;
    if (seconds === undefined) return { code: 'duration_required', ...base, limitSeconds, breakGlass: true };
    if (seconds > limitSeconds) return { code: 'break_glass_too_long', ...base, limitSeconds, breakGlass: true };
    return undefined;
  }
  const max = rule.maxDurationSeconds;
  const min = rule.minDurationSeconds;
  if (kind.duration === 'none') return seconds === undefined ? undefined : { code: 'duration_not_allowed', ...base };
  if (seconds === undefined) {
    return kind.duration === 'required' || max !== undefined ? { code: 'duration_required', ...base, limitSeconds: max } : undefined;
  }
  if (max !== undefined && seconds > max) return { code: 'duration_too_long', ...base, limitSeconds: max };
  if (min !== undefined && seconds < min) return { code: 'duration_too_short', ...base, limitSeconds: min };
  return undefined;
}

/** The rule's justification rules (`reason`) against one reason, trimmed; lengths in code points. */
export function reasonRefusal(rules: ReasonRules | undefined, reason: string): Refusal | undefined {
  if (rules === undefined) return undefined;
  const text = reason.trim();
  const length = Array.from(text).length;
  if (rules.minLength !== undefined && length < rules.minLength) {
    return { code: 'reason_rejected', problem: 'too_short', count: length, limit: rules.minLength, hint: rules.hint };
  }
  if (rules.pattern !== undefined && !matchesReasonPattern(rules.pattern, text))
    return { code: 'reason_rejected', problem: 'no_match', hint: rules.hint };
  return undefined;
}

/** Whether `requester` asking for `seconds` qualifies for the rule's autoApprove (time-bound, listed, short enough). */
export function qualifiesForAuto(r: FactReader, rule: Rule, requester: string, seconds: number | undefined): boolean {
  const auto = rule.autoApprove;
  if (auto === undefined || seconds === undefined || seconds <= 0 || seconds > auto.maxDurationSeconds) return false;
  return r.listed(auto.requesters, requester);
}

/**
 * Whether `user`'s approval counts in level `group` of `request`: a member of
 * the group now, not the requester, and not the identity being granted. Fails
 * closed: someone whose own identity is unknown cannot be told apart from the
 * member, so does not count where a member is granted.
 */
export function approvalStanding(r: FactReader, group: string, request: AccessRequest, user: string): Dropped['reason'] | null {
  if (user === request.requester) return 'self_approval';
  if (user === AUTO_APPROVER || !r.isApprover(group, user)) return 'not_an_approver';
  const granted = r.subjects(request);
  if (granted.length === 0) return null;
  const own = r.email(user);
  if (own === undefined) return 'approver_identity_unknown';
  return granted.includes(own) ? 'member_approval' : null;
}

/** Earlier approvals of one level, split into those that still count and those that do not. */
export function weigh(
  r: FactReader,
  level: { step?: number | undefined; approverGroup: string; approvalsRequired: number },
  request: AccessRequest,
  approvals: readonly Approval[],
): Weighed {
  const kept: Approval[] = [];
  const dropped: Dropped[] = [];
  for (const approval of approvals) {
    const reason = approvalStanding(r, level.approverGroup, request, approval.approver);
    if (reason) dropped.push({ approver: approval.approver, reason });
    else kept.push(approval);
  }
  return { ...level, kept, dropped };
}

/** Whether `user` is an approver of any level of `rule`. */
export function approvesAnyStep(r: FactReader, rule: Rule, user: string): boolean {
  return rule.steps.some((step) => r.isApprover(step.approvers, user));
}

/** How a stored request stands on its rule: by break-glass, auto-approval or people's approvals. */
export function modeOf(request: Pick<AccessRequest, 'breakGlass' | 'autoApproved'>): FilingMode {
  if (request.breakGlass === true) return 'break_glass';
  return request.autoApproved === true ? 'auto' : 'approval';
}

export interface Standing {
  rule: RuleRef;
  glob: string;
  /** the requester's own Google identity (`user:…`) */
  requesterMember: string;
  /** whether the request grants the requester's own identity (always, for kinds without members) */
  memberIsSelf: boolean;
}

/**
 * A stored request under the policy in force: its rule still covers it, its
 * requester still has an identity in the domains and may still ask this way
 * (`mode`), and its kind's fields and duration still fit. With `approval`, the
 * rule's approval steps must still be the ones the request was filed with.
 */
export function requestStanding(
  r: FactReader,
  kinds: Readonly<Record<RequestKind, KindRules>>,
  request: AccessRequest,
  mode: FilingMode,
): Checked<Standing> {
  const { policy } = r;
  const found = findRule(policy, request.kind, request.target);
  if (!found) return no({ code: 'no_matching_rule', kind: request.kind, target: request.target });
  const { rule, glob } = found;
  const own = r.email(request.requester);
  const identity = resolveIdentity(policy, request.requester, own);
  if (!identity.ok)
    return no({
      code: identity.reason,
      user: request.requester,
      email: identityEmail(policy, request.requester, own),
      domains: policy.domains,
    });
  const glass = mode === 'break_glass';
  const kind = kinds[request.kind];
  if (glass) {
    if (!rule.breakGlass || !kind.breakGlass) return no({ code: 'break_glass_not_allowed', kind: request.kind, glob, rule: rule.name });
    if (!r.listed(rule.breakGlass.requesters, request.requester)) return no({ code: 'not_a_break_glass_requester', glob, rule: rule.name });
  } else if (!r.listed(rule.requesters, request.requester)) {
    return no({ code: 'not_a_requester', kind: request.kind, glob, rule: rule.name });
  }
  const fit = kind.fit(rule, request, { policy, requesterMember: identity.member, breakGlass: glass });
  if (!fit.ok) return no({ ...fit.refusal, glob: fit.refusal.glob ?? glob });
  const duration = durationRefusal(kind, rule, glob, request.durationSeconds, glass);
  if (duration) return no(duration);
  const memberIsSelf = fit.member === undefined || fit.member === identity.member;
  if (glass && !memberIsSelf) return no({ code: 'break_glass_for_another_member', member: fit.member });
  if (mode === 'auto' && (!memberIsSelf || !qualifiesForAuto(r, rule, request.requester, request.durationSeconds))) {
    return no({ code: 'no_longer_auto_approved', rule: rule.name });
  }
  if (mode === 'approval') {
    const filed = request.steps?.length ?? 1;
    if (filed !== rule.steps.length) return no({ code: 'steps_changed', rule: rule.name });
  }
  return { ok: true, rule: { index: found.index, name: rule.name, rule }, glob, requesterMember: identity.member, memberIsSelf };
}

/**
 * How an `invoker` request fits its rule (the kind's part of the authority
 * decision, src/domain/authority): always time-bound; the role among the
 * rule's roles (default roles/run.invoker); the member in the policy's
 * domains and of a type the rule's `members` lists (`self` for the
 * requester's own identity); --start within maxStartDelay, never with
 * --break-glass. Pure.
 */
import type { KindRules } from '../../domain/authority/kindRules';
import { checkMember } from '../../domain/policy/identity';
import { DEFAULT_INVOKER_ROLE, type MemberKind } from '../../domain/policy/schema';
import { parseMember } from '../../domain/resourceNames';
import { refused } from '../fit';

export const invokerRules: KindRules = {
  duration: 'required',
  breakGlass: true,
  fit(rule, draft, { policy, requesterMember, breakGlass }) {
    const role = draft.role ?? DEFAULT_INVOKER_ROLE;
    if (!rule.roles.includes(role)) return refused({ code: 'role_not_allowed', kind: draft.kind, role, roles: rule.roles });
    const wanted = draft.member ?? requesterMember;
    const checked = checkMember(policy, wanted);
    if (!checked.ok) return refused({ code: 'member_outside_domains', member: wanted, domains: policy.domains });
    const memberKind: MemberKind = checked.member === requesterMember ? 'self' : (parseMember(checked.member)?.type ?? 'user');
    if (!rule.members.includes(memberKind))
      return refused({ code: 'member_not_allowed', member: checked.member, memberKinds: rule.members });
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

/**
 * What a person may ask for at all: the rules that let them make a request
 * (as one of its requesters, or only with --break-glass), given that they
 * have a Google identity in the policy's domains. The request form offers
 * targets only from these rules; `/warden eligible` lists them. A dry run
 * of one request is decideAuthority('submit', …), which records nothing.
 * Pure.
 */
import { resolveIdentity } from '../policy/identity';
import type { RequestKind } from '../request';
import { FactReader, groupsToGather, type AuthorityFacts } from './facts';
import type { RuleRef } from './moments';
import type { Refusal } from './refusal';
import type { Policy } from '../policy/schema';

export interface EligibleRule extends RuleRef {
  /** the person may ask under it only with --break-glass */
  breakGlassOnly: boolean;
  /** their own short-enough requests under it are auto-approved */
  autoApproved: boolean;
}

export type Eligibility = { verdict: 'allowed'; rules: EligibleRule[] } | { verdict: 'refused'; refusal: Refusal };

/** The rules `user` may ask under (of `kinds`, default all), in policy order. Needs every group the policy names and `user`'s identity. */
export function eligibleRules(policy: Policy, facts: AuthorityFacts, user: string, kinds?: readonly RequestKind[]): Eligibility {
  const r = new FactReader(policy, facts);
  const identity = resolveIdentity(policy, user, r.email(user));
  const rules: EligibleRule[] = [];
  if (identity.ok) {
    for (const [index, rule] of policy.rules.entries()) {
      if (kinds !== undefined && !kinds.includes(rule.kind)) continue;
      const plainly = r.listed(rule.requesters, user);
      const glass = rule.breakGlass !== undefined && r.listed(rule.breakGlass.requesters, user);
      if (!plainly && !glass) continue;
      const autoApproved = plainly && rule.autoApprove !== undefined && r.listed(rule.autoApprove.requesters, user);
      rules.push({ index, name: rule.name, rule, breakGlassOnly: !plainly, autoApproved });
    }
  }
  if (r.lacksAny())
    return {
      verdict: 'refused',
      refusal: { code: 'facts_missing', missing: { groups: [...r.missing.groups], people: [...r.missing.people] } },
    };
  if (!identity.ok) return { verdict: 'refused', refusal: { code: identity.reason, user } };
  return { verdict: 'allowed', rules };
}

/** What eligibleRules needs looked up for `user`. */
export function eligibilityNeeds(policy: Policy, user: string): { groups: string[]; people: string[] } {
  return { groups: groupsToGather(policy), people: [user] };
}

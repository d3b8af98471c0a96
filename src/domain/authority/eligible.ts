/**
 * What a person may ask for at all: the rules that let them make a request
 * (as one of its requesters, or only with --break-glass), given that they
 * have a Google identity in the policy's domains. The request form offers
 * targets only from these rules; `/warden eligible` lists them. A dry run
 * of one request is decideAuthority('submit', …), which records nothing.
 * Pure.
 */
import { matchGlob } from '../policy/glob';
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
  /** they may use --break-glass under it (its breakGlass.requesters list them) */
  breakGlass: boolean;
}

/** The services a rule decides among those listed: the first SERVICES_SHOWN short names (with region) and how many more. */
export interface RuleServices {
  shown: Array<{ name: string; short: string; region: string }>;
  more: number;
  /** the projects listed for the rule */
  projects: string[];
}

/** A rule open to the person, as `/warden eligible` shows it. */
export interface OpenRule extends EligibleRule {
  /** whether its kind's requests last: always time-bound, permanent unless the rule sets maxDuration, or never (KindRules.duration) */
  lasts: 'required' | 'optional' | 'none';
  /** the Cloud Run services it decides among those listed; absent when not listed (keys, or projects not listed) */
  services?: RuleServices | undefined;
}

/** What `/warden eligible` answers: the rules open to the person, or why nothing is. */
export type EligibleAnswer =
  | { open: true; rules: OpenRule[]; unlisted: string[] }
  | {
      open: false;
      /** no identity at all; one outside the domains; a known identity no rule lets ask */
      why: 'identity_unknown' | 'identity_outside_domains' | 'no_rule' | 'facts_missing';
      email?: string | undefined;
      domains: readonly string[];
    };

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
      rules.push({ index, name: rule.name, rule, breakGlassOnly: !plainly, autoApproved, breakGlass: glass });
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

/**
 * Whether `rule` (at `index` in the policy) is the rule that decides a
 * request of its kind on `target`: the first rule of that kind with a
 * resource glob matching it (as findRule), so an earlier rule shadows it.
 */
export function decidesTarget(policy: Policy, index: number, target: string): boolean {
  const rule = policy.rules[index];
  if (rule === undefined) return false;
  const first = policy.rules.findIndex((r) => r.kind === rule.kind && r.resources.some((glob) => matchGlob(glob, target)));
  return first === index;
}

/** At most how many projects a listing of services reads (one ListServices walk each). */
export const MAX_LISTED_PROJECTS = 5;

/**
 * The Cloud Run projects worth listing for `rules`: each resource glob's
 * project (`projects/<P>/…`) when it is written out; a glob whose project
 * is a wildcard contributes the policy's default project if it matches.
 * In rule order, each once, at most `cap` (MAX_LISTED_PROJECTS). The
 * caller passes only rules of kinds whose targets are services.
 */
export function projectsToList(policy: Policy, rules: readonly Pick<EligibleRule, 'rule'>[], cap = MAX_LISTED_PROJECTS): string[] {
  const projects: string[] = [];
  for (const { rule } of rules) {
    for (const glob of rule.resources) {
      const [head, project] = glob.split('/');
      if (head !== 'projects' || project === undefined) continue;
      const named = project.includes('*') ? policy.defaults.project : project;
      if (named === undefined || !matchGlob(project === '**' ? '*' : project, named)) continue;
      if (!projects.includes(named)) projects.push(named);
      if (projects.length >= cap) return projects;
    }
  }
  return projects;
}

/**
 * `/warden eligible` (SPEC §4): what a person may ask for — each rule that
 * lets them ask (src/domain/authority/eligible.ts, the same answer the
 * request form's Target search stands on), with the Cloud Run services it
 * decides among those listed within a short budget. Reads only: records
 * nothing, pings nobody.
 */
import {
  decidesTarget,
  eligibilityNeeds,
  eligibleRules,
  projectsToList,
  type EligibleAnswer,
  type EligibleRule,
} from '../../domain/authority/eligible';
import { identityEmail } from '../../domain/policy/identity';
import type { RequestKind } from '../../domain/request';
import { formOf, KIND_RULES } from '../../kinds/registry';
import { gatherFacts } from '../authorityFacts';
import type { AppDeps } from '../deps';
import type { ServiceCatalog } from '../serviceCatalog';

/** How long `eligible` waits for service listings (the slash command's reply goes by response_url after Slack's 3 s). */
export const ELIGIBLE_LISTING_BUDGET_MS = 2_000;
/** At most how many matching services are named per rule. */
export const SERVICES_SHOWN = 10;

/** Kinds whose targets are Cloud Run services (listed); the others (keys) are shown by pattern only. */
function listsServices(kind: RequestKind): boolean {
  return formOf(kind)?.target === 'service';
}

export type Openness = Extract<EligibleAnswer, { open: false }> | { open: true; rules: EligibleRule[] };

export function createEligible(deps: AppDeps, catalog: ServiceCatalog) {
  /** The rules (of `kinds`, default all) that let `user` ask, or why none does. Looks up their identity and the policy's groups. */
  async function openTo(user: string, kinds?: readonly RequestKind[]): Promise<Openness> {
    const policy = deps.policy();
    const facts = await gatherFacts(deps.directory, policy, eligibilityNeeds(policy, user));
    const decided = eligibleRules(policy, facts, user, kinds);
    if (decided.verdict === 'refused') {
      const code = decided.refusal.code;
      const why = code === 'identity_unknown' || code === 'identity_outside_domains' ? code : 'facts_missing';
      return { open: false, why, email: identityEmail(policy, user, facts.emails.get(user)), domains: policy.domains };
    }
    if (decided.rules.length === 0) return { open: false, why: 'no_rule', domains: policy.domains };
    return { open: true, rules: decided.rules };
  }

  /** `/warden eligible`: openTo, with each service rule's services among those listed within ELIGIBLE_LISTING_BUDGET_MS. */
  async function eligible(user: string): Promise<EligibleAnswer> {
    const policy = deps.policy();
    const decided = await openTo(user);
    if (!decided.open) return decided;
    const serviceRules = decided.rules.filter((rule) => listsServices(rule.rule.kind));
    const projects = projectsToList(policy, serviceRules);
    const listed = projects.length === 0 ? { services: [], missing: [] } : await catalog.list(projects, ELIGIBLE_LISTING_BUDGET_MS);
    const rules = decided.rules.map((eligibleRule) => {
      const rule = { ...eligibleRule, lasts: KIND_RULES[eligibleRule.rule.kind].duration };
      if (!listsServices(rule.rule.kind)) return rule;
      // only where every project the rule names was listed: a partial list would read as complete
      const own = projectsToList(policy, [rule], Infinity);
      if (own.length === 0 || own.some((p) => !projects.includes(p) || listed.missing.includes(p))) return rule;
      const names = listed.services
        .map((service) => service.name)
        .filter((name) => decidesTarget(policy, rule.index, name))
        .sort();
      const shown = names.slice(0, SERVICES_SHOWN).map((name) => {
        const [, , , region = '', , short = ''] = name.split('/');
        return { name, short, region };
      });
      return { ...rule, services: { shown, more: names.length - shown.length, projects: own } };
    });
    return { open: true, rules, unlisted: listed.missing };
  }

  return { openTo, eligible };
}

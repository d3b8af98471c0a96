/**
 * Whether a posture finding may be converted — its standing binding replaced
 * by just-in-time access (SPEC §11) — and what exactly a conversion removes.
 * Checked when it is asked for, and again (against the policy in force then)
 * before anything is written. Pure.
 *
 * Convertible: an open `standing_access` finding on a Cloud Run service whose
 * members a rule of the policy in force could still grant the role just in
 * time, found by a scan of a scope the policy still names. Not convertible:
 * anything else, with the reason in plain words —
 * including a project-wide binding (removing it needs the project's own IAM
 * policy, resourcemanager.projects.setIamPolicy, which runwarden never holds:
 * the report tells people to remove it by hand once the rule exists).
 */
import type { Policy } from '../policy/schema';
import { coveringRule } from './coverage';
import type { Finding } from './finding';

/** What a conversion removes: exactly these members from the unconditional binding of `role` on `target`, while it holds `expected`. */
export interface Conversion {
  finding: string;
  /** the Cloud Run service */
  target: string;
  role: string;
  /** the members removed (user:… / group:…), sorted */
  members: string[];
  /** every member of the binding as the scan saw it, sorted: the write is refused if the binding has changed since */
  expected: string[];
  /** the rule under which the members can ask for the role just in time */
  rule: string;
}

export type ConversionRefusal = 'not_open' | 'not_standing_access' | 'project_level' | 'no_rule_covers' | 'posture_off' | 'out_of_scope';

export type ConversionCheck = { ok: true; conversion: Conversion } | { ok: false; reason: ConversionRefusal; message: string };

const refuse = (reason: ConversionRefusal, message: string): ConversionCheck => ({ ok: false, reason, message });

export function checkConversion(policy: Policy, finding: Finding): ConversionCheck {
  if (policy.posture === undefined) return refuse('posture_off', 'The posture scan is not turned on: the policy has no `posture` section.');
  const detail = finding.detail;
  if (detail.kind !== 'standing_access') {
    return refuse(
      'not_standing_access',
      `Finding \`${finding.id}\` is not standing access: only standing bindings are converted to just-in-time access.`,
    );
  }
  // a finding seen by a scope the policy no longer scans is not runwarden's to act on (its scans never resolve it either)
  if (!policy.posture.scope.includes(finding.scope)) {
    return refuse(
      'out_of_scope',
      `Finding \`${finding.id}\` was found in ${finding.scope}, which is no longer in the posture scope (${policy.posture.scope.join(', ')}): it is not converted.`,
    );
  }
  if (finding.status !== 'open')
    return refuse('not_open', `Finding \`${finding.id}\` is ${finding.status}: only an open finding is converted.`);
  if (detail.level === 'project') {
    return refuse(
      'project_level',
      `Finding \`${finding.id}\` is a binding on the whole project ${finding.resource}: runwarden edits only Cloud Run services' policies, never a project's. Once a rule covers its members, remove it from the project's policy by hand.`,
    );
  }
  // the rule must cover every member to remove, under the policy in force now (it may have changed since the scan)
  const rules = detail.members.map((member) => coveringRule(policy, finding.resource, 'service', detail.role, member));
  const rule = rules[0];
  if (rule === undefined || rules.some((r) => r !== rule)) {
    return refuse(
      'no_rule_covers',
      `No rule covers this yet: converting finding \`${finding.id}\` would lock ${detail.members.join(', ')} out of ${detail.role}. Add an invoker rule that can grant it first.`,
    );
  }
  return {
    ok: true,
    conversion: {
      finding: finding.id,
      target: finding.resource,
      role: detail.role,
      members: [...detail.members].sort(),
      expected: [...detail.bindingMembers].sort(),
      rule,
    },
  };
}

export { conversionSubjects } from './subjects';

/**
 * The facts an authority decision needs from outside, gathered before it
 * (src/app/authorityFacts.ts) and handed in as data: the members of Slack
 * user groups and people's own Google identities. A decision that needs a
 * fact the caller did not gather never reads it as "no": it is refused with
 * `facts_missing` (the caller gathers again), so nothing is ever allowed on a
 * lookup that was not made.
 */
import { memberEmail } from '../policy/identity';
import { SLACK_GROUP_ID, type Policy, type Rule } from '../policy/schema';
import type { AccessRequest } from '../request';
import type { KindRulesTable } from './kindRules';

export interface AuthorityFacts {
  /** Slack user-group ID (S…) → its members now (usergroups.users.list) */
  groupMembers: ReadonlyMap<string, readonly string[]>;
  /**
   * Slack user → their own Google identity email, lower-cased (the policy's
   * identities map, else their Slack profile email); `undefined` when they
   * have none. A user missing from the map was not looked up.
   */
  emails: ReadonlyMap<string, string | undefined>;
}

export const NO_FACTS: AuthorityFacts = { groupMembers: new Map(), emails: new Map() };

/** Every entry of an approver group (Slack user and user-group IDs); none for a group the policy lacks. */
export function groupEntries(policy: Policy, group: string): readonly string[] {
  return Object.hasOwn(policy.approverGroups, group) ? (policy.approverGroups[group] ?? []) : [];
}

/**
 * The Slack user groups (S…) a decision about `rule` may consult: every
 * step's approvers, the requesters, autoApprove's and breakGlass's requesters,
 * and the policy's auditors. Without a rule: every group the policy names.
 */
export function groupsToGather(policy: Policy, rule?: Rule): string[] {
  const entries = rule
    ? [...rule.steps.flatMap((step) => groupEntries(policy, step.approvers)), ...requesterEntries(rule)]
    : [...Object.values(policy.approverGroups).flat(), ...policy.rules.flatMap(requesterEntries)];
  return [...new Set([...entries, ...policy.auditors].filter((entry) => SLACK_GROUP_ID.test(entry)))];
}

function requesterEntries(rule: Rule): string[] {
  return [...rule.requesters, ...(rule.autoApprove?.requesters ?? []), ...(rule.breakGlass?.requesters ?? [])];
}

/** What a decision looked for and did not find. */
export interface MissingFacts {
  groups: Set<string>;
  people: Set<string>;
}

/**
 * Reads facts for one decision, noting what it needed and was not given. A
 * missing group reads as empty and a missing person as having no identity —
 * both fail closed — and the decision is then refused as `facts_missing`.
 */
export class FactReader {
  readonly missing: MissingFacts = { groups: new Set(), people: new Set() };

  /** `kinds`: each kind's rules (src/kinds/registry.ts KIND_RULES); needed to know a request's subjects */
  constructor(
    readonly policy: Policy,
    private readonly facts: AuthorityFacts,
    readonly kinds?: KindRulesTable | undefined,
  ) {}

  /** The identities `request` gives or takes access from (its kind's `subjects`, else its member's email). */
  subjects(request: AccessRequest): string[] {
    // Fails closed: without the kinds' rules nobody can tell whose access a request changes.
    if (this.kinds === undefined) throw new Error("the kinds' rules were not handed in, so the subjects of a request are unknown");
    const own = this.kinds[request.kind].subjects;
    if (own) return own(request).map((email) => email.toLowerCase());
    const granted = request.member === undefined ? undefined : memberEmail(request.member);
    return granted === undefined ? [] : [granted];
  }

  /** Members of a Slack user group. */
  members(group: string): readonly string[] {
    const found = this.facts.groupMembers.get(group);
    if (found === undefined) this.missing.groups.add(group);
    return found ?? [];
  }

  /** A person's own Google identity email (lower-cased), or undefined when they have none. */
  email(user: string): string | undefined {
    if (!this.facts.emails.has(user)) this.missing.people.add(user);
    return this.facts.emails.get(user);
  }

  /** Whether `user` is among `entries`: "*", their ID, or a user group they are in. */
  listed(entries: readonly string[], user: string): boolean {
    return entries.some((entry) => entry === '*' || entry === user || (SLACK_GROUP_ID.test(entry) && this.members(entry).includes(user)));
  }

  /** The Slack users of an approver group (user groups expanded), each once, in policy order. */
  approvers(group: string): string[] {
    const ids = groupEntries(this.policy, group).flatMap((entry) => (SLACK_GROUP_ID.test(entry) ? this.members(entry) : [entry]));
    return [...new Set(ids)];
  }

  isApprover(group: string, user: string): boolean {
    return this.approvers(group).includes(user);
  }

  lacksAny(): boolean {
    return this.missing.groups.size > 0 || this.missing.people.size > 0;
  }
}

/** The Slack users of approver group `group` (user groups expanded from `groupMembers`), each once, in policy order. */
export function approverIds(policy: Policy, group: string, groupMembers: ReadonlyMap<string, readonly string[]>): string[] {
  return new FactReader(policy, { groupMembers, emails: new Map() }).approvers(group);
}

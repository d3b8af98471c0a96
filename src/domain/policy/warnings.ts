/**
 * What is legal in a policy but almost certainly not what its author meant —
 * the warnings of `npm run policy -- check` (src/policyCli.ts). Pure: the
 * members of Slack user groups come in as a parameter (unknown groups are
 * skipped, and said so).
 *
 * - `shadowed`: a resource glob of a rule that an earlier rule of the same
 *   kind covers entirely (the first matching rule applies, so requests for it
 *   never reach this rule); when every glob is covered, the rule never applies.
 * - `unapprovable`: people the rule lets ask whose requests could never be
 *   approved — nobody approves their own request and one person counts in one
 *   step only, so an approval level needs enough members besides the requester.
 * - `empty_group`: an approver group with no member once its user groups are
 *   resolved (every request under its rules would wait for nobody).
 * - `unused_group`: an approver group no rule (nor `posture`) names.
 * - `unresolved_group`: a user group whose members were not given, so the
 *   checks above could not look inside it.
 */
import { matchSegment } from './glob';
import type { Policy, Rule } from './schema';
import { SLACK_GROUP_ID } from './schema';

export type PolicyWarningCode = 'shadowed' | 'unapprovable' | 'empty_group' | 'unused_group' | 'unresolved_group';

export interface PolicyWarning {
  code: PolicyWarningCode;
  /** where in the file: `rules[3]`, `rules[3].resources[0]`, `approverGroups.platform` */
  path: string;
  message: string;
}

/** Members of Slack user groups (S… → user IDs); a group absent from the map is unknown. */
export type KnownUserGroups = Readonly<Record<string, readonly string[]>>;

/** How the policy names a rule in messages: its `rules[i]` path. */
export function rulePath(index: number): string {
  return `rules[${index}]`;
}

/** Every warning of `policy`, in file order. */
export function policyWarnings(policy: Policy, userGroups: KnownUserGroups = {}): PolicyWarning[] {
  return [...shadowedGlobs(policy), ...unapprovableRules(policy, userGroups), ...groupWarnings(policy, userGroups)];
}

/** Whether every resource name `inner` matches is also matched by `outer` (sound: never claims cover that is not there). */
export function globCovers(outer: string, inner: string): boolean {
  const o = outer.split('/');
  const i = inner.split('/');
  const oRest = o.at(-1) === '**';
  const iRest = i.at(-1) === '**';
  const oFixed = oRest ? o.slice(0, -1) : o;
  const iFixed = iRest ? i.slice(0, -1) : i;
  if (iRest && !oRest) return false; // inner reaches any depth, outer one depth only
  if (oRest ? iFixed.length < oFixed.length + (iRest ? 0 : 1) : iFixed.length !== oFixed.length) return false;
  return oFixed.every((segment, index) => segmentCovers(segment, iFixed[index] ?? ''));
}

/**
 * Segment cover: each `*` of `inner` becomes a character no literal can match, so `outer` matches the result only by
 * absorbing it into one of its own `*`s — and then it matches whatever that `*` of `inner` stands for.
 */
function segmentCovers(outer: string, inner: string): boolean {
  return matchSegment(outer, inner.replaceAll('*', '\u0000'));
}

function shadowedGlobs(policy: Policy): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  policy.rules.forEach((rule, index) => {
    const coveredBy = rule.resources.map((glob) => {
      for (let earlier = 0; earlier < index; earlier += 1) {
        const other = policy.rules[earlier];
        const outer = other?.kind === rule.kind ? other.resources.find((g) => globCovers(g, glob)) : undefined;
        if (outer !== undefined) return { earlier, outer };
      }
      return undefined;
    });
    if (coveredBy.every((c) => c !== undefined) && coveredBy.length > 0) {
      const by = [...new Set(coveredBy.map((c) => rulePath(c?.earlier ?? 0)))].join(', ');
      warnings.push({
        code: 'shadowed',
        path: rulePath(index),
        message: `never applies: every resource it covers falls under ${by} first (the first matching rule applies)`,
      });
      return;
    }
    coveredBy.forEach((c, g) => {
      if (c) {
        warnings.push({
          code: 'shadowed',
          path: `${rulePath(index)}.resources[${g}]`,
          message: `\`${rule.resources[g] ?? ''}\` is covered by ${rulePath(c.earlier)} (\`${c.outer}\`), which applies first`,
        });
      }
    });
  });
  return warnings;
}

/** The Slack users of an approver group's entries, or undefined when a user group in it is unknown. */
function peopleOf(policy: Policy, group: string, userGroups: KnownUserGroups): Set<string> | undefined {
  const people = new Set<string>();
  for (const entry of policy.approverGroups[group] ?? []) {
    if (!SLACK_GROUP_ID.test(entry)) people.add(entry);
    else if (userGroups[entry] === undefined) return undefined;
    else for (const user of userGroups[entry] ?? []) people.add(user);
  }
  return people;
}

/**
 * Whether `requester` could collect every step's approvals: each step from its own group, never the requester,
 * one person in one step only. Exact: a bipartite matching of approval slots to people (Kuhn's augmenting paths).
 */
function approvable(steps: Array<{ people: Set<string>; approvals: number }>, requester: string | undefined): boolean {
  const slots = steps.flatMap((step) => Array.from({ length: step.approvals }, () => [...step.people].filter((p) => p !== requester)));
  const holder = new Map<string, number>(); // person → slot
  const assign = (slot: number, seen: Set<string>): boolean => {
    for (const person of slots[slot] ?? []) {
      if (seen.has(person)) continue;
      seen.add(person);
      const other = holder.get(person);
      if (other === undefined || assign(other, seen)) {
        holder.set(person, slot);
        return true;
      }
    }
    return false;
  };
  return slots.every((_, slot) => assign(slot, new Set()));
}

function unapprovableRules(policy: Policy, userGroups: KnownUserGroups): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  policy.rules.forEach((rule, index) => {
    const steps = rule.steps.map((s) => ({ people: peopleOf(policy, s.approvers, userGroups), approvals: s.approvals }));
    if (steps.some((s) => s.people === undefined)) return;
    const known = steps.map((s) => ({ people: s.people ?? new Set<string>(), approvals: s.approvals }));
    const askers = requestersOf(rule, userGroups);
    if (askers === 'anyone') {
      if (!approvable(known, undefined))
        warnings.push({ code: 'unapprovable', path: rulePath(index), message: `no request under it can be approved: ${shortfall(rule)}` });
      return;
    }
    if (askers === undefined) return;
    const stuck = [...askers].filter((user) => !approvable(known, user));
    if (stuck.length === 0) return;
    const who =
      stuck.length === askers.size
        ? 'no one who may ask under it can be approved'
        : `${stuck.join(', ')} may ask under it but could never be approved`;
    warnings.push({
      code: 'unapprovable',
      path: rulePath(index),
      message: `${who}: ${shortfall(rule)}, and nobody approves their own request`,
    });
  });
  return warnings;
}

/** Who may ask under `rule` for approval (break-glass needs none): everyone, a known set, or undefined (an unknown user group). */
function requestersOf(rule: Rule, userGroups: KnownUserGroups): 'anyone' | Set<string> | undefined {
  const entries = rule.requesters;
  if (entries.includes('*')) return 'anyone';
  const users = new Set<string>();
  for (const entry of entries) {
    if (!SLACK_GROUP_ID.test(entry)) users.add(entry);
    else if (userGroups[entry] === undefined) return undefined;
    else for (const user of userGroups[entry] ?? []) users.add(user);
  }
  return users;
}

function shortfall(rule: Rule): string {
  return rule.steps
    .map((s, i) => `${rule.steps.length > 1 ? `step ${i + 1} needs ` : 'it needs '}${s.approvals} of group "${s.approvers}"`)
    .join(', ');
}

function groupWarnings(policy: Policy, userGroups: KnownUserGroups): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  const named = new Set([
    ...policy.rules.flatMap((r) => r.steps.map((s) => s.approvers)),
    ...(policy.posture ? [policy.posture.approvers] : []),
  ]);
  const unknown = new Set<string>();
  for (const [group, entries] of Object.entries(policy.approverGroups)) {
    const path = `approverGroups.${group}`;
    if (!named.has(group)) warnings.push({ code: 'unused_group', path, message: 'no rule names it' });
    entries.filter((e) => SLACK_GROUP_ID.test(e) && userGroups[e] === undefined).forEach((e) => unknown.add(e));
    const people = peopleOf(policy, group, userGroups);
    if (people !== undefined && people.size === 0)
      warnings.push({ code: 'empty_group', path, message: 'has no member: requests under its rules would wait for nobody' });
  }
  for (const group of unknown) {
    warnings.push({
      code: 'unresolved_group',
      path: 'approverGroups',
      message: `members of the user group ${group} are unknown, so the rules it approves were not checked for approvers (give them with --groups)`,
    });
  }
  return warnings;
}

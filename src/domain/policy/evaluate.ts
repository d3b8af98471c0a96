/**
 * Who may ask for what, and who may approve it: the policy applied to one
 * request. Decisions are values with a reason; they become errors only at the
 * edge. Slack user groups come in already resolved (`groupMembers`, keyed by
 * S… id — see groupsToResolve), so this stays pure.
 */
import { formatDuration } from '../duration';
import type { RequestKind } from '../request';
import { EMAIL, parseMember } from '../resourceNames';
import { matchGlob } from './glob';
import { DEFAULT_INVOKER_ROLE, SLACK_GROUP_ID, type Policy, type Rule } from './schema';

export type GroupMembers = ReadonlyMap<string, readonly string[]>;

export type DenialReason =
  | 'no_matching_rule'
  | 'not_a_requester'
  | 'role_not_allowed'
  | 'duration_too_long'
  | 'duration_too_short'
  | 'duration_required'
  | 'duration_not_allowed';

export type Decision =
  | {
      allowed: true;
      ruleIndex: number;
      rule: Rule;
      approverGroup: string;
      approvalsRequired: number;
      channel: string;
      /** invoker: the role to grant (the requested one, else roles/run.invoker) */
      role?: string | undefined;
    }
  | { allowed: false; reason: DenialReason; message: string };

export interface RequestInput {
  kind: RequestKind;
  /** full resource name */
  target: string;
  /** Slack user ID */
  requester: string;
  role?: string | undefined;
  durationSeconds?: number | undefined;
}

/** The first rule of `kind` with a resource glob matching `target`, and that glob. */
export function findRule(
  policy: Policy,
  kind: RequestKind,
  target: string,
): { rule: Rule; index: number; glob: string } | undefined {
  for (const [index, rule] of policy.rules.entries()) {
    if (rule.kind !== kind) continue;
    const glob = rule.resources.find((pattern) => matchGlob(pattern, target));
    if (glob !== undefined) return { rule, index, glob };
  }
  return undefined;
}

const deny = (reason: DenialReason, message: string): Decision => ({ allowed: false, reason, message });

/**
 * Durations: invoker grants always need one, within [minDuration, maxDuration]
 * (the schema makes maxDuration mandatory for invoker rules). egress/ingress
 * changes may be permanent, unless the rule sets maxDuration: then they must
 * be temporary and within bounds. rotate takes none.
 */
function durationDenial(rule: Rule, glob: string, seconds: number | undefined): Decision | undefined {
  const max = rule.maxDurationSeconds;
  const min = rule.minDurationSeconds;
  if (rule.kind === 'rotate') {
    return seconds === undefined ? undefined : deny('duration_not_allowed', 'Key rotation is permanent: it takes no duration.');
  }
  if (seconds === undefined) {
    if (rule.kind === 'invoker') {
      return deny('duration_required', `Access to ${glob} is time-bound: give a duration${max !== undefined ? ` of at most ${formatDuration(max)}` : ''}.`);
    }
    if (max === undefined) return undefined;
    return deny('duration_required', `${rule.kind} changes to ${glob} must be temporary: give a duration of at most ${formatDuration(max)}.`);
  }
  if (max !== undefined && seconds > max) {
    return deny('duration_too_long', `${formatDuration(seconds)} is longer than the ${formatDuration(max)} this rule allows for ${glob}.`);
  }
  if (min !== undefined && seconds < min) {
    return deny('duration_too_short', `${formatDuration(seconds)} is shorter than the ${formatDuration(min)} this rule requires for ${glob}.`);
  }
  return undefined;
}

function isRequester(rule: Rule, user: string, groupMembers: GroupMembers): boolean {
  return rule.requesters.some(
    (entry) => entry === '*' || entry === user || (SLACK_GROUP_ID.test(entry) && (groupMembers.get(entry) ?? []).includes(user)),
  );
}

export function evaluateRequest(policy: Policy, input: RequestInput, groupMembers: GroupMembers): Decision {
  const found = findRule(policy, input.kind, input.target);
  if (!found) {
    return deny('no_matching_rule', `No rule in the policy covers ${input.kind} requests for ${input.target}, so it cannot be requested.`);
  }
  const { rule, index, glob } = found;
  if (!isRequester(rule, input.requester, groupMembers)) {
    return deny('not_a_requester', `You are not among the people this policy lets make ${input.kind} requests for ${glob}.`);
  }
  let role: string | undefined;
  if (rule.kind === 'invoker') {
    role = input.role ?? DEFAULT_INVOKER_ROLE;
    if (!rule.roles.includes(role)) {
      return deny('role_not_allowed', `${role} is not a role this policy grants for ${glob}: ask for ${rule.roles.join(' or ')}.`);
    }
  } else if (input.role !== undefined) {
    return deny('role_not_allowed', `Only invoker requests take a role; ${input.kind} requests do not.`);
  }
  const denial = durationDenial(rule, glob, input.durationSeconds);
  if (denial) return denial;
  return {
    allowed: true,
    ruleIndex: index,
    rule,
    approverGroup: rule.approvers,
    approvalsRequired: rule.approvals,
    channel: rule.channel,
    role,
  };
}

function groupEntries(policy: Policy, groupName: string): readonly string[] {
  return Object.hasOwn(policy.approverGroups, groupName) ? (policy.approverGroups[groupName] ?? []) : [];
}

/** The Slack user IDs of a group: user-group entries expanded, each user once, in policy order. */
export function approverIds(policy: Policy, groupName: string, groupMembers: GroupMembers): string[] {
  const ids = groupEntries(policy, groupName).flatMap((entry) =>
    SLACK_GROUP_ID.test(entry) ? (groupMembers.get(entry) ?? []) : [entry],
  );
  return [...new Set(ids)];
}

export function isApprover(policy: Policy, groupName: string, user: string, groupMembers: GroupMembers): boolean {
  return approverIds(policy, groupName, groupMembers).includes(user);
}

/** The Slack user-group IDs (S…) to look up: for one rule (approvers + requesters), or for the whole policy. */
export function groupsToResolve(policy: Policy, rule?: Rule): string[] {
  const entries = rule
    ? [...groupEntries(policy, rule.approvers), ...rule.requesters]
    : [...Object.values(policy.approverGroups).flat(), ...policy.rules.flatMap((each) => each.requesters)];
  return [...new Set(entries.filter((entry) => SLACK_GROUP_ID.test(entry)))];
}

export type IdentityResult =
  | { ok: true; member: string; email: string }
  | { ok: false; reason: 'identity_unknown' | 'identity_outside_domains'; message: string };

function inDomains(policy: Policy, email: string): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return policy.domains.some((allowed) => allowed.toLowerCase() === domain);
}

/** The requester's own Google identity: the policy's identities map first, else their Slack profile email. */
export function resolveIdentity(policy: Policy, user: string, slackEmail: string | undefined): IdentityResult {
  const mapped = Object.hasOwn(policy.identities, user) ? policy.identities[user] : undefined;
  const email = (mapped ?? slackEmail)?.trim().toLowerCase();
  if (email === undefined || email === '') {
    return {
      ok: false,
      reason: 'identity_unknown',
      message: "runwarden does not know your Google account: your Slack profile shows no email and the policy's identities map has no entry for you.",
    };
  }
  if (!EMAIL.test(email)) {
    return { ok: false, reason: 'identity_unknown', message: `\`${email}\` is not an email address runwarden can grant access to.` };
  }
  if (!inDomains(policy, email)) {
    return {
      ok: false,
      reason: 'identity_outside_domains',
      message: `${email} is not in a domain this policy grants access to (${policy.domains.join(', ') || 'none'}).`,
    };
  }
  return { ok: true, member: `user:${email}`, email };
}

/**
 * An explicit --member: user:, group: or serviceAccount: and an email whose
 * domain is listed in `domains` (exact match, case-insensitive). Service
 * accounts therefore need their domain listed, e.g.
 * `acme-prod.iam.gserviceaccount.com`. allUsers, domain:… and the like are refused.
 */
export function checkMember(policy: Policy, member: string): { ok: true; member: string } | { ok: false; message: string } {
  const parsed = parseMember(member.trim());
  if (!parsed) {
    return { ok: false, message: `\`${member}\` is not a member runwarden grants to: use user:EMAIL, group:EMAIL or serviceAccount:EMAIL.` };
  }
  if (!inDomains(policy, parsed.email)) {
    const hint = parsed.type === 'serviceAccount' ? ` (service accounts need their ${parsed.domain} domain listed there)` : '';
    return { ok: false, message: `${parsed.member} is outside the policy's domains: ${policy.domains.join(', ') || 'none'}${hint}.` };
  }
  return { ok: true, member: parsed.member };
}

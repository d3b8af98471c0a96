/**
 * Who may ask for what, and who may approve it: the policy applied to one
 * request. Decisions are values with a reason; they become errors only at the
 * edge. Slack user groups come in already resolved (`groupMembers`, keyed by
 * S… id — see groupsToResolve), so this stays pure.
 */
import { formatDuration } from '../duration';
import type { RequestKind } from '../request';
import { parseMember } from '../resourceNames';
import { qualifiesForAutoApproval } from './autoApproval';
import { matchGlob } from './glob';
import { checkMember } from './identity';
import { isListed, type GroupMembers } from './isListed';
import { reasonProblem } from './reasonRules';
import { DEFAULT_INVOKER_ROLE, SLACK_GROUP_ID, type MemberKind, type Policy, type Rule } from './schema';

export type { GroupMembers } from './isListed';

export type DenialReason =
  | 'no_matching_rule'
  | 'not_a_requester'
  | 'role_not_allowed'
  | 'duration_too_long'
  | 'duration_too_short'
  | 'duration_required'
  | 'duration_not_allowed'
  | 'reason_rejected'
  | 'start_not_allowed'
  | 'start_too_late'
  | 'break_glass_not_allowed'
  | 'not_a_break_glass_requester'
  | 'break_glass_too_long'
  | 'rotation_period_too_long'
  | 'member_not_allowed'
  | 'member_outside_domains'
  | 'no_longer_auto_approved';

/**
 * How an allowed request proceeds: decided by people (`approval`), approved by
 * runwarden itself (`auto`, SPEC §9 Auto-approval) or applied at once and
 * reviewed afterwards (`break_glass`, SPEC §9 Break-glass).
 */
export type DecisionMode = 'approval' | 'auto' | 'break_glass';

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
      mode: DecisionMode;
      /** invoker: the member to grant, normalised (`user:alice@acme.example`) */
      member?: string | undefined;
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
  /** the justification; checked against the rule's `reason` when given */
  reason?: string | undefined;
  /** --break-glass */
  breakGlass?: boolean | undefined;
  /** --start: seconds from now until the grant begins (invoker) */
  startDelaySeconds?: number | undefined;
  /** rotate: the requested --rotation-period */
  rotationPeriodSeconds?: number | undefined;
  /** invoker: the member to grant (an explicit --member, or the requester's own identity) */
  member?: string | undefined;
  /** the requester's own Google identity (`user:…`, see resolveIdentity), which makes a member `self` */
  requesterMember?: string | undefined;
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

/**
 * --break-glass: the rule must allow it, the requester be one of its
 * break-glass requesters, and the change be time-bound within
 * breakGlass.maxDuration (which replaces the rule's own duration bounds).
 */
function breakGlassDenial(rule: Rule, glob: string, input: RequestInput, groupMembers: GroupMembers): Decision | undefined {
  const glass = rule.breakGlass;
  if (glass === undefined) return deny('break_glass_not_allowed', `The rule for ${glob} does not allow --break-glass: ask for approval instead.`);
  if (!isListed(glass.requesters, input.requester, groupMembers)) {
    return deny('not_a_break_glass_requester', `You are not among the people this policy lets use --break-glass for ${glob}.`);
  }
  const seconds = input.durationSeconds;
  if (seconds === undefined) {
    return deny('duration_required', `Break-glass access is always time-bound: give a duration of at most ${formatDuration(glass.maxDurationSeconds)}.`);
  }
  if (seconds > glass.maxDurationSeconds) {
    return deny('break_glass_too_long', `${formatDuration(seconds)} is longer than the ${formatDuration(glass.maxDurationSeconds)} this rule allows with --break-glass for ${glob}.`);
  }
  return undefined;
}

/** --start: invoker only (the parser already refuses it elsewhere), at most the rule's maxStartDelay ahead. */
function startDenial(rule: Rule, input: RequestInput): Decision | undefined {
  if (input.startDelaySeconds === undefined) return undefined;
  if (rule.kind !== 'invoker' || rule.maxStartDelaySeconds === undefined) return deny('start_not_allowed', 'Only invoker grants can be scheduled with --start.');
  if (input.breakGlass === true) return deny('start_not_allowed', 'Break-glass access starts now: --break-glass takes no --start.');
  if (input.startDelaySeconds > rule.maxStartDelaySeconds) {
    return deny('start_too_late', `The start is more than the ${formatDuration(rule.maxStartDelaySeconds)} ahead this rule allows for scheduled grants.`);
  }
  return undefined;
}

/** rotate: --rotation-period at most the rule's maxRotationPeriod (SPEC §5, default 90d). */
function rotationDenial(rule: Rule, seconds: number | undefined): Decision | undefined {
  const max = rule.maxRotationPeriodSeconds;
  if (rule.kind !== 'rotate' || seconds === undefined || max === undefined || seconds <= max) return undefined;
  return deny('rotation_period_too_long', `A rotation period of ${formatDuration(seconds)} is longer than the ${formatDuration(max)} this rule allows.`);
}

const MEMBER_WORDS: Record<MemberKind, string> = {
  self: 'your own identity',
  user: 'other users',
  group: 'groups',
  serviceAccount: 'service accounts',
};

/**
 * invoker: the member must be in the policy's domains, and its kind — `self`
 * when it is the requester's own identity, else its IAM type — listed in the
 * rule's `members` (default [self]).
 */
function memberDenial(policy: Policy, rule: Rule, input: RequestInput): Decision | { member: string } {
  const wanted = input.member ?? input.requesterMember;
  if (wanted === undefined) return deny('member_not_allowed', 'runwarden does not know whom to grant this to: your own Google identity is unknown.');
  const checked = checkMember(policy, wanted);
  if (!checked.ok) return deny('member_outside_domains', checked.message);
  const kind: MemberKind = checked.member === input.requesterMember ? 'self' : (parseMember(checked.member)?.type ?? 'user');
  if (!rule.members.includes(kind)) {
    const allowed = rule.members.map((each) => MEMBER_WORDS[each]).join(' or ');
    return deny('member_not_allowed', `This rule grants access only to ${allowed}, so ${checked.member} cannot be granted it.`);
  }
  return { member: checked.member };
}

export function evaluateRequest(policy: Policy, input: RequestInput, groupMembers: GroupMembers): Decision {
  const found = findRule(policy, input.kind, input.target);
  if (!found) {
    return deny('no_matching_rule', `No rule in the policy covers ${input.kind} requests for ${input.target}, so it cannot be requested.`);
  }
  const { rule, index, glob } = found;
  const breakGlass = input.breakGlass === true;
  if (breakGlass) {
    if (rule.kind === 'rotate') return deny('break_glass_not_allowed', 'Key rotations cannot be done with --break-glass.');
  } else if (!isListed(rule.requesters, input.requester, groupMembers)) {
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
  const denial =
    (breakGlass ? breakGlassDenial(rule, glob, input, groupMembers) : durationDenial(rule, glob, input.durationSeconds)) ??
    startDenial(rule, input) ??
    rotationDenial(rule, input.rotationPeriodSeconds);
  if (denial) return denial;
  const reasonText = input.reason === undefined ? undefined : reasonProblem(rule.reason, input.reason);
  if (reasonText !== undefined) return deny('reason_rejected', reasonText);
  const auto = !breakGlass && qualifiesForAutoApproval(rule, input.requester, input.durationSeconds, groupMembers);
  let member: string | undefined;
  if (rule.kind === 'invoker') {
    const checked = memberDenial(policy, rule, input);
    if ('allowed' in checked) return checked;
    member = checked.member;
  }
  return {
    allowed: true,
    ruleIndex: index,
    rule,
    approverGroup: rule.approvers,
    approvalsRequired: rule.approvals,
    channel: rule.channel,
    role,
    mode: breakGlass ? 'break_glass' : auto ? 'auto' : 'approval',
    member,
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

/** Every requester-like list of a rule: requesters, autoApprove.requesters, breakGlass.requesters. */
function requesterEntries(rule: Rule): string[] {
  return [...rule.requesters, ...(rule.autoApprove?.requesters ?? []), ...(rule.breakGlass?.requesters ?? [])];
}

/** The Slack user-group IDs (S…) to look up: for one rule (every step's approvers + requesters), or for the whole policy. */
export function groupsToResolve(policy: Policy, rule?: Rule): string[] {
  const entries = rule
    ? [...rule.steps.flatMap((step) => groupEntries(policy, step.approvers)), ...requesterEntries(rule)]
    : [...Object.values(policy.approverGroups).flat(), ...policy.rules.flatMap(requesterEntries)];
  return [...new Set(entries.filter((entry) => SLACK_GROUP_ID.test(entry)))];
}


/**
 * The one place a refusal becomes words: every Refusal code
 * (src/domain/authority/refusal.ts) to the sentence Slack shows, with the
 * configured slash command. `userText` is what every edge (command replies,
 * buttons, modals, notices) calls on an error it tells a person about.
 */
import { formatDuration } from '../../../domain/duration';
import type { Moment } from '../../../domain/authority/moments';
import type { Refusal } from '../../../domain/authority/refusal';
import { RefusedError } from '../../../domain/authority/refusedError';
import type { WardenError } from '../../../domain/errors';
import { parseMember } from '../../../domain/resourceNames';
import { plainDate } from './format';

const STATUS_WORDS: Record<string, string> = {
  pending: 'still pending',
  approved: 'already approved',
  active: 'already active',
  applied: 'already applied',
  denied: 'already denied',
  cancelled: 'already cancelled',
  timed_out: 'already timed out',
  expired: 'already expired',
  revoked: 'already revoked',
  failed: 'already failed',
  lapsed: 'already lapsed',
};

const VERBS: Partial<Record<Moment, string>> = {
  approve: 'approved',
  deny: 'denied',
  cancel: 'cancelled',
  revoke: 'revoked',
  review: 'reviewed',
  extend: 'extended',
  approve_extension: 'approved',
  deny_extension: 'denied',
};

const MEMBER_WORDS: Record<string, string> = {
  self: 'your own identity',
  user: 'other users',
  group: 'groups',
  serviceAccount: 'service accounts',
};

const id = (r: Refusal): string => `\`${r.requestId ?? '?'}\``;
const dur = (seconds: number | undefined): string => (seconds === undefined ? '?' : formatDuration(seconds));
const isExtension = (r: Refusal): boolean =>
  r.moment === 'approve_extension' || r.moment === 'deny_extension' || r.moment === 'apply_extension';

function notAnApprover(r: Refusal): string {
  if (r.moment === 'review') return `Only the approvers of request ${id(r)}'s rule (*${r.group ?? '?'}*) can review it.`;
  if (isExtension(r)) return `Only members of the *${r.group ?? '?'}* approver group can decide this extension.`;
  const { step, steps } = r;
  if (step === undefined || steps === undefined)
    return `Only members of the *${r.group ?? '?'}* approver group can decide request ${id(r)}.`;
  const later = steps.slice(step).map((s) => `*${s}*`);
  const after = later.length === 0 ? '' : `; ${later.join(', then ')} ${later.length === 1 ? 'is' : 'are'} asked after it`;
  return `Step ${step} of ${steps.length} of request ${id(r)} is decided by the *${r.group ?? '?'}* approver group${after}.`;
}

function memberOutsideDomains(r: Refusal): string {
  const parsed = r.member === undefined ? undefined : parseMember(r.member);
  if (!parsed) return `\`${r.member ?? ''}\` is not a member runwarden grants to: use user:EMAIL, group:EMAIL or serviceAccount:EMAIL.`;
  const hint = parsed.type === 'serviceAccount' ? ` (service accounts need their ${parsed.domain} domain listed there)` : '';
  return `${parsed.member} is outside the policy's domains: ${r.domains?.join(', ') || 'none'}${hint}.`;
}

function durationRequired(r: Refusal): string {
  if (r.breakGlass) return `Break-glass access is always time-bound: give a duration of at most ${dur(r.limitSeconds)}.`;
  if (r.kind === 'invoker')
    return `Access to ${r.glob ?? r.target ?? 'this service'} is time-bound: give a duration${r.limitSeconds !== undefined ? ` of at most ${dur(r.limitSeconds)}` : ''}.`;
  return `${r.kind ?? 'These'} changes to ${r.glob ?? 'this service'} must be temporary: give a duration of at most ${dur(r.limitSeconds)}.`;
}

/** Why a stored request no longer stands, as the rest of a sentence. */
function noLongerAllowed(r: Refusal, slash: string): string {
  const because =
    r.because === undefined ? 'the policy in force no longer allows it' : refusalText({ ...r.because, requestId: r.requestId }, slash);
  switch (r.moment) {
    case 'approve':
      return `Request ${id(r)} can no longer be approved: ${because}`;
    case 'apply':
      return `The policy in force no longer allows this change: ${because}`;
    case 'approve_extension':
    case 'extend':
      return `Request ${id(r)} can no longer be extended: ${because}`;
    case 'apply_extension':
      return `The policy in force no longer allows this grant: ${because}`;
    default:
      return `The policy in force no longer allows request ${id(r)}: ${because}`;
  }
}

/**
 * Access already in force: the grant's id, its end and the exact command that gives more time. Plain text (the
 * edge escapes it): no mention or date token, so the requester is named by Slack ID only when it is not the asker.
 */
function alreadyGranted(r: Refusal, slash: string): string {
  const ends = r.until === undefined ? '' : `, until ${plainDate(r.until)}`;
  const extend = `\`${slash} extend ${r.requestId ?? '?'} <duration> <reason…>\``;
  const has = `\`${r.member ?? '?'}\` already has \`${r.role ?? '?'}\` on \`${r.target ?? '?'}\` through request ${id(r)}${ends}, so nothing new was asked for.`;
  return r.ownGrant ? `${has} For more time: ${extend}.` : `${has} Its requester can give it more time: ${extend}.`;
}

/** The sentence for `refusal`, using `slash` (the configured slash command) where it names a command. */
export function refusalText(r: Refusal, slash = '/warden'): string {
  switch (r.code) {
    case 'no_matching_rule':
      return `No rule in the policy covers ${r.kind ?? ''} requests for ${r.target ?? 'this resource'}, so it cannot be requested.`;
    case 'not_a_requester':
      return `You are not among the people this policy lets make ${r.kind ?? ''} requests for ${r.glob ?? 'this resource'}.`;
    case 'identity_unknown':
      return r.email !== undefined
        ? `\`${r.email}\` is not an email address runwarden can grant access to.`
        : "runwarden does not know your Google account: your Slack profile shows no email and the policy's identities map has no entry for you.";
    case 'identity_outside_domains':
      return `${r.email ?? 'Your email'} is not in a domain this policy grants access to (${r.domains?.join(', ') || 'none'}).`;
    case 'role_not_allowed':
      return r.roles === undefined
        ? `Only invoker requests take a role; ${r.kind ?? 'these'} requests do not.`
        : `${r.role ?? ''} is not a role this policy grants for ${r.glob ?? 'this service'}: ask for ${r.roles.join(' or ')}.`;
    case 'member_not_allowed':
      return `This rule grants access only to ${(r.memberKinds ?? []).map((k) => MEMBER_WORDS[k] ?? k).join(' or ')}, so ${r.member ?? 'that member'} cannot be granted it.`;
    case 'member_outside_domains':
      return memberOutsideDomains(r);
    case 'duration_required':
      return durationRequired(r);
    case 'duration_not_allowed':
      return 'Key rotation is permanent: it takes no duration.';
    case 'duration_too_long':
      return `${dur(r.seconds)} is longer than the ${dur(r.limitSeconds)} this rule allows for ${r.glob ?? 'this resource'}.`;
    case 'duration_too_short':
      return `${dur(r.seconds)} is shorter than the ${dur(r.limitSeconds)} this rule requires for ${r.glob ?? 'this resource'}.`;
    case 'start_not_allowed':
      return r.status === 'break_glass'
        ? 'Break-glass access starts now: --break-glass takes no --start.'
        : 'Only invoker grants can be scheduled with --start.';
    case 'start_in_past':
      return 'The --start time is in the past: give a future time, or leave --start out to start now.';
    case 'start_too_late':
      return `The start is more than the ${dur(r.limitSeconds)} ahead this rule allows for scheduled grants.`;
    case 'rotation_period_too_long':
      return `A rotation period of ${dur(r.seconds)} is longer than the ${dur(r.limitSeconds)} this rule allows.`;
    case 'reason_rejected': {
      const problem =
        r.problem === 'too_short'
          ? `The reason is ${r.count ?? 0} character(s) long; this rule needs at least ${r.limit ?? 0}.`
          : 'The reason does not have the form this rule requires.';
      return r.hint !== undefined ? `${problem} Hint: ${r.hint}` : problem;
    }
    case 'break_glass_not_allowed':
      return r.kind === 'rotate'
        ? 'Key rotations cannot be done with --break-glass.'
        : `The rule for ${r.glob ?? 'this resource'} does not allow --break-glass: ask for approval instead.`;
    case 'not_a_break_glass_requester':
      return `You are not among the people this policy lets use --break-glass for ${r.glob ?? 'this resource'}.`;
    case 'break_glass_too_long':
      return `${dur(r.seconds)} is longer than the ${dur(r.limitSeconds)} this rule allows with --break-glass for ${r.glob ?? 'this resource'}.`;
    case 'break_glass_for_another_member':
      return `--break-glass gives access to your own identity only: one person alone never gives access to someone else (${r.member ?? 'another member'}). Ask for approval instead (without --break-glass).`;
    case 'unreachable_approvals':
      return r.group !== undefined
        ? `This request needs ${r.limit ?? 0} approval(s) from *${r.group}*, but the group has only ${r.count ?? 0} member(s) besides you${r.member !== undefined ? ' and the member being granted' : ''}, so it could never be approved. Ask an admin to fix the policy.`
        : `This request needs ${r.limit ?? 0} different approvers across its steps (one person counts in one step only), but only ${r.count ?? 0} could approve it. Ask an admin to fix the policy.`;
    case 'already_granted':
      return alreadyGranted(r, slash);
    case 'too_many_open_requests':
      return `You already have ${r.count ?? 0} open requests (pending or being applied); the policy allows ${r.limit ?? 0} at once. Cancel one you no longer need (\`${slash} cancel\` and its id) or wait for a decision.`;
    case 'no_longer_auto_approved':
      return "it no longer qualifies for the rule's autoApprove";
    case 'steps_changed':
      return "the rule's approval steps changed since the request was made";
    case 'no_longer_allowed':
      return noLongerAllowed(r, slash);
    case 'not_visible':
      return `There is no request ${id(r)}.`;
    case 'wrong_state':
      if (isExtension(r)) return `Extension ${r.n ?? '?'} of request ${id(r)} is ${STATUS_WORDS[r.status ?? ''] ?? 'decided'}.`;
      return `Request ${id(r)} is ${STATUS_WORDS[r.status ?? ''] ?? 'decided'}, so it can't be ${VERBS[r.moment ?? 'approve'] ?? 'changed'}.`;
    case 'self_approval':
      return isExtension(r) ? 'You can’t decide an extension of your own request.' : 'You can’t approve your own request.';
    case 'self_decision':
      return isExtension(r)
        ? 'You can’t decide an extension of your own request.'
        : `You can’t decide your own request; use \`${slash} cancel ${r.requestId ?? '<id>'}\` to withdraw it.`;
    case 'member_approval':
      return isExtension(r)
        ? `You can’t approve this extension: request ${id(r)} grants access to your own identity, so someone else must.`
        : `You can’t approve request ${id(r)}: it grants access to your own identity, so someone else must.`;
    case 'approver_identity_unknown':
      return `You can’t approve ${isExtension(r) ? 'this extension of ' : ''}request ${id(r)}: runwarden does not know your Google identity (no Slack profile email, no identities entry), so it cannot tell that the grant is not to you.`;
    case 'not_an_approver':
      return notAnApprover(r);
    case 'duplicate_approval':
      if (isExtension(r)) return 'You have already approved this extension; each approver counts once.';
      return `You have already approved request ${id(r)}; each approver counts once${r.steps !== undefined ? ', in one step only' : ''}.`;
    case 'counted_in_other_step':
      return `You have already approved request ${id(r)} in step ${r.step ?? '?'}; each approver counts once, in one step only.`;
    case 'not_the_requester':
      return r.moment === 'extend'
        ? `Only the requester can extend request ${id(r)}.`
        : `Only the requester can cancel request ${id(r)}; an approver decides it with *Deny*.`;
    case 'already_active':
      return `Request ${id(r)} is already active, so it can't be cancelled; to end it now: \`${slash} revoke ${r.requestId ?? '<id>'}\`.`;
    case 'being_applied':
      return r.moment === 'extend'
        ? `Request ${id(r)} is still being applied; extend it once it is active.`
        : `Request ${id(r)} is still being applied; try again in a moment.`;
    case 'not_requester_or_approver':
      return `Only the requester or an approver of *${r.group ?? '?'}* can revoke request ${id(r)}.`;
    case 'already_ending':
      return `Request ${id(r)} is already ending.`;
    case 'being_extended':
      return `Request ${id(r)} is being extended right now; try again in a moment.`;
    case 'not_break_glass':
      return `Request ${id(r)} is not a break-glass request: there is nothing to review.`;
    case 'already_reviewed':
      return `Request ${id(r)} was already reviewed by <@${r.user ?? '?'}>.`;
    case 'self_review':
      return `You can’t review your own break-glass request ${id(r)}.`;
    case 'member_review':
      return `You can’t review request ${id(r)}: it granted access to your own identity (or runwarden cannot tell yours), so someone else must.`;
    case 'permanent_request':
      return `Request ${id(r)} is permanent; only time-bound requests can be extended.`;
    case 'grant_ending':
      return r.moment === 'extend'
        ? `Request ${id(r)} is ending, so it can't be extended.`
        : `Request ${id(r)} is ending; its extension lapses.`;
    case 'extensions_not_allowed':
      return `The policy rule for ${r.kind ?? 'this'} on this service does not allow extensions; submit a new request instead.`;
    case 'extension_pending':
      return `Extension ${r.n ?? '?'} of request ${id(r)} is still waiting for a decision.`;
    case 'too_many_extensions':
      return `Request ${id(r)} was already extended ${r.count ?? 0} time(s); the policy allows at most ${r.limit ?? 0}.`;
    case 'extension_too_long':
      return `An extension of ${dur(r.seconds)} is longer than the policy allows (at most ${dur(r.limitSeconds)} each).`;
    case 'no_such_extension':
      return `Request ${id(r)} has no extension ${r.n ?? '?'}.`;
    case 'extension_not_pending':
      return `Extension ${r.n ?? '?'} of request ${id(r)} is ${STATUS_WORDS[r.status ?? ''] ?? 'decided'}, so it can't be ${VERBS[r.moment ?? 'approve_extension'] ?? 'decided'}.`;
    case 'approvals_lost':
      return r.step !== undefined
        ? `The approvals of step ${r.step} (*${r.group ?? '?'}*) no longer all count under the policy in force; submit the request again.`
        : `The policy now needs ${r.limit ?? 0} approval(s) from *${r.group ?? '?'}*; this extension has ${r.count ?? 0} that still count.`;
    case 'window_passed':
      return `The window of scheduled grant ${id(r)} had passed before it could be put in force, so nothing was written.`;
    case 'facts_missing':
      return 'runwarden could not look everyone up in Slack just now; nothing was changed. Try again in a moment.';
  }
}

/** What to tell a person about `error`: a refusal in words, or the error's own safe text. */
export function userText(error: WardenError, slash = '/warden'): string {
  return error instanceof RefusedError ? refusalText(error.refusal, slash) : error.userMessage;
}

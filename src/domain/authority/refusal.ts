/**
 * Why runwarden says no: a stable reason code and the facts the edge needs to
 * say it (src/adapters/slack/views/refusalText.ts turns them into Slack text;
 * the request form maps codes to its blocks). Pure data.
 */
import type { Status } from '../request';
import type { Moment } from './moment';

export const REFUSAL_CODES = [
  // who may ask, for what (submit, and the re-checks of a stored request)
  'no_matching_rule',
  'not_a_requester',
  'identity_unknown',
  'identity_outside_domains',
  'role_not_allowed',
  'member_not_allowed',
  'member_outside_domains',
  'duration_required',
  'duration_not_allowed',
  'duration_too_long',
  'duration_too_short',
  'start_not_allowed',
  'start_in_past',
  'start_too_late',
  'rotation_period_too_long',
  'reason_rejected',
  'break_glass_not_allowed',
  'not_a_break_glass_requester',
  'break_glass_too_long',
  'break_glass_for_another_member',
  'unreachable_approvals',
  'too_many_open_requests',
  'already_granted',
  'no_longer_auto_approved',
  'steps_changed',
  // a stored request under the policy in force no longer allowed (wraps one of the above)
  'no_longer_allowed',
  // people's clicks and commands
  'not_visible',
  'wrong_state',
  'self_approval',
  'self_decision',
  'member_approval',
  'approver_identity_unknown',
  'not_an_approver',
  'duplicate_approval',
  'counted_in_other_step',
  'not_the_requester',
  'already_active',
  'being_applied',
  'not_requester_or_approver',
  'already_ending',
  'being_extended',
  'not_break_glass',
  'already_reviewed',
  'self_review',
  'member_review',
  // extensions
  'permanent_request',
  'grant_ending',
  'extensions_not_allowed',
  'extension_pending',
  'too_many_extensions',
  'extension_too_long',
  'no_such_extension',
  'extension_not_pending',
  // at apply
  'approvals_lost',
  'window_passed',
  // runwarden lacks a fact the decision needs (a Slack lookup not made): never read as yes
  'facts_missing',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/**
 * A refusal: its code and what the text needs. Every field but `code` is
 * optional; each code documents (in refusalText.ts) which ones it uses.
 */
export interface Refusal {
  code: RefusalCode;
  /** what was asked (filled in by decideAuthority) */
  moment?: Moment | undefined;
  /** the request concerned */
  requestId?: string | undefined;
  kind?: string | undefined;
  target?: string | undefined;
  /** the rule's name (SPEC §5 `name`, or `<kind>#<position>`) */
  rule?: string | undefined;
  /** the resource glob of the rule that matched */
  glob?: string | undefined;
  /** an approver group's name, and (with steps) which step of how many */
  group?: string | undefined;
  step?: number | undefined;
  steps?: readonly string[] | undefined;
  /** seconds asked for, and the limit that refused them */
  seconds?: number | undefined;
  limitSeconds?: number | undefined;
  /** counts: asked/needed, found/had */
  count?: number | undefined;
  limit?: number | undefined;
  /** invoker */
  role?: string | undefined;
  roles?: readonly string[] | undefined;
  member?: string | undefined;
  memberKinds?: readonly string[] | undefined;
  domains?: readonly string[] | undefined;
  email?: string | undefined;
  /** the refusal concerns --break-glass */
  breakGlass?: boolean | undefined;
  /** the request's (or extension's) status when that is why */
  status?: Status | string | undefined;
  /** extension number */
  n?: number | undefined;
  /** reason rules: what was wrong, and the rule's hint */
  problem?: 'too_short' | 'no_match' | undefined;
  hint?: string | undefined;
  /** who reviewed, who is asked… */
  user?: string | undefined;
  /** no_longer_allowed: the refusal the request would get if asked now */
  because?: Refusal | undefined;
  /** already_granted: when the grant already in force ends */
  until?: Date | undefined;
  /** already_granted: whether the one asking is the grant's requester (who may extend it) */
  ownGrant?: boolean | undefined;
  /** facts_missing: what was not looked up */
  missing?: { groups: readonly string[]; people: readonly string[] } | undefined;
}

/** The reason recorded in the audit trail for a refused click (`approve_refused` … `detail.reason`). */
export function auditReason(refusal: Refusal): string {
  if (refusal.code === 'wrong_state') return `already_${refusal.status ?? 'decided'}`;
  return refusal.code;
}

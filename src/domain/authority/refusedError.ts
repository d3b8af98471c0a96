/**
 * A refusal travelling as an error: the Refusal value itself (the edge turns
 * it into words with src/adapters/slack/views/refusalText.ts) and the
 * runwarden_* code its kind of refusal has in logs. Pure.
 */
import { ErrorCode, WardenError } from '../errors';
import type { Refusal, RefusalCode } from './refusal';

const CODES: Partial<Record<RefusalCode, ErrorCode>> = {
  no_matching_rule: ErrorCode.NoMatchingRule,
  not_a_requester: ErrorCode.NotARequester,
  identity_unknown: ErrorCode.IdentityUnknown,
  identity_outside_domains: ErrorCode.IdentityOutsideDomains,
  role_not_allowed: ErrorCode.RoleNotAllowed,
  member_not_allowed: ErrorCode.MemberNotAllowed,
  member_outside_domains: ErrorCode.IdentityOutsideDomains,
  duration_required: ErrorCode.DurationRequired,
  duration_too_long: ErrorCode.DurationTooLong,
  duration_too_short: ErrorCode.DurationTooShort,
  extension_too_long: ErrorCode.DurationTooLong,
  start_in_past: ErrorCode.UsageError,
  start_too_late: ErrorCode.StartTooLate,
  rotation_period_too_long: ErrorCode.RotationPeriodTooLong,
  reason_rejected: ErrorCode.ReasonRejected,
  break_glass_not_allowed: ErrorCode.BreakGlassRefused,
  not_a_break_glass_requester: ErrorCode.BreakGlassRefused,
  break_glass_too_long: ErrorCode.BreakGlassRefused,
  break_glass_for_another_member: ErrorCode.BreakGlassRefused,
  not_visible: ErrorCode.NotFound,
  no_such_extension: ErrorCode.NotFound,
  self_approval: ErrorCode.SelfApproval,
  self_decision: ErrorCode.SelfApproval,
  self_review: ErrorCode.SelfApproval,
  member_approval: ErrorCode.SelfApproval,
  member_review: ErrorCode.SelfApproval,
  approver_identity_unknown: ErrorCode.SelfApproval,
  not_an_approver: ErrorCode.NotAnApprover,
  duplicate_approval: ErrorCode.AlreadyApproved,
  counted_in_other_step: ErrorCode.AlreadyApproved,
  wrong_state: ErrorCode.InvalidState,
  already_active: ErrorCode.InvalidState,
  being_applied: ErrorCode.InvalidState,
  not_break_glass: ErrorCode.InvalidState,
  already_reviewed: ErrorCode.InvalidState,
  grant_ending: ErrorCode.InvalidState,
  extension_not_pending: ErrorCode.InvalidState,
  already_ending: ErrorCode.Conflict,
  already_granted: ErrorCode.Conflict,
  being_extended: ErrorCode.Conflict,
  extension_pending: ErrorCode.Conflict,
  facts_missing: ErrorCode.Upstream,
};

export class RefusedError extends WardenError {
  readonly refusal: Refusal;

  constructor(refusal: Refusal) {
    super(
      CODES[refusal.code] ?? ErrorCode.NotAllowed,
      `runwarden refused this (${refusal.code}).`,
      `refused: ${refusal.code}${refusal.requestId ? ` (request ${refusal.requestId})` : ''}`,
    );
    this.name = 'RefusedError';
    this.refusal = refusal;
  }
}

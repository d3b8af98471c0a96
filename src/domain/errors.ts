/**
 * Typed errors with a stable `runwarden_*` code, a text for the person in
 * Slack and a text for the operator's logs. Decisions inside the domain are
 * values; they become these errors only at the edge.
 */

export const ErrorCode = {
  UsageError: 'runwarden_usage_error',
  NoMatchingRule: 'runwarden_no_matching_rule',
  NotARequester: 'runwarden_not_a_requester',
  RoleNotAllowed: 'runwarden_role_not_allowed',
  DurationTooLong: 'runwarden_duration_too_long',
  DurationTooShort: 'runwarden_duration_too_short',
  DurationRequired: 'runwarden_duration_required',
  ReasonRejected: 'runwarden_reason_rejected',
  StartTooLate: 'runwarden_start_too_late',
  BreakGlassRefused: 'runwarden_break_glass_refused',
  IdentityUnknown: 'runwarden_identity_unknown',
  IdentityOutsideDomains: 'runwarden_identity_outside_domains',
  MemberNotAllowed: 'runwarden_member_not_allowed',
  RotationPeriodTooLong: 'runwarden_rotation_period_too_long',
  SweepNotConfigured: 'runwarden_sweep_not_configured',
  SelfApproval: 'runwarden_self_approval',
  NotAnApprover: 'runwarden_not_an_approver',
  AlreadyApproved: 'runwarden_already_approved',
  NotFound: 'runwarden_request_not_found',
  InvalidState: 'runwarden_invalid_state',
  NotAllowed: 'runwarden_not_allowed',
  ResourceNotFound: 'runwarden_resource_not_found',
  PermissionDenied: 'runwarden_permission_denied',
  Precondition: 'runwarden_precondition_failed',
  Conflict: 'runwarden_conflict',
  LeaseLost: 'runwarden_lease_lost',
  MalformedRecord: 'runwarden_malformed_record',
  DatabaseUnavailable: 'runwarden_database_unavailable',
  Upstream: 'runwarden_upstream_error',
  /** Slack answered HTTP 429: try again after its Retry-After */
  RateLimited: 'runwarden_rate_limited',
  /** Slack refused a message for good (channel_not_found, invalid_blocks…): trying again changes nothing */
  SlackRefused: 'runwarden_slack_refused',
  /** a Slack call timed out or failed with a 5xx: Slack may have done it all the same */
  SlackUnconfirmed: 'runwarden_slack_unconfirmed',
  Config: 'runwarden_config_error',
  Unknown: 'runwarden_unknown_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class WardenError extends Error {
  readonly code: ErrorCode;
  /** safe to show in Slack */
  readonly userMessage: string;
  /** for logs; may carry more detail, never secrets */
  readonly operatorMessage: string;

  constructor(code: ErrorCode, userMessage: string, operatorMessage?: string, options?: { cause?: unknown }) {
    super(operatorMessage ?? userMessage, options);
    this.name = 'WardenError';
    this.code = code;
    this.userMessage = userMessage;
    this.operatorMessage = operatorMessage ?? userMessage;
  }
}

/** Slack answered HTTP 429 with `Retry-After: retryAfterSeconds` (https://docs.slack.dev/apis/web-api/rate-limits). */
export class RateLimitedError extends WardenError {
  readonly retryAfterSeconds: number;

  /** `userMessage`: what the person is told (default: for a message runwarden owes, which will follow) */
  constructor(
    retryAfterSeconds: number,
    operatorMessage: string,
    userMessage = 'Slack asked runwarden to slow down; the message will follow shortly.',
  ) {
    super(ErrorCode.RateLimited, userMessage, operatorMessage);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Slack rate-limited a lookup a person is waiting on (who is in a user group,
 * whose email is whose): nothing was done, and the person is told when to try again.
 */
export function lookupRateLimited(retryAfterSeconds: number, operatorMessage: string): RateLimitedError {
  const wait = Math.max(1, Math.ceil(retryAfterSeconds));
  return new RateLimitedError(
    retryAfterSeconds,
    operatorMessage,
    `Slack is rate-limiting runwarden right now, so it could not look people up; nothing was changed or recorded. Please try again in about ${wait} s.`,
  );
}

/** Anything thrown becomes a WardenError; unknown errors keep their cause but never show it to users. */
export function asWardenError(error: unknown): WardenError {
  if (error instanceof WardenError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new WardenError(ErrorCode.Unknown, 'Something went wrong inside runwarden; the operators have the details in the logs.', text, {
    cause: error,
  });
}

/** Codes that mean the person asked for something that cannot be (a typo, a refused request), not that runwarden or Google failed. */
const CALLER_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.UsageError,
  ErrorCode.NoMatchingRule,
  ErrorCode.NotARequester,
  ErrorCode.RoleNotAllowed,
  ErrorCode.DurationTooLong,
  ErrorCode.DurationTooShort,
  ErrorCode.DurationRequired,
  ErrorCode.ReasonRejected,
  ErrorCode.StartTooLate,
  ErrorCode.BreakGlassRefused,
  ErrorCode.IdentityUnknown,
  ErrorCode.IdentityOutsideDomains,
  ErrorCode.MemberNotAllowed,
  ErrorCode.RotationPeriodTooLong,
  ErrorCode.SelfApproval,
  ErrorCode.NotAnApprover,
  ErrorCode.AlreadyApproved,
  ErrorCode.NotFound,
  ErrorCode.InvalidState,
  ErrorCode.NotAllowed,
  ErrorCode.ResourceNotFound,
  ErrorCode.Precondition,
]);

/**
 * The log severity for a failure answered to a person: `info` when the person
 * caused it (a mistyped service is not an incident — error-based alerting must
 * not fire on typos), `error` when runwarden, its database or Google failed.
 */
export function severityOf(code: ErrorCode): 'info' | 'error' {
  return CALLER_CODES.has(code) ? 'info' : 'error';
}

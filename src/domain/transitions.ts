/**
 * The vocabulary of the state machine: the events a request can receive, the
 * effects a transition asks for once it is committed, and the small helpers
 * every transition is built from. Pure.
 */
import { ErrorCode, WardenError } from './errors';
import type { Authority, StandingReason } from './policy/authority';
import type { GroupMembers } from './policy/evaluate';
import type { Rule } from './policy/schema';
import type { AccessRequest, AuditEvent, Delivery, NoticeKind, Operation } from './request';

/** What to deliver, without the outbox's bookkeeping. */
export type DeliveryWork = Pick<Delivery, 'type' | 'notice' | 'n'>;

export { NOTICE_KINDS, type NoticeKind } from './request';

export type Effect =
  | { type: 'apply' }
  | { type: 'revert' }
  /** post the approval message (the request's announcement) to the rule's channel */
  | { type: 'post_message' }
  | { type: 'refresh_message' }
  | { type: 'extend' }
  | { type: 'post_extension'; n: number }
  | { type: 'notify_requester'; notice: NoticeKind }
  | { type: 'notify_approvers'; notice: NoticeKind };

export interface Lease {
  holder: string;
  leaseUntil: Date;
}

export type RequestEvent =
  | ({ type: 'approve'; actor: string; authority: Authority } & Lease)
  | { type: 'deny'; actor: string; isApprover: boolean }
  | { type: 'cancel'; actor: string }
  | ({ type: 'revoke'; actor: string; isApprover: boolean } & Lease)
  | { type: 'timeout'; pendingTimeoutSeconds: number }
  | ({ type: 'claim_apply'; maxAttempts: number } & Lease)
  | { type: 'applied'; holder: string; expiresAt?: Date | undefined; result: Record<string, string>; previousValue?: string | undefined }
  | { type: 'apply_failed'; holder: string; reason: string; retryable: boolean; detail?: string | undefined }
  | {
      type: 'requeue';
      holder: string;
      approvalsRequired: number;
      dropped: readonly { approver: string; reason: StandingReason }[];
    }
  | ({ type: 'claim_revert'; maxAttempts: number } & Lease)
  | { type: 'reverted'; holder: string; detail: Record<string, string>; outcome?: string | undefined }
  | { type: 'drifted'; holder: string; detail: string; observed: string }
  | { type: 'revert_failed'; holder: string; reason: string }
  | { type: 'renew_lease'; holder: string; leaseUntil: Date; call: string; writing?: Record<string, string> | undefined }
  | { type: 'late_write_undone'; detail: Record<string, string> }
  | { type: 'drift_found'; observed: string; detail: string; checkedVersion: Date }
  | { type: 'reminded'; remindAfterSeconds: number }
  | { type: 'claim_delivery'; delivery: string; holder: string; until: Date }
  | { type: 'delivered'; delivery: string; holder: string; work: DeliveryWork; posted?: { channel: string; ts: string } | undefined }
  | {
      type: 'delivery_failed';
      delivery: string;
      holder: string;
      error: string;
      /** Slack answered HTTP 429 with this Retry-After (seconds) */
      retryAfterSeconds?: number | undefined;
      /** Slack refused it for good (channel_not_found, invalid_blocks…) */
      permanent: boolean;
    }
  | {
      type: 'extend';
      actor: string;
      durationSeconds: number;
      reason: string;
      maxExtensions: number;
      maxDurationSeconds?: number | undefined;
      /** the rule's autoApprove under the policy in force, with its groups resolved; a qualifying extension is approved by runwarden at once */
      autoApprove?: ({ rule: Pick<Rule, 'autoApprove'>; ruleIndex: number; groupMembers: GroupMembers } & Lease) | undefined;
    }
  | ({ type: 'approve_extension'; n: number; actor: string; isApprover: boolean; grantsOwnIdentity?: boolean | undefined; identityUnknown?: boolean | undefined } & Lease)
  | { type: 'deny_extension'; n: number; actor: string; isApprover: boolean }
  | ({ type: 'claim_extend'; maxAttempts: number } & Lease)
  | { type: 'extended'; holder: string; expiresAt: Date }
  | { type: 'extend_failed'; holder: string; reason: string; retryable: boolean }
  | { type: 'warn_expiry' }
  | ({ type: 'auto_approve'; ruleIndex: number } & Lease)
  | ({ type: 'break_glass'; ruleIndex: number } & Lease)
  | { type: 'review'; actor: string; isApprover: boolean; /** the grant is to the reviewer's own identity, or runwarden cannot tell */ ownGrant?: boolean | undefined }
  | { type: 'review_reminded'; remindAfterSeconds: number }
  | { type: 'window_opened' };

export interface Transitioned {
  ok: true;
  next: AccessRequest;
  event: AuditEvent;
  /** audit events to append before `event` (an approval that no longer counts, dropped) */
  also?: AuditEvent[] | undefined;
  effects: Effect[];
  /** outbox bookkeeping (a claim, a retry scheduled): the document is written, no audit event is appended */
  unaudited?: true | undefined;
}

export interface Refused {
  ok: false;
  error: WardenError;
  /** refusals worth keeping in the audit trail (a click by the wrong person) */
  record?: AuditEvent | undefined;
}

export type TransitionOutcome = Transitioned | Refused;

const STATUS_WORDS: Record<AccessRequest['status'], string> = {
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
};

export function refuse(code: WardenError['code'], text: string, record?: AuditEvent): Refused {
  return { ok: false, error: new WardenError(code, text), record };
}

/** A request that is no longer in the state `what` needs; `record` audits the refusal (a person's click). */
export function wrongState(request: AccessRequest, what: string, record?: AuditEvent): Refused {
  return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` is ${STATUS_WORDS[request.status]}, so it can't be ${what}.`, record);
}

export function done(
  request: AccessRequest,
  changes: Partial<AccessRequest>,
  now: Date,
  actor: string,
  action: string,
  detail: Record<string, unknown>,
  effects: Effect[],
): Transitioned {
  const next: AccessRequest = { ...request, ...changes, updatedAt: now };
  return { ok: true, next, event: { at: now, actor, action, detail }, effects };
}

export function leaseIsLive(op: Operation | undefined, now: Date): boolean {
  return op !== undefined && op.leaseUntil.getTime() > now.getTime();
}

export function holds(request: AccessRequest, holder: string, type: Operation['type']): boolean {
  return request.op?.holder === holder && request.op.type === type;
}

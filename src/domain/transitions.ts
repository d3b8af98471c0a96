/**
 * The vocabulary of the state machine: the events a request can receive, the
 * effects a transition asks for once it is committed, and the small helpers
 * every transition is built from. Pure.
 */
import { ErrorCode, WardenError } from './errors';
import { auditReason, type Refusal } from './authority/refusal';
import { RefusedError } from './authority/refusedError';
import type { AuthorityFacts } from './authority/facts';
import type { Dropped } from './authority/moments';
import type { Policy } from './policy/schema';
import { SYSTEM_ACTOR, type AccessRequest, type AuditEvent, type Delivery, type NoticeKind, type Operation } from './request';
import type { KindRulesTable } from './authority/kindRules';

/** What to deliver, without the outbox's bookkeeping. */
export type DeliveryWork = Pick<Delivery, 'type' | 'notice' | 'n'>;

/** What a delivery did in Slack besides sending: the message it posted (or found posted already), the copies it removed. */
export interface DeliveryResult {
  posted?: { channel: string; ts: string } | undefined;
  /** `posted` was found (an earlier, unconfirmed attempt had reached Slack), not posted now */
  found?: boolean | undefined;
  /** remove_duplicates: the copies removed (their ts) */
  removed?: string[] | undefined;
}

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
  | { type: 'notify_approvers'; notice: NoticeKind }
  /** tell the members a conversion took a standing binding from how to ask for it just in time (SPEC §11) */
  | { type: 'notify_members' };

export interface Lease {
  holder: string;
  leaseUntil: Date;
}

/**
 * What the apply of `request` will write first, were it applied at `now`: the
 * Google call and the `writing` its lease guard records (the kind's `plan`,
 * src/kinds/kind.ts). Pure. Undefined when the kind cannot say in advance.
 */
export type PlanWrite = (request: AccessRequest, now: Date) => PlannedWrite | undefined;
export interface PlannedWrite {
  call: string;
  writing: Record<string, string>;
}

/**
 * A claim that records the write its Google work is about to make (an
 * approval's apply, the sweep's revert): the request's `writing` with
 * `plannedBy` (the claim's lease holder, so that only this claim's work
 * skips the renewal before it) and the `google_write` bookkeeping event the
 * lease renewal before a write would otherwise append (src/domain/lease.ts).
 */
export function recordPlanned(
  request: AccessRequest,
  planned: PlannedWrite,
  holder: string,
  now: Date,
): { writing: Record<string, string>; event: AuditEvent } {
  return {
    writing: { ...request.writing, ...planned.writing, plannedBy: holder },
    event: {
      at: now,
      actor: SYSTEM_ACTOR,
      action: 'google_write',
      detail: { call: planned.call, ...planned.writing },
      category: 'bookkeeping',
    },
  };
}

/**
 * What a person's click is weighed on inside the transaction that records it
 * (src/domain/authority): the policy in force and the facts gathered before
 * (Slack user groups, people's identities) — never a verdict made outside.
 */
export interface Grounds {
  policy: Policy;
  facts: AuthorityFacts;
  /** each request kind's own checks (src/kinds/registry.ts KIND_RULES) */
  kinds: KindRulesTable;
}

export type RequestEvent =
  /**
   * `plan`: when this approval starts the apply, the first write is recorded as
   * being written in the same transaction (so the runner need not renew the
   * lease it has just won in a second one before that write)
   */
  | ({ type: 'approve'; actor: string; grounds: Grounds; plan?: PlanWrite | undefined } & Lease)
  | { type: 'deny'; actor: string; grounds: Grounds; reason?: string | undefined }
  | { type: 'cancel'; actor: string; grounds: Grounds }
  | ({ type: 'revoke'; actor: string; grounds: Grounds; reason?: string | undefined } & Lease)
  | { type: 'timeout'; pendingTimeoutSeconds: number }
  | ({ type: 'claim_apply'; maxAttempts: number } & Lease)
  | {
      type: 'applied';
      holder: string;
      expiresAt?: Date | undefined;
      result: Record<string, string>;
      previousValue?: string | undefined;
      /** convert: the standing binding's role and members removed (recorded on the request to be restored by hand) */
      removed?: { role: string; members: string[] } | undefined;
      /** a lease from now, for undoing at once a write that landed after its window (schedule.ts) */
      leaseUntil?: Date | undefined;
    }
  | { type: 'apply_failed'; holder: string; reason: string; retryable: boolean; detail?: string | undefined }
  /** the apply found a scheduled grant's window already closed: nothing was written */
  | { type: 'window_passed'; holder: string }
  | {
      type: 'requeue';
      holder: string;
      approvalsRequired: number;
      dropped: readonly Dropped[];
    }
  /** `plan`: what the revert writes first (the kind's planRevert), recorded with the claim */
  | ({ type: 'claim_revert'; maxAttempts: number; plan?: PlanWrite | undefined } & Lease)
  | { type: 'reverted'; holder: string; detail: Record<string, string>; outcome?: string | undefined }
  | { type: 'drifted'; holder: string; detail: string; observed: string }
  /** `accessEndsAt`: when Google ends the access whatever happens (an invoker binding's IAM condition) */
  | { type: 'revert_failed'; holder: string; reason: string; accessEndsAt?: Date | undefined }
  | { type: 'renew_lease'; holder: string; leaseUntil: Date; call: string; writing?: Record<string, string> | undefined }
  | { type: 'late_write_undone'; detail: Record<string, string> }
  | { type: 'drift_found'; observed: string; detail: string; checkedVersion: Date }
  | { type: 'reminded'; remindAfterSeconds: number }
  | { type: 'claim_delivery'; delivery: string; holder: string; until: Date }
  | ({ type: 'delivered'; delivery: string; holder: string; work: DeliveryWork } & DeliveryResult)
  /** someone clicked a button on a message of the request that is not the one runwarden records (a copy) */
  | { type: 'stray_message'; actor: string; channel: string; ts: string }
  | {
      type: 'delivery_failed';
      delivery: string;
      holder: string;
      error: string;
      /** Slack answered HTTP 429 with this Retry-After (seconds) */
      retryAfterSeconds?: number | undefined;
      /** Slack refused it for good (channel_not_found, invalid_blocks…) */
      permanent: boolean;
      /** Slack may have taken it all the same (a timeout, a 5xx): a post is looked for before it is sent again */
      unconfirmed?: boolean | undefined;
    }
  /** the requester asks for more time; a qualifying extension is auto-approved and applied under the lease */
  | ({ type: 'extend'; actor: string; durationSeconds: number; reason: string; grounds: Grounds } & Lease)
  | ({ type: 'approve_extension'; n: number; actor: string; grounds: Grounds } & Lease)
  | { type: 'deny_extension'; n: number; actor: string; grounds: Grounds; reason?: string | undefined }
  | ({ type: 'claim_extend'; maxAttempts: number } & Lease)
  | { type: 'extended'; holder: string; expiresAt: Date }
  | { type: 'extend_failed'; holder: string; reason: string; retryable: boolean }
  | { type: 'warn_expiry' }
  /** `rule`: the name of the rule whose autoApprove / breakGlass the submission stood on */
  | ({ type: 'auto_approve'; rule: string } & Lease)
  | ({ type: 'break_glass'; rule: string } & Lease)
  | { type: 'review'; actor: string; grounds: Grounds }
  | { type: 'review_reminded'; remindAfterSeconds: number }
  | { type: 'window_opened' };

export interface Transitioned {
  ok: true;
  next: AccessRequest;
  event: AuditEvent;
  /** audit events to append before `event` (an approval that no longer counts, dropped) */
  also?: AuditEvent[] | undefined;
  /** audit events to append after `event` (the write an approval's apply is about to make, recorded with the claim) */
  then?: AuditEvent[] | undefined;
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

/**
 * An authority refusal (src/domain/authority), recorded in the audit trail as
 * `action` by `actor` with its reason — except `facts_missing`, which is not a
 * decision (the caller gathers the facts and asks again).
 */
export function refusedBy(refusal: Refusal, now: Date, actor: string, action: string, detail: Record<string, unknown> = {}): Refused {
  const record: AuditEvent | undefined =
    refusal.code === 'facts_missing' ? undefined : { at: now, actor, action, detail: { ...detail, reason: auditReason(refusal) } };
  return { ok: false, error: new RefusedError(refusal), record };
}

/** A request that is no longer in the state `what` needs; `record` audits the refusal (a person's click). */
export function wrongState(request: AccessRequest, what: string, record?: AuditEvent): Refused {
  return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` is ${STATUS_WORDS[request.status]}, so it can't be ${what}.`, record);
}

/**
 * The result of Google work reported by a process that no longer holds the
 * lease (it stalled, and another instance took over): refused, and audited so
 * the history shows the stalled process came back.
 */
export function staleResult(request: AccessRequest, event: { type: string; holder: string }, what: string, now: Date): Refused {
  const refused = wrongState(request, what);
  return {
    ...refused,
    record: { at: now, actor: SYSTEM_ACTOR, action: 'stale_result', detail: { holder: event.holder, result: event.type } },
  };
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

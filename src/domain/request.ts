/**
 * The request: runwarden's one record of everything an engineer asked for and
 * everything that happened to it. Stored as a Firestore document (SPEC §7),
 * read back through a zod converter. Pure data; no I/O.
 */

export const REQUEST_KINDS = ['invoker', 'egress', 'ingress', 'rotate', 'convert'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const STATUSES = [
  'pending',
  'approved',
  'active',
  'applied',
  'denied',
  'cancelled',
  'timed_out',
  'expired',
  'revoked',
  'failed',
] as const;
export type Status = (typeof STATUSES)[number];

/**
 * The fields of a request record particular to one kind: each kind's module
 * says which are its own (src/kinds/<kind>/record.ts), and a record read back
 * keeps only its kind's (src/adapters/firestore/requestDocument.ts).
 */
export const KIND_RECORD_FIELDS = [
  'role',
  'member',
  'value',
  'previousValue',
  'rotationPeriodSeconds',
  'startsAt',
  'startNotifiedAt',
  'finding',
  'members',
  'expected',
  'removed',
] as const;
export type KindRecordFields = Pick<AccessRequest, (typeof KIND_RECORD_FIELDS)[number]>;

/** Statuses from which nothing more happens. */
export const FINAL_STATUSES: ReadonlySet<Status> = new Set<Status>([
  'applied',
  'denied',
  'cancelled',
  'timed_out',
  'expired',
  'revoked',
  'failed',
]);

export const EGRESS_VALUES = ['all-traffic', 'private-ranges-only'] as const;
export type EgressValue = (typeof EGRESS_VALUES)[number];
export const INGRESS_VALUES = ['all', 'internal', 'internal-and-cloud-load-balancing'] as const;
export type IngressValue = (typeof INGRESS_VALUES)[number];

export interface Approval {
  /** Slack user ID, or "runwarden:auto" for an auto-approval */
  approver: string;
  at: Date;
  /** with approval steps: the step (1-based) this approval counted in */
  step?: number | undefined;
}

/**
 * Work in progress against Google (an apply or a revert). Held as a lease so
 * that two sweeps, or a sweep and a click, never run the same change at once;
 * an expired lease means the holder died and the work may be taken over.
 */
export interface Operation {
  type: 'apply' | 'revert' | 'extend';
  /** why a revert runs: the grant expired, or somebody revoked it */
  intent: 'approve' | 'expire' | 'revoke' | 'extend';
  /** the Slack user who asked for the revert (revoke), or "runwarden" */
  by: string;
  holder: string;
  leaseUntil: Date;
  attempts: number;
}

/**
 * A revert (at expiry or revoke) that Google keeps refusing (SetIamPolicy or
 * UpdateService refused, a permission missing…): the request stays `active`
 * — it is never called ended while what runwarden wrote is still in force —
 * and the revert is retried with backoff (src/domain/ending.ts
 * revertBackoffSeconds). Recorded on the request so that every instance's
 * sweep honours `retryAt`; cleared when the revert finally goes through.
 */
export interface RevertFailing {
  /** the first failure of this run of failures */
  since: Date;
  /** failures in a row so far (≥ 1) */
  failures: number;
  /** no new attempt before this time */
  retryAt: Date;
  /** what Google answered last, as a user may read it */
  reason: string;
  /**
   * invoker: when the binding's IAM condition ends the access whatever
   * happens (the request's expiry); absent for a change nothing ends but the
   * revert (egress/ingress)
   */
  accessEndsAt?: Date | undefined;
}

/** Facts read from Google when the request was made, shown to approvers. */
export type RequestContext = Record<string, string | string[]>;

/** A string fact from a request's context (first element if a list was stored). */
export function contextString(context: RequestContext | undefined, key: string): string | undefined {
  const value = context?.[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  return value?.[0];
}

/** A list fact from a request's context (a lone string becomes a one-element list). */
export function contextList(context: RequestContext | undefined, key: string): string[] {
  const value = context?.[key];
  if (value === undefined) return [];
  return typeof value === 'string' ? (value === '' ? [] : [value]) : value;
}

export interface AccessRequest {
  id: string;
  kind: RequestKind;
  status: Status;
  /** Slack user ID of whoever asked */
  requester: string;
  /** full resource name: projects/P/locations/L/services/S or …/keyRings/R/cryptoKeys/K */
  target: string;
  reason: string;
  createdAt: Date;
  updatedAt: Date;
  approvals: Approval[];
  /** N of SPEC §5's `approvals` at the time of the request */
  approvalsRequired: number;
  /** name of the policy's approver group */
  approverGroup: string;
  /** the policy rule (index in `rules`) that matched at submission */
  ruleIndex: number;
  /** that rule's name (SPEC §5 `name`, else `<kind>#<position>`); absent on requests filed before rules had names */
  rule?: string | undefined;
  /** channel the approval message is posted to */
  channel: string;
  /** the approval message, once posted */
  message?: { channel: string; ts: string } | undefined;

  /** time-bound changes: how long, and when it ends (set at apply time) */
  durationSeconds?: number | undefined;
  expiresAt?: Date | undefined;

  // Fields of one kind (KindRecordFields): invoker
  /** invoker: the role granted */
  role?: string | undefined;
  /** invoker: the member granted (`user:…`, `group:…`, `serviceAccount:…`) */
  member?: string | undefined;
  // egress / ingress
  /** egress/ingress: the setting asked for */
  value?: string | undefined;
  /** egress/ingress: the setting the service had when the change was applied (reverted to at expiry) */
  previousValue?: string | undefined;
  // rotate
  /** rotate: the rotation period asked for */
  rotationPeriodSeconds?: number | undefined;
  // convert (SPEC §11; `role` above is the standing binding's role)
  /** convert: the posture finding whose standing binding is replaced by just-in-time access */
  finding?: string | undefined;
  /** convert: the members removed from that binding (user:… / group:…), sorted */
  members?: string[] | undefined;
  /** convert: every member of the binding as the scan saw it, sorted: the write is refused if it changed since */
  expected?: string[] | undefined;
  /** convert: what was removed, once applied (role and members), so it can be restored by hand */
  removed?: { role: string; members: string[] } | undefined;

  /** facts shown to approvers (current setting, connector, revision, blast radius…) */
  context?: RequestContext | undefined;
  /** facts produced by applying (binding title, new revision, new key version…) */
  result?: Record<string, string> | undefined;

  /** who made the final decision (deny/cancel/revoke) */
  decidedBy?: string | undefined;
  /**
   * Why it was denied or revoked, in the words of whoever did it (optional,
   * at most DECISION_REASON_MAX_LENGTH characters): shown to the requester,
   * in the channel message and in `status`. Set by a deny, and by a revoke
   * when it is asked for (before the change is undone).
   */
  decisionReason?: string | undefined;
  appliedAt?: Date | undefined;
  endedAt?: Date | undefined;
  /** human-readable reason for failed / drift / timed out outcomes */
  outcome?: string | undefined;

  op?: Operation | undefined;
  /** the revert keeps failing (retried with backoff); absent otherwise */
  revertFailing?: RevertFailing | undefined;
  /**
   * What runwarden is about to write to Google, recorded (with the lease
   * renewed) immediately before the write: a retry after an interruption
   * recognises its own earlier write by it instead of writing again.
   */
  writing?: Record<string, string> | undefined;
  lastRemindedAt?: Date | undefined;

  /** SPEC §7: one entry per extension put up for decision, oldest first */
  extensions?: Extension[] | undefined;
  /** when the requester was warned that the grant ends soon (once per expiry) */
  expiryWarnedAt?: Date | undefined;
  /**
   * Multi-step approvals (the rule's `steps`, SPEC §9): every level in order;
   * `step` is the current one (1-based), and approverGroup / approvalsRequired
   * mirror it. Absent for single-step requests.
   */
  steps?: ApprovalStep[] | undefined;
  step?: number | undefined;

  /** approved by runwarden itself under the rule's autoApprove (SPEC §9) */
  autoApproved?: boolean | undefined;
  /** applied at once with --break-glass, reviewed afterwards (SPEC §9) */
  breakGlass?: boolean | undefined;
  /** the approver who reviewed a break-glass request, and when */
  reviewedBy?: string | undefined;
  reviewedAt?: Date | undefined;
  /** invoker, a scheduled grant: when the window opens (the binding carries both bounds) */
  startsAt?: Date | undefined;
  /** invoker, a scheduled grant: when the requester was told the window opened */
  startNotifiedAt?: Date | undefined;

  /**
   * Slack deliveries still owed (src/domain/outbox.ts): written in the same
   * transaction as the transition that asked for them, removed once Slack
   * accepted them. Absent when nothing is owed.
   */
  outbox?: Delivery[] | undefined;
  /** the earliest time an outbox entry may be tried (or its claim lapses); absent when the outbox is empty */
  outboxDueAt?: Date | undefined;
  /** how many deliveries were ever queued: entry ids are `d<n>`, never reused */
  outboxSeq?: number | undefined;
}

/** Which message a requester or the approvers are sent (src/adapters/slack/views/requesterNotice.ts words each). */
export const NOTICE_KINDS = [
  'submitted',
  'approval',
  'approved',
  'applied',
  'denied',
  'expired',
  'revoked',
  'failed',
  'timed_out',
  'cancelled',
  'drift',
  'extension_approval',
  'extended',
  'extension_denied',
  'extension_lapsed',
  'extension_failed',
  'expiring',
  'auto_approved',
  'window_open',
  'step',
  /** the revert was refused: the access remains (until when), runwarden keeps trying */
  'revert_failing',
  /** a revert that had been failing went through after all */
  'revert_recovered',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const DELIVERY_TYPES = [
  'post_message',
  'refresh_message',
  'notify_requester',
  'notify_approvers',
  'post_extension',
  'remind_approvers',
  'remind_review',
  'remove_duplicates',
  'notify_members',
] as const;
export type DeliveryType = (typeof DELIVERY_TYPES)[number];

/**
 * One Slack message runwarden owes (SPEC §7 allows fields beyond its list).
 * Its content is rendered when it is delivered, from the request as it is
 * then; only what to send is stored here.
 */
export interface Delivery {
  /** `d<n>`, unique within the request for ever */
  id: string;
  type: DeliveryType;
  /** notify_requester / notify_approvers: which notice */
  notice?: NoticeKind | undefined;
  /** post_extension: which extension */
  n?: number | undefined;
  enqueuedAt: Date;
  /** not tried before this time (backoff, or Slack's Retry-After) */
  notBefore: Date;
  /** failed attempts so far (a rate limit is not one) */
  attempts: number;
  /**
   * a process delivering it now, until when (a lapsed claim may be taken
   * over), and the request's `updatedAt` when it was claimed
   */
  claim?: { holder: string; until: Date; stateAt?: Date | undefined } | undefined;
  /** the last failure, for the operator */
  lastError?: string | undefined;
  /**
   * post_message / post_extension: an earlier attempt may have reached Slack
   * without runwarden learning it (a timeout, a 5xx, a sender that died while
   * posting): the message is looked for (by its metadata) from this time on
   * before it is posted again, and copies are removed once one is recorded
   */
  unconfirmedSince?: Date | undefined;
  /** remove_duplicates: the post (its delivery id, and `n` for an extension's) whose copies are removed, posted since `since` */
  of?: string | undefined;
  since?: Date | undefined;
  /** remove_duplicates: one message to remove, a copy someone clicked */
  stray?: { channel: string; ts: string } | undefined;
}

export interface ApprovalStep {
  approverGroup: string;
  approvalsRequired: number;
}

/** The approvals given in the request's current step (all of them for a single-step request). */
export function approvalsInStep(request: Pick<AccessRequest, 'approvals' | 'step'>, step = request.step): Approval[] {
  return request.approvals.filter((a) => a.step === step);
}

/** A break-glass request nobody has reviewed yet, whatever its status. */
export function awaitsReview(request: Pick<AccessRequest, 'breakGlass' | 'reviewedAt'>): boolean {
  return request.breakGlass === true && request.reviewedAt === undefined;
}

export const EXTENSION_STATUSES = ['pending', 'approved', 'applied', 'denied', 'lapsed', 'failed'] as const;
export type ExtensionStatus = (typeof EXTENSION_STATUSES)[number];

/**
 * More time for an active time-bound request, decided like a request (SPEC §9):
 * the same approvers and number of approvals, never by the requester.
 * `approved` means it is being applied (under the request's lease).
 */
export interface Extension {
  /** 1-based position in `extensions`; buttons carry `<request id>.<n>` */
  n: number;
  /** the requested extra time as the command grammar writes it (`2h`, `1h30m`) */
  duration: string;
  durationSeconds: number;
  reason: string;
  status: ExtensionStatus;
  approvals: Approval[];
  requestedAt: Date;
  /** who denied it */
  decidedBy?: string | undefined;
  /** why, in the words of whoever denied it (optional) */
  decisionReason?: string | undefined;
  /** when it was applied, denied, lapsed or failed */
  endedAt?: Date | undefined;
  /** the new expiry, once applied */
  expiresAt?: Date | undefined;
  /** why it lapsed or failed */
  outcome?: string | undefined;
  /** its own approval message in the rule's channel */
  message?:
    | { channel: string; ts: string }
    | undefined; /** approved by runwarden itself under the rule's autoApprove (SPEC §9): approvals is [{approver: "runwarden:auto"}] */
  autoApproved?: boolean | undefined;
}

/** One entry of `requests/{id}/events`: appended, never rewritten. */
/**
 * What an audit event is about (docs/decisions.md, "Bookkeeping events"):
 * `history` — the request's life: what people asked and decided, what was
 * applied, ended, refused (what `status` shows); `bookkeeping` — how
 * runwarden did its work: a lease renewed right before a write to Google
 * (with what it was about to write), a Slack message delivered, dropped or
 * found obsolete. Both are appended to requests/{id}/events (SPEC §7) and
 * both reach the audit log.
 */
export const EVENT_CATEGORIES = ['history', 'bookkeeping'] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export interface AuditEvent {
  at: Date;
  /** Slack user ID, or "runwarden" for the bot / sweep */
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  /** absent: `history` */
  category?: EventCategory | undefined;
}

/** The category of an event (absent means history). */
export function categoryOf(event: Pick<AuditEvent, 'category'>): EventCategory {
  return event.category ?? 'history';
}

export const SYSTEM_ACTOR = 'runwarden';

/** The approver recorded in `approvals` for an auto-approval (SPEC §7): never a person, never counted as one. */
export const AUTO_APPROVER = 'runwarden:auto';

export function isTimeBound(request: Pick<AccessRequest, 'durationSeconds'>): boolean {
  return typeof request.durationSeconds === 'number' && request.durationSeconds > 0;
}

export function isFinal(status: Status): boolean {
  return FINAL_STATUSES.has(status);
}

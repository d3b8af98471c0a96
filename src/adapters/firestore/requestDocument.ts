/**
 * The Firestore shape of a request (SPEC §7) and its zod converter. Documents
 * read back are validated: a malformed document is an error, never a guess.
 * A request is a discriminated union on `kind`: the fields every request has
 * (`requestDocument`), and each kind's own fields as its module declares them
 * (src/kinds/<kind>/record.ts), read with the schema of the kind the document
 * names; another kind's fields are not kept.
 */
import { Timestamp, type DocumentData } from '@google-cloud/firestore';
import { z } from 'zod';
import { ErrorCode, WardenError } from '../../domain/errors';
import { openExtension } from '../../domain/extensions';
import { storedDecisionReason } from '../../domain/grammar/args';
import {
  DELIVERY_TYPES,
  EVENT_CATEGORIES,
  EXTENSION_STATUSES,
  NOTICE_KINDS,
  REQUEST_KINDS,
  STATUSES,
  awaitsReview,
  type AccessRequest,
  type AuditEvent,
} from '../../domain/request';
import type { RecordTypes } from '../../kinds/kind';
import { kindOf } from '../../kinds/registry';

const date = z.union([z.instanceof(Timestamp).transform((t) => t.toDate()), z.date()]);
const optional = <T extends z.ZodTypeAny>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const operation = z.object({
  type: z.enum(['apply', 'revert', 'extend']),
  intent: z.enum(['approve', 'expire', 'revoke', 'extend']),
  by: z.string(),
  holder: z.string(),
  leaseUntil: date,
  attempts: z.number().int().nonnegative(),
});

const approval = z.object({ approver: z.string(), at: date });
const messageRef = z.object({ channel: z.string(), ts: z.string() });

const extension = z.object({
  n: z.number().int().positive(),
  duration: z.string(),
  durationSeconds: z.number().int().positive(),
  reason: z.string(),
  status: z.enum(EXTENSION_STATUSES),
  approvals: z.array(approval),
  requestedAt: date,
  decidedBy: optional(z.string()),
  decisionReason: optional(storedDecisionReason),
  endedAt: optional(date),
  expiresAt: optional(date),
  outcome: optional(z.string()),
  message: optional(messageRef),
  autoApproved: optional(z.boolean()),
});

const delivery = z.object({
  id: z.string().min(1),
  type: z.enum(DELIVERY_TYPES),
  notice: optional(z.enum(NOTICE_KINDS)),
  n: optional(z.number().int().positive()),
  enqueuedAt: date,
  notBefore: date,
  attempts: z.number().int().nonnegative(),
  claim: optional(z.object({ holder: z.string().min(1), until: date, stateAt: optional(date) })),
  lastError: optional(z.string()),
  unconfirmedSince: optional(date),
  of: optional(z.string()),
  since: optional(date),
  stray: optional(messageRef),
});

/** How this store reads back the types of a kind's own fields (kindOf(kind).record). */
const RECORD_TYPES: RecordTypes = { date, optional };

/** The fields every request has, whatever its kind. */
export const requestDocument = z.object({
  id: z.string().min(1),
  kind: z.enum(REQUEST_KINDS),
  status: z.enum(STATUSES),
  requester: z.string().min(1),
  target: z.string().min(1),
  reason: z.string(),
  createdAt: date,
  updatedAt: date,
  approvals: z.array(z.object({ approver: z.string(), at: date, step: optional(z.number().int().positive()) })),
  approvalsRequired: z.number().int().positive(),
  approverGroup: z.string(),
  ruleIndex: z.number().int().nonnegative(),
  rule: optional(z.string()),
  channel: z.string(),
  message: optional(z.object({ channel: z.string(), ts: z.string() })),
  durationSeconds: optional(z.number().int().positive()),
  expiresAt: optional(date),
  context: optional(z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
  result: optional(z.record(z.string(), z.string())),
  decidedBy: optional(z.string()),
  decisionReason: optional(storedDecisionReason),
  appliedAt: optional(date),
  endedAt: optional(date),
  outcome: optional(z.string()),
  op: optional(operation),
  revertFailing: optional(
    z.object({
      since: date,
      failures: z.number().int().positive(),
      retryAt: date,
      reason: z.string(),
      accessEndsAt: optional(date),
    }),
  ),
  writing: optional(z.record(z.string(), z.string())),
  lastRemindedAt: optional(date),
  extensions: optional(z.array(extension)),
  expiryWarnedAt: optional(date),
  steps: optional(z.array(z.object({ approverGroup: z.string(), approvalsRequired: z.number().int().positive() })).min(2)),
  step: optional(z.number().int().positive()),
  autoApproved: optional(z.boolean()),
  breakGlass: optional(z.boolean()),
  reviewedBy: optional(z.string()),
  reviewedAt: optional(date),
  outbox: optional(z.array(delivery)),
  outboxDueAt: optional(date),
  outboxSeq: optional(z.number().int().nonnegative()),
});

export const eventDocument = z.object({
  at: date,
  actor: z.string(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()),
  // events written before categories existed are history
  category: z
    .enum(EVENT_CATEGORIES)
    .nullish()
    .transform((c) => c ?? 'history'),
});

const problemOf = (error: z.ZodError): string => error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ');

/** Firestore document → AccessRequest, or what is wrong with it (every zod issue, with its path). */
export function parseDocument(
  id: string,
  data: DocumentData | undefined,
): { ok: true; request: AccessRequest } | { ok: false; problem: string } {
  const common = requestDocument.safeParse({ ...data, id });
  if (!common.success) return { ok: false, problem: problemOf(common.error) };
  const own = kindOf(common.data.kind)
    .record(RECORD_TYPES)
    .safeParse(data ?? {});
  if (!own.success) return { ok: false, problem: problemOf(own.error) };
  return { ok: true, request: { ...common.data, ...own.data } };
}

/** Firestore document → AccessRequest; a malformed document is runwarden_malformed_record (the problem for the operator only). */
export function fromDocument(id: string, data: DocumentData | undefined): AccessRequest {
  const parsed = parseDocument(id, data);
  if (parsed.ok) return parsed.request;
  throw new WardenError(
    ErrorCode.MalformedRecord,
    `The stored record of request \`${id}\` is damaged, so runwarden will not act on it; the operators have the details in the logs.`,
    `requests/${id} is malformed: ${parsed.problem}`,
  );
}

/**
 * AccessRequest → Firestore fields; absent optional fields are deleted, not
 * left stale. Two derived fields are stored for queries only (never read
 * back): `extensionPending`, true while the request's extension waits for a
 * decision (App Home finds what waits for an approver with it, by an equality
 * filter); `reviewDue`, present (true) only while a break-glass request awaits
 * its review (domain `awaitsReview`) — the review list's bounded query — and
 * absent otherwise, so that the field's index holds only what awaits review.
 */
export function toDocument(request: AccessRequest): DocumentData {
  const out: DocumentData = {};
  for (const [key, value] of Object.entries(request)) {
    out[key] = value === undefined ? null : value;
  }
  out.extensionPending = openExtension(request)?.status === 'pending';
  if (awaitsReview(request)) out.reviewDue = true;
  return out;
}

export function eventFromDocument(data: DocumentData | undefined): AuditEvent {
  return eventDocument.parse(data);
}

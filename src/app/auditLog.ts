/**
 * The audit export: every audit event runwarden stores is also written as ONE
 * JSON line on stdout with a stable shape, which Cloud Run hands to Cloud
 * Logging as a structured entry (jsonPayload) and the optional log sink of
 * infra/audit.tf routes to BigQuery. The Firestore trail stays the record;
 * this line makes it queryable next to Google's own Cloud Audit Logs.
 *
 * Shape (schema "runwarden.audit/v1"; fields are only ever added):
 *   severity   "NOTICE"
 *   message    "runwarden audit: <action> <requestId>"
 *   auditSchema "runwarden.audit/v1"
 *   requestId, kind, action, category (history or bookkeeping), actor, target, status (after the event), time (the event's, RFC 3339)
 *   requestAgeSeconds  whole seconds from the request's creation to the event (on `approved`: how
 *              long the request waited for its approvals; infra/monitoring.tf charts it)
 *   detail     the event's detail as a JSON string (one BigQuery column whatever it holds)
 *   logging.googleapis.com/labels  { runwarden_audit: "v1" } (cheap log filter)
 * It is written regardless of LOG_LEVEL: the audit trail is not a debug log.
 */
import { categoryOf, type AccessRequest, type AuditEvent, type EventCategory } from '../domain/request';

export const AUDIT_SCHEMA = 'runwarden.audit/v1';

export interface AuditLine {
  severity: 'NOTICE';
  message: string;
  auditSchema: typeof AUDIT_SCHEMA;
  requestId: string;
  kind: AccessRequest['kind'];
  action: string;
  /** history (the request's life) or bookkeeping (deliveries, lease renewals before Google writes) */
  category: EventCategory;
  actor: string;
  target: string;
  status: AccessRequest['status'];
  time: string;
  requestAgeSeconds: number;
  detail: string;
  'logging.googleapis.com/labels': { runwarden_audit: 'v1' };
}

export interface AuditLog {
  /** writes the line of `event`, which happened to `request` (its state after the event) */
  record(request: AccessRequest, event: AuditEvent): void;
}

/** The line of one event (pure). */
export function auditLine(request: AccessRequest, event: AuditEvent): AuditLine {
  return {
    severity: 'NOTICE',
    message: `runwarden audit: ${event.action} ${request.id}`,
    auditSchema: AUDIT_SCHEMA,
    requestId: request.id,
    kind: request.kind,
    action: event.action,
    category: categoryOf(event),
    actor: event.actor,
    target: request.target,
    status: request.status,
    time: event.at.toISOString(),
    requestAgeSeconds: ageSeconds(request.createdAt as Date | undefined, event.at),
    detail: JSON.stringify(event.detail),
    'logging.googleapis.com/labels': { runwarden_audit: 'v1' },
  };
}

/** Whole seconds from `from` to `to` (0 without a start): a missing field must never cost the audit line. */
function ageSeconds(from: Date | undefined, to: Date): number {
  return from instanceof Date ? Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000)) : 0;
}

/** Writes each line to `destination` (default stdout); a failing write never fails the transition. */
export function createAuditLog(options: { destination?: Pick<NodeJS.WritableStream, 'write'> | undefined } = {}): AuditLog {
  const destination = options.destination ?? process.stdout;
  return {
    record(request, event) {
      try {
        destination.write(`${JSON.stringify(auditLine(request, event))}\n`);
      } catch {
        // stdout closed: the event is in Firestore all the same
      }
    },
  };
}

/** Drops every line (tests that do not look at the audit export). */
export const discardAuditLog: AuditLog = { record: () => undefined };

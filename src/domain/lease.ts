/**
 * The lease check made immediately before every write to Google: the writer
 * must still hold the request's lease (same holder, same kind of work, not
 * lapsed, the request still in the state the work belongs to). Passing it
 * renews the lease and records what is about to be written (`writing`), so a
 * retry after an interruption recognises that write. Pure.
 */
import { ErrorCode } from './errors';
import type { AccessRequest } from './request';
import { SYSTEM_ACTOR } from './request';
import { WardenError } from './errors';
import { done, leaseIsLive, type RequestEvent, type TransitionOutcome } from './transitions';

export function renewLease(request: AccessRequest, event: Extract<RequestEvent, { type: 'renew_lease' }>, now: Date): TransitionOutcome {
  const op = request.op;
  const phase = op?.type === 'apply' ? 'approved' : 'active';
  if (!op || request.status !== phase || op.holder !== event.holder || !leaseIsLive(op, now)) {
    const error = new WardenError(
      ErrorCode.LeaseLost,
      `Request \`${request.id}\` is no longer being worked on by this process, so it changed nothing.`,
      `lease of ${event.holder} on ${request.id} lost before ${event.call} (status ${request.status}, holder ${op?.holder ?? 'none'})`,
    );
    // Audited: a stalled process came back after losing its lease and wrote nothing.
    return {
      ok: false,
      error,
      record: { at: now, actor: SYSTEM_ACTOR, action: 'lease_lost', detail: { holder: event.holder, call: event.call } },
    };
  }
  const writing = event.writing ? { ...request.writing, ...event.writing } : request.writing;
  const renewed = done(
    request,
    { op: { ...op, leaseUntil: event.leaseUntil }, writing },
    now,
    SYSTEM_ACTOR,
    'google_write',
    { call: event.call, ...event.writing },
    [],
  );
  // Bookkeeping: how the work was done (the write's outcome is the request's history).
  return { ...renewed, event: { ...renewed.event, category: 'bookkeeping' } };
}

/**
 * Extensions (SPEC §9): more time for an active time-bound request, decided
 * like a request — the same approver group and number of approvals, never by
 * the requester — and applied under the request's lease. The grant stays in
 * force while an extension waits; an extension still open when the grant
 * ends lapses. Pure: now is a parameter.
 */
import { formatDuration } from './duration';
import { ErrorCode } from './errors';
import type { AccessRequest, Extension, Operation } from './request';
import { AUTO_APPROVER, SYSTEM_ACTOR } from './request';
import { decideAuthority } from './authority/decideAuthority';
import { extendedExpiry as extendedExpiryBy, openExtension } from './authority/extension';
import {
  done,
  holds,
  leaseIsLive,
  refuse,
  refusedBy,
  wrongState,
  type Effect,
  type RequestEvent,
  type TransitionOutcome,
} from './transitions';

export { extensionsUsed, openExtension } from './authority/extension';

/** The expiry an extension moves the grant to: the current expiry plus its duration, in whole seconds. */
export function extendedExpiry(request: AccessRequest, extension: Extension): Date {
  return extendedExpiryBy(request, extension.durationSeconds);
}

/**
 * Lapses the open extension, if any, because the grant is ending (`grantEnded`:
 * "The grant ended", "The grant was revoked"…); returns the extensions and the
 * effects to add. Its outcome says what it was still waiting for: a decision,
 * or (approved) its write to be recorded — a write that may have landed all
 * the same, which the revert then recognises by the request's `writing`.
 */
export function lapseOpenExtension(request: AccessRequest, now: Date, grantEnded: string): { extensions?: Extension[]; effects: Effect[] } {
  if (!openExtension(request)) return { effects: [] };
  const extensions = (request.extensions ?? []).map((e) =>
    e.status === 'pending' || e.status === 'approved'
      ? {
          ...e,
          status: 'lapsed' as const,
          endedAt: now,
          outcome: `${grantEnded} before the extension was ${e.status === 'pending' ? 'decided' : 'applied'}.`,
        }
      : e,
  );
  return { extensions, effects: [{ type: 'notify_requester', notice: 'extension_lapsed' }] };
}

function replace(request: AccessRequest, extension: Extension): Extension[] {
  return (request.extensions ?? []).map((e) => (e.n === extension.n ? extension : e));
}

function grantEnding(request: AccessRequest, now: Date): boolean {
  return request.op?.type === 'revert' || (request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime());
}

/**
 * The requester asks for more time (decideAuthority's `extend`): put up for
 * the approvers, or approved by runwarden at once under the rule's
 * autoApprove and applied under the lease.
 */
export function extend(request: AccessRequest, event: Extract<RequestEvent, { type: 'extend' }>, now: Date): TransitionOutcome {
  const decision = decideAuthority('extend', {
    actor: event.actor,
    request,
    durationSeconds: event.durationSeconds,
    reason: event.reason,
    ...event.grounds,
    now,
  });
  if (decision.verdict === 'refused') return refusedBy(decision.refusal, now, event.actor, 'extend_refused');
  const extension: Extension = {
    n: (request.extensions ?? []).length + 1,
    duration: formatDuration(event.durationSeconds),
    durationSeconds: event.durationSeconds,
    reason: event.reason,
    status: 'pending',
    approvals: [],
    requestedAt: now,
  };
  const detail = { n: extension.n, duration: extension.duration, reason: extension.reason };
  if (decision.verdict === 'allowed') {
    // Approved by runwarden itself under the rule's autoApprove (SPEC §9), applied at once as decideExtension's completing branch does.
    const approved: Extension = { ...extension, status: 'approved', approvals: [{ approver: AUTO_APPROVER, at: now }], autoApproved: true };
    const op: Operation = {
      type: 'extend',
      intent: 'extend',
      by: SYSTEM_ACTOR,
      holder: event.holder,
      leaseUntil: event.leaseUntil,
      attempts: 1,
    };
    const changes = { extensions: [...(request.extensions ?? []), approved], op };
    return done(request, changes, now, AUTO_APPROVER, 'extension_auto_approved', { ...detail, rule: decision.rule.name }, [
      { type: 'extend' },
      { type: 'post_extension', n: extension.n },
      { type: 'refresh_message' },
    ]);
  }
  const changes: Partial<AccessRequest> = {
    extensions: [...(request.extensions ?? []), extension],
    approvalsRequired: decision.approvalsRequired,
    approverGroup: decision.approverGroup,
  };
  return done(request, changes, now, event.actor, 'extension_requested', detail, [
    { type: 'post_extension', n: extension.n },
    { type: 'refresh_message' },
  ]);
}

/** An approver's decision on a pending extension (decideAuthority's `approve_extension` / `deny_extension`). */
export function decideExtension(
  request: AccessRequest,
  event: Extract<RequestEvent, { type: 'approve_extension' | 'deny_extension' }>,
  now: Date,
): TransitionOutcome {
  const approving = event.type === 'approve_extension';
  const action = approving ? 'extension_approve_refused' : 'extension_deny_refused';
  const found = (request.extensions ?? []).find((e) => e.n === event.n);
  if (!approving) {
    const decision = decideAuthority('deny_extension', { actor: event.actor, request, n: event.n, ...event.grounds, now });
    if (decision.verdict === 'refused' || !found)
      return refusedBy(
        decision.verdict === 'refused' ? decision.refusal : { code: 'no_such_extension', n: event.n },
        now,
        event.actor,
        action,
        { n: event.n },
      );
    const denied: Extension = { ...found, status: 'denied', decidedBy: event.actor, endedAt: now };
    if (event.reason !== undefined) denied.decisionReason = event.reason;
    const detail = event.reason !== undefined ? { n: found.n, reason: event.reason } : { n: found.n };
    return done(request, { extensions: replace(request, denied) }, now, event.actor, 'extension_denied', detail, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'extension_denied' },
    ]);
  }
  const decision = decideAuthority('approve_extension', { actor: event.actor, request, n: event.n, ...event.grounds, now });
  if (decision.verdict === 'refused' || !found)
    return refusedBy(
      decision.verdict === 'refused' ? decision.refusal : { code: 'no_such_extension', n: event.n },
      now,
      event.actor,
      action,
      { n: event.n },
    );
  const approvals = [...decision.kept, { approver: event.actor, at: now }];
  const detail = { n: found.n, count: approvals.length, required: decision.approvalsRequired };
  if (decision.verdict === 'wait') {
    return done(request, { extensions: replace(request, { ...found, approvals }) }, now, event.actor, 'extension_approved_by', detail, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'extension_approval' },
    ]);
  }
  const op: Operation = {
    type: 'extend',
    intent: 'extend',
    by: SYSTEM_ACTOR,
    holder: event.holder,
    leaseUntil: event.leaseUntil,
    attempts: 1,
  };
  const approved: Extension = { ...found, approvals, status: 'approved' };
  return done(request, { extensions: replace(request, approved), op }, now, event.actor, 'extension_approved', detail, [
    { type: 'refresh_message' },
    { type: 'extend' },
  ]);
}

/** The sweep takes over an extension whose apply was interrupted (its lease ran out). */
export function claimExtend(request: AccessRequest, event: Extract<RequestEvent, { type: 'claim_extend' }>, now: Date): TransitionOutcome {
  const extension = openExtension(request);
  if (request.status !== 'active' || request.op?.type !== 'extend' || extension?.status !== 'approved')
    return wrongState(request, 'extended');
  if (leaseIsLive(request.op, now)) return refuse(ErrorCode.Conflict, `Request \`${request.id}\` is being extended.`);
  const attempts = request.op.attempts + 1;
  if (attempts > event.maxAttempts || grantEnding(request, now)) {
    const outcome =
      attempts > event.maxAttempts
        ? `The extension could not be applied after ${event.maxAttempts} attempts.`
        : 'The grant ended before the extension was applied.';
    const status = attempts > event.maxAttempts ? ('failed' as const) : ('lapsed' as const);
    const ended: Extension = { ...extension, status, endedAt: now, outcome };
    return done(
      request,
      { extensions: replace(request, ended), op: undefined },
      now,
      SYSTEM_ACTOR,
      `extension_${status}`,
      { n: extension.n, outcome },
      [{ type: 'refresh_message' }, { type: 'notify_requester', notice: status === 'failed' ? 'extension_failed' : 'extension_lapsed' }],
    );
  }
  const op: Operation = { ...request.op, holder: event.holder, leaseUntil: event.leaseUntil, attempts };
  return done(request, { op }, now, SYSTEM_ACTOR, 'extend_started', { n: extension.n, attempt: attempts }, [{ type: 'extend' }]);
}

export function finishExtend(
  request: AccessRequest,
  event: Extract<RequestEvent, { type: 'extended' | 'extend_failed' }>,
  now: Date,
): TransitionOutcome {
  const extension = openExtension(request);
  if (request.status !== 'active' || !holds(request, event.holder, 'extend') || extension?.status !== 'approved') {
    return wrongState(request, 'marked extended');
  }
  if (event.type === 'extended') {
    const applied: Extension = { ...extension, status: 'applied', endedAt: now, expiresAt: event.expiresAt };
    const changes: Partial<AccessRequest> = {
      extensions: replace(request, applied),
      expiresAt: event.expiresAt,
      op: undefined,
      writing: undefined,
      expiryWarnedAt: undefined,
    };
    return done(
      request,
      changes,
      now,
      SYSTEM_ACTOR,
      'extended',
      { n: extension.n, duration: extension.duration, expiresAt: event.expiresAt.toISOString() },
      [{ type: 'refresh_message' }, { type: 'notify_requester', notice: 'extended' }],
    );
  }
  if (event.retryable) {
    const op: Operation = { ...(request.op as Operation), leaseUntil: now };
    return done(request, { op }, now, SYSTEM_ACTOR, 'extend_interrupted', { n: extension.n, reason: event.reason }, []);
  }
  const failed: Extension = { ...extension, status: 'failed', endedAt: now, outcome: event.reason };
  // `writing` stays: an earlier attempt's write may have landed, and every later reader must know it as runwarden's.
  return done(
    request,
    { extensions: replace(request, failed), op: undefined },
    now,
    SYSTEM_ACTOR,
    'extension_failed',
    { n: extension.n, reason: event.reason },
    [{ type: 'refresh_message' }, { type: 'notify_requester', notice: 'extension_failed' }],
  );
}

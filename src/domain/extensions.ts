/**
 * Extensions (SPEC §9): more time for an active time-bound request, decided
 * like a request — the same approver group and number of approvals, never by
 * the requester — and applied under the request's lease. The grant stays in
 * force while an extension waits; an extension still open when the grant
 * ends lapses. Pure: now is a parameter.
 */
import { formatDuration } from './duration';
import { AUTO_APPROVER, qualifiesForAutoApproval } from './policy/autoApproval';
import { ErrorCode } from './errors';
import type { AccessRequest, AuditEvent, Extension, Operation } from './request';
import { SYSTEM_ACTOR, isTimeBound } from './request';
import { done, holds, leaseIsLive, refuse, wrongState, type Effect, type RequestEvent, type TransitionOutcome } from './transitions';

/** Extensions still open: waiting for approvals, or being applied. */
export function openExtension(request: AccessRequest): Extension | undefined {
  return (request.extensions ?? []).find((e) => e.status === 'pending' || e.status === 'approved');
}

/** Extensions that count against `maxExtensions`: applied ones and the open one (denied, lapsed and failed do not). */
export function extensionsUsed(request: AccessRequest): number {
  return (request.extensions ?? []).filter((e) => e.status === 'pending' || e.status === 'approved' || e.status === 'applied').length;
}

/** The expiry an extension moves the grant to: the current expiry plus its duration, in whole seconds. */
export function extendedExpiry(request: AccessRequest, extension: Extension): Date {
  const base = request.expiresAt ?? new Date(0);
  return new Date(Math.floor(base.getTime() / 1000) * 1000 + extension.durationSeconds * 1000);
}

/** Lapses the open extension, if any, because the grant is ending; returns the extensions and the effects to add. */
export function lapseOpenExtension(request: AccessRequest, now: Date, why: string): { extensions?: Extension[]; effects: Effect[] } {
  if (!openExtension(request)) return { effects: [] };
  const extensions = (request.extensions ?? []).map((e) =>
    e.status === 'pending' || e.status === 'approved' ? { ...e, status: 'lapsed' as const, endedAt: now, outcome: why } : e,
  );
  return { extensions, effects: [{ type: 'notify_requester', notice: 'extension_lapsed' }] };
}

function replace(request: AccessRequest, extension: Extension): Extension[] {
  return (request.extensions ?? []).map((e) => (e.n === extension.n ? extension : e));
}

function grantEnding(request: AccessRequest, now: Date): boolean {
  return request.op?.type === 'revert' || (request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime());
}

export function extend(request: AccessRequest, event: Extract<RequestEvent, { type: 'extend' }>, now: Date): TransitionOutcome {
  const id = `\`${request.id}\``;
  if (event.actor !== request.requester) {
    const record: AuditEvent = { at: now, actor: event.actor, action: 'extend_refused', detail: { reason: 'not_the_requester' } };
    return refuse(ErrorCode.NotAllowed, `Only the requester can extend request ${id}.`, record);
  }
  if (request.status === 'approved') return refuse(ErrorCode.InvalidState, `Request ${id} is still being applied; extend it once it is active.`);
  if (request.status !== 'active') return wrongState(request, 'extended');
  if (!isTimeBound(request) || request.expiresAt === undefined) {
    return refuse(ErrorCode.NotAllowed, `Request ${id} is permanent; only time-bound requests can be extended.`);
  }
  if (grantEnding(request, now)) return refuse(ErrorCode.InvalidState, `Request ${id} is ending, so it can't be extended.`);
  if (event.maxExtensions === 0) {
    return refuse(ErrorCode.NotAllowed, `The policy rule for ${request.kind} on this service does not allow extensions; submit a new request instead.`);
  }
  const pending = openExtension(request);
  if (pending) return refuse(ErrorCode.Conflict, `Extension ${pending.n} of request ${id} is still waiting for a decision.`);
  const used = extensionsUsed(request);
  if (used >= event.maxExtensions) {
    return refuse(ErrorCode.NotAllowed, `Request ${id} was already extended ${used} time(s); the policy allows at most ${event.maxExtensions}.`);
  }
  if (event.maxDurationSeconds !== undefined && event.durationSeconds > event.maxDurationSeconds) {
    return refuse(
      ErrorCode.DurationTooLong,
      `An extension of ${formatDuration(event.durationSeconds)} is longer than the policy allows (at most ${formatDuration(event.maxDurationSeconds)} each).`,
    );
  }
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
  const auto = event.autoApprove;
  if (auto && qualifiesForAutoApproval(auto.rule, event.actor, event.durationSeconds, auto.groupMembers)) {
    // Approved by runwarden itself under the rule's autoApprove (SPEC §9), applied at once as decideExtension's completing branch does.
    const approved: Extension = { ...extension, status: 'approved', approvals: [{ approver: AUTO_APPROVER, at: now }], autoApproved: true };
    const op: Operation = { type: 'extend', intent: 'extend', by: SYSTEM_ACTOR, holder: auto.holder, leaseUntil: auto.leaseUntil, attempts: 1 };
    const changes = { extensions: [...(request.extensions ?? []), approved], op };
    return done(request, changes, now, AUTO_APPROVER, 'extension_auto_approved', { ...detail, rule: auto.ruleIndex }, [
      { type: 'extend' },
      { type: 'post_extension', n: extension.n },
      { type: 'refresh_message' },
    ]);
  }
  return done(request, { extensions: [...(request.extensions ?? []), extension] }, now, event.actor, 'extension_requested', detail, [
    { type: 'post_extension', n: extension.n },
    { type: 'refresh_message' },
  ]);
}

function findOpen(request: AccessRequest, n: number, what: string): Extension | TransitionOutcome {
  const extension = (request.extensions ?? []).find((e) => e.n === n);
  const id = `\`${request.id}\``;
  if (!extension) return refuse(ErrorCode.NotFound, `Request ${id} has no extension ${n}.`);
  if (extension.status !== 'pending') return refuse(ErrorCode.InvalidState, `Extension ${n} of request ${id} is already ${extension.status}, so it can't be ${what}.`);
  return extension;
}

export function decideExtension(
  request: AccessRequest,
  event: Extract<RequestEvent, { type: 'approve_extension' | 'deny_extension' }>,
  now: Date,
): TransitionOutcome {
  const approving = event.type === 'approve_extension';
  const found = findOpen(request, event.n, approving ? 'approved' : 'denied');
  if ('ok' in found) return found;
  const record = (reason: string): AuditEvent => ({
    at: now,
    actor: event.actor,
    action: approving ? 'extension_approve_refused' : 'extension_deny_refused',
    detail: { n: event.n, reason },
  });
  if (request.status !== 'active' || grantEnding(request, now)) return refuse(ErrorCode.InvalidState, `Request \`${request.id}\` is ending; its extension lapses.`);
  if (event.actor === request.requester) {
    return refuse(ErrorCode.SelfApproval, 'You can’t decide an extension of your own request.', record('self_approval'));
  }
  if (event.type === 'approve_extension' && event.identityUnknown === true) {
    return refuse(ErrorCode.SelfApproval, `You can’t approve this extension: runwarden does not know your Google identity, so it cannot tell that request \`${request.id}\` does not grant access to you.`, record('identity_unknown'));
  }
  if (event.type === 'approve_extension' && event.grantsOwnIdentity === true) {
    return refuse(ErrorCode.SelfApproval, `You can’t approve this extension: request \`${request.id}\` grants access to your own identity, so someone else must.`, record('member_approval'));
  }
  if (!event.isApprover) {
    return refuse(ErrorCode.NotAnApprover, `Only members of the *${request.approverGroup}* approver group can decide this extension.`, record('not_an_approver'));
  }
  if (!approving) {
    const denied: Extension = { ...found, status: 'denied', decidedBy: event.actor, endedAt: now };
    return done(request, { extensions: replace(request, denied) }, now, event.actor, 'extension_denied', { n: found.n }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'extension_denied' },
    ]);
  }
  if (found.approvals.some((a) => a.approver === event.actor)) {
    return refuse(ErrorCode.AlreadyApproved, `You have already approved this extension; each approver counts once.`);
  }
  const approvals = [...found.approvals, { approver: event.actor, at: now }];
  const detail = { n: found.n, count: approvals.length, required: request.approvalsRequired };
  if (approvals.length < request.approvalsRequired) {
    return done(request, { extensions: replace(request, { ...found, approvals }) }, now, event.actor, 'extension_approved_by', detail, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'extension_approval' },
    ]);
  }
  const op: Operation = { type: 'extend', intent: 'extend', by: SYSTEM_ACTOR, holder: event.holder, leaseUntil: event.leaseUntil, attempts: 1 };
  const approved: Extension = { ...found, approvals, status: 'approved' };
  return done(request, { extensions: replace(request, approved), op }, now, event.actor, 'extension_approved', detail, [
    { type: 'refresh_message' },
    { type: 'extend' },
  ]);
}

/** The sweep takes over an extension whose apply was interrupted (its lease ran out). */
export function claimExtend(request: AccessRequest, event: Extract<RequestEvent, { type: 'claim_extend' }>, now: Date): TransitionOutcome {
  const extension = openExtension(request);
  if (request.status !== 'active' || request.op?.type !== 'extend' || extension?.status !== 'approved') return wrongState(request, 'extended');
  if (leaseIsLive(request.op, now)) return refuse(ErrorCode.Conflict, `Request \`${request.id}\` is being extended.`);
  const attempts = request.op.attempts + 1;
  if (attempts > event.maxAttempts || grantEnding(request, now)) {
    const outcome = attempts > event.maxAttempts ? `The extension could not be applied after ${event.maxAttempts} attempts.` : 'The grant ended before the extension was applied.';
    const status = attempts > event.maxAttempts ? ('failed' as const) : ('lapsed' as const);
    const ended: Extension = { ...extension, status, endedAt: now, outcome };
    return done(request, { extensions: replace(request, ended), op: undefined }, now, SYSTEM_ACTOR, `extension_${status}`, { n: extension.n, outcome }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: status === 'failed' ? 'extension_failed' : 'extension_lapsed' },
    ]);
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
    const changes: Partial<AccessRequest> = { extensions: replace(request, applied), expiresAt: event.expiresAt, op: undefined, writing: undefined, expiryWarnedAt: undefined };
    return done(request, changes, now, SYSTEM_ACTOR, 'extended', { n: extension.n, duration: extension.duration, expiresAt: event.expiresAt.toISOString() }, [
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'extended' },
    ]);
  }
  if (event.retryable) {
    const op: Operation = { ...(request.op as Operation), leaseUntil: now };
    return done(request, { op }, now, SYSTEM_ACTOR, 'extend_interrupted', { n: extension.n, reason: event.reason }, []);
  }
  const failed: Extension = { ...extension, status: 'failed', endedAt: now, outcome: event.reason };
  return done(request, { extensions: replace(request, failed), op: undefined, writing: undefined }, now, SYSTEM_ACTOR, 'extension_failed', { n: extension.n, reason: event.reason }, [
    { type: 'refresh_message' },
    { type: 'notify_requester', notice: 'extension_failed' },
  ]);
}

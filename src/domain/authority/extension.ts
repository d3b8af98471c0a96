/**
 * Extensions (SPEC §9 Extend): asked by the requester of an active
 * time-bound request that still stands under the policy in force, at most
 * maxExtensions times, each at most maxDuration, with a reason that passes
 * the rule's reason rules; decided like a request by the rule's approvers
 * (never the requester, never the member). Auto-approval applies only to a
 * grant of the requester's own identity, and only while the whole grant —
 * from its start to its new end — stays within autoApprove.maxDuration. At
 * apply the same is checked again. Pure.
 */
import { AUTO_APPROVER, type AccessRequest, type Extension, type RequestKind } from '../request';
import type { FactReader } from './facts';
import type { KindRules } from './kindRules';
import type { ApproveExtensionDecision, ExtendDecision, PlainDecision } from './moments';
import type { Refusal } from './refusal';
import { approvalStanding, findRule, qualifiesForAuto, reasonRefusal, requestStanding, weigh, type Standing } from './standing';
import { decideRead } from './manage';

type Kinds = Readonly<Record<RequestKind, KindRules>>;

const refused = (refusal: Refusal): { verdict: 'refused'; refusal: Refusal } => ({ verdict: 'refused', refusal });

/** Extensions that count against maxExtensions: applied ones and the open one. */
export function extensionsUsed(request: Pick<AccessRequest, 'extensions'>): number {
  return (request.extensions ?? []).filter((e) => e.status === 'pending' || e.status === 'approved' || e.status === 'applied').length;
}

/** The extension waiting for a decision or being applied, if any. */
export function openExtension(request: Pick<AccessRequest, 'extensions'>): Extension | undefined {
  return (request.extensions ?? []).find((e) => e.status === 'pending' || e.status === 'approved');
}

/** The expiry an extension of `seconds` moves the grant to (whole seconds). */
export function extendedExpiry(request: Pick<AccessRequest, 'expiresAt'>, seconds: number): Date {
  const base = request.expiresAt ?? new Date(0);
  return new Date(Math.floor(base.getTime() / 1000) * 1000 + seconds * 1000);
}

function grantEnding(request: AccessRequest, now: Date): boolean {
  return request.op?.type === 'revert' || (request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime());
}

/** Auto-approval of an extension: the requester's own identity, a qualifying requester and length, and the whole grant within autoApprove.maxDuration. */
function autoExtends(r: FactReader, standing: Standing, request: AccessRequest, seconds: number): boolean {
  const auto = standing.rule.rule.autoApprove;
  if (!auto || !standing.memberIsSelf || !qualifiesForAuto(r, standing.rule.rule, request.requester, seconds)) return false;
  const from = request.startsAt ?? request.appliedAt ?? request.createdAt;
  const whole = (extendedExpiry(request, seconds).getTime() - from.getTime()) / 1000;
  return whole <= auto.maxDurationSeconds;
}

export function decideExtend(
  r: FactReader,
  kinds: Kinds,
  request: AccessRequest,
  actor: string,
  seconds: number,
  reason: string,
  now: Date,
): ExtendDecision {
  const base = { requestId: request.id };
  const read = decideRead(r, request, actor);
  if (read.verdict === 'refused') return read;
  if (actor !== request.requester) return refused({ code: 'not_the_requester', ...base });
  if (request.status === 'approved') return refused({ code: 'being_applied', ...base });
  if (request.status !== 'active') return refused({ code: 'wrong_state', ...base, status: request.status });
  if (!(typeof request.durationSeconds === 'number' && request.durationSeconds > 0) || request.expiresAt === undefined) {
    return refused({ code: 'permanent_request', ...base });
  }
  if (grantEnding(request, now)) return refused({ code: 'grant_ending', ...base });
  const standing = requestStanding(r, kinds, request, 'approval');
  if (!standing.ok) return refused({ code: 'no_longer_allowed', ...base, because: standing.refusal });
  const { rule } = standing.rule;
  if (rule.maxExtensions === 0) return refused({ code: 'extensions_not_allowed', ...base, kind: request.kind, rule: rule.name });
  const open = openExtension(request);
  if (open) return refused({ code: 'extension_pending', ...base, n: open.n });
  const used = extensionsUsed(request);
  if (used >= rule.maxExtensions) return refused({ code: 'too_many_extensions', ...base, count: used, limit: rule.maxExtensions });
  if (rule.maxDurationSeconds !== undefined && seconds > rule.maxDurationSeconds) {
    return refused({ code: 'extension_too_long', ...base, seconds, limitSeconds: rule.maxDurationSeconds });
  }
  const problem = reasonRefusal(rule.reason, reason);
  if (problem) return refused({ ...problem, ...base });
  const [level] = rule.steps;
  const people = {
    rule: standing.rule,
    approverGroup: level?.approvers ?? request.approverGroup,
    approvalsRequired: level?.approvals ?? request.approvalsRequired,
  };
  return { verdict: autoExtends(r, standing, request, seconds) ? 'allowed' : 'wait', ...people };
}

/** The extension `n` if it waits for a decision on a grant still in force, else why not. */
function pendingExtension(request: AccessRequest, n: number, now: Date): Extension | Refusal {
  const base = { requestId: request.id, n };
  const extension = (request.extensions ?? []).find((e) => e.n === n);
  if (!extension) return { code: 'no_such_extension', ...base };
  if (extension.status !== 'pending') return { code: 'extension_not_pending', ...base, status: extension.status };
  if (request.status !== 'active' || grantEnding(request, now)) return { code: 'grant_ending', ...base };
  return extension;
}

export function decideApproveExtension(
  r: FactReader,
  kinds: Kinds,
  request: AccessRequest,
  actor: string,
  n: number,
  now: Date,
): ApproveExtensionDecision {
  const extension = pendingExtension(request, n, now);
  if ('code' in extension) return refused(extension);
  const base = { requestId: request.id, n };
  if (actor === request.requester) return refused({ code: 'self_approval', ...base });
  const standing = requestStanding(r, kinds, request, 'approval');
  if (!standing.ok) return refused({ code: 'no_longer_allowed', ...base, because: standing.refusal });
  const [level] = standing.rule.rule.steps;
  if (level === undefined) return refused({ code: 'no_longer_allowed', ...base, because: { code: 'steps_changed' } });
  const clicker = approvalStanding(r, level.approvers, request, actor);
  if (clicker) return refused({ code: clicker, ...base, group: level.approvers, member: request.member });
  if (extension.approvals.some((a) => a.approver === actor)) return refused({ code: 'duplicate_approval', ...base });
  const weighed = weigh(
    r,
    { approverGroup: level.approvers, approvalsRequired: level.approvals },
    request,
    extension.approvals.filter((a) => a.approver !== AUTO_APPROVER),
  );
  return { verdict: weighed.kept.length + 1 >= level.approvals ? 'allowed' : 'wait', rule: standing.rule, ...weighed };
}

export function decideDenyExtension(r: FactReader, request: AccessRequest, actor: string, n: number, now: Date): PlainDecision {
  const extension = pendingExtension(request, n, now);
  if ('code' in extension) return refused(extension);
  const base = { requestId: request.id, n };
  if (actor === request.requester) return refused({ code: 'self_decision', ...base });
  const level = findRule(r.policy, request.kind, request.target)?.rule.steps[0];
  if (level === undefined || !r.isApprover(level.approvers, actor))
    return refused({ code: 'not_an_approver', ...base, group: level?.approvers ?? request.approverGroup });
  return { verdict: 'allowed' };
}

/**
 * An approved extension about to be written: the request still stands, the
 * rule still allows this many extensions of this length, and the extension
 * still stands on what approved it — the rule's autoApprove, or approvals
 * that still count and reach what the rule needs now.
 */
export function decideApplyExtension(r: FactReader, kinds: Kinds, request: AccessRequest): PlainDecision {
  const extension = openExtension(request);
  const base = { requestId: request.id, n: extension?.n };
  if (!extension || extension.status !== 'approved') return refused({ code: 'extension_not_pending', ...base, status: extension?.status });
  const standing = requestStanding(r, kinds, request, 'approval');
  if (!standing.ok) return refused({ code: 'no_longer_allowed', ...base, because: standing.refusal });
  const { rule } = standing.rule;
  const used = extensionsUsed(request);
  if (used > rule.maxExtensions)
    return refused({
      code: 'no_longer_allowed',
      ...base,
      because: { code: 'too_many_extensions', count: used, limit: rule.maxExtensions },
    });
  if (rule.maxDurationSeconds !== undefined && extension.durationSeconds > rule.maxDurationSeconds) {
    return refused({
      code: 'no_longer_allowed',
      ...base,
      because: { code: 'extension_too_long', seconds: extension.durationSeconds, limitSeconds: rule.maxDurationSeconds },
    });
  }
  if (extension.autoApproved === true) {
    return autoExtends(r, standing, request, extension.durationSeconds)
      ? { verdict: 'allowed' }
      : refused({ code: 'no_longer_auto_approved', ...base, rule: rule.name });
  }
  const [level] = rule.steps;
  if (level === undefined) return refused({ code: 'no_longer_allowed', ...base, because: { code: 'steps_changed' } });
  const weighed = weigh(
    r,
    { approverGroup: level.approvers, approvalsRequired: level.approvals },
    request,
    extension.approvals.filter((a) => a.approver !== AUTO_APPROVER),
  );
  if (weighed.kept.length < level.approvals) {
    return refused({ code: 'approvals_lost', ...base, group: level.approvers, count: weighed.kept.length, limit: level.approvals });
  }
  return { verdict: 'allowed' };
}

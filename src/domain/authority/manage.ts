/**
 * read, cancel, revoke and review: who may see a request (SPEC §4: its
 * requester, its member, the approvers of every step of its rule, and the
 * policy's auditors — anyone else is told there is no such request), who may
 * withdraw it (its requester, while pending), end it early (its requester or
 * any step's approver, while active) and review a break-glass grant (any
 * step's approver, never the requester nor the member it granted). Pure.
 */
import type { AccessRequest } from '../request';
import type { FactReader } from './facts';
import type { PlainDecision, ReadDecision } from './moments';
import type { Refusal } from './refusal';
import { approvesAnyStep, findRule } from './standing';

const refused = (refusal: Refusal): { verdict: 'refused'; refusal: Refusal } => ({ verdict: 'refused', refusal });

function leaseIsLive(request: AccessRequest, type: 'revert' | 'extend', now: Date): boolean {
  return request.op?.type === type && request.op.leaseUntil.getTime() > now.getTime();
}

export function decideRead(r: FactReader, request: AccessRequest, actor: string): ReadDecision {
  if (actor === request.requester) return { verdict: 'allowed', as: 'requester' };
  const rule = findRule(r.policy, request.kind, request.target)?.rule;
  if (rule && approvesAnyStep(r, rule, actor)) return { verdict: 'allowed', as: 'approver' };
  if (r.listed(r.policy.auditors, actor)) return { verdict: 'allowed', as: 'auditor' };
  const granted = r.subjects(request);
  if (granted.length > 0) {
    const own = r.email(actor);
    if (own !== undefined && granted.includes(own)) return { verdict: 'allowed', as: 'member' };
  }
  return refused({ code: 'not_visible', requestId: request.id });
}

export function decideCancel(r: FactReader, request: AccessRequest, actor: string): PlainDecision {
  const base = { requestId: request.id };
  const read = decideRead(r, request, actor);
  if (read.verdict === 'refused') return read;
  if (request.status === 'active') return refused({ code: 'already_active', ...base });
  if (request.status !== 'pending') return refused({ code: 'wrong_state', ...base, status: request.status });
  if (actor !== request.requester) return refused({ code: 'not_the_requester', ...base });
  return { verdict: 'allowed' };
}

export function decideRevoke(r: FactReader, request: AccessRequest, actor: string, now: Date): PlainDecision {
  const base = { requestId: request.id };
  const read = decideRead(r, request, actor);
  if (read.verdict === 'refused') return read;
  if (request.status === 'approved') return refused({ code: 'being_applied', ...base });
  if (request.status !== 'active') return refused({ code: 'wrong_state', ...base, status: request.status });
  if (actor !== request.requester && read.as !== 'approver')
    return refused({ code: 'not_requester_or_approver', ...base, group: request.approverGroup });
  if (leaseIsLive(request, 'revert', now)) return refused({ code: 'already_ending', ...base });
  if (leaseIsLive(request, 'extend', now)) return refused({ code: 'being_extended', ...base });
  return { verdict: 'allowed' };
}

export function decideReview(r: FactReader, request: AccessRequest, actor: string): PlainDecision {
  const base = { requestId: request.id };
  if (request.breakGlass !== true) return refused({ code: 'not_break_glass', ...base });
  if (request.reviewedAt !== undefined) return refused({ code: 'already_reviewed', ...base, user: request.reviewedBy });
  if (actor === request.requester) return refused({ code: 'self_review', ...base });
  const rule = findRule(r.policy, request.kind, request.target)?.rule;
  if (!rule || !approvesAnyStep(r, rule, actor)) {
    return refused({ code: 'not_an_approver', ...base, group: rule?.steps.map((s) => s.approvers).join(', ') ?? request.approverGroup });
  }
  const granted = r.subjects(request);
  if (granted.length > 0) {
    const own = r.email(actor);
    if (own === undefined || granted.includes(own)) return refused({ code: 'member_review', ...base });
  }
  return { verdict: 'allowed' };
}

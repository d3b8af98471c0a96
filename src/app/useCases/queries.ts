/**
 * Read-only use cases: `/warden list` and `/warden status <id>`.
 */
import { findRule, groupsToResolve, isApprover } from '../../domain/policy/evaluate';
import type { AccessRequest, AuditEvent } from '../../domain/request';
import type { AppDeps } from '../deps';
import { resolveGroups } from '../resolveGroups';

export interface Listing {
  mine: AccessRequest[];
  awaitingMe: AccessRequest[];
  /** break-glass requests the user may review (as one of the rule's approvers), not yet reviewed */
  awaitingReview: AccessRequest[];
}

/**
 * Which of `requests` the user may decide: one of its rule's approvers, not
 * its requester, and not yet counted (`approvalsOf`: the request's approvals,
 * or its open extension's). Each user group is looked up once, however many
 * requests name it.
 */
export async function mayDecide(
  deps: AppDeps,
  user: string,
  requests: readonly AccessRequest[],
  approvalsOf: (request: AccessRequest) => readonly { approver: string }[] = (request) => request.approvals,
): Promise<AccessRequest[]> {
  const policy = deps.policy();
  const candidates = requests
    .filter((r) => r.requester !== user && !approvalsOf(r).some((a) => a.approver === user))
    .map((request) => ({ request, rule: findRule(policy, request.kind, request.target)?.rule }));
  const groups = await resolveGroups(deps.directory, candidates.flatMap((c) => (c.rule ? groupsToResolve(policy, c.rule) : [])));
  return candidates.filter((c) => c.rule !== undefined && isApprover(policy, c.rule.approvers, user, groups)).map((c) => c.request);
}

export function createQueries(deps: AppDeps) {
  async function list(user: string): Promise<Listing> {
    const own = await deps.store.listByRequester(user, ['pending', 'approved', 'active']);
    const open = await deps.store.listByStatus(['pending']);
    const glass = await deps.store.listAwaitingReview();
    for (const bad of [...own.malformed, ...open.malformed, ...glass.malformed]) {
      deps.logger.error('skipped a malformed request document', { requestId: bad.id, problem: bad.problem, reader: 'list' });
    }
    const mine = own.requests;
    const decidable = await mayDecide(deps, user, [...open.requests, ...glass.requests]);
    const awaitingMe = decidable.filter((r) => r.status === 'pending');
    const awaitingReview = decidable.filter((r) => r.status !== 'pending');
    return { mine, awaitingMe, awaitingReview };
  }

  async function status(id: string): Promise<{ request: AccessRequest; events: AuditEvent[] } | undefined> {
    const request = await deps.store.get(id);
    if (!request) return undefined;
    return { request, events: await deps.store.events(id) };
  }

  return { list, status };
}

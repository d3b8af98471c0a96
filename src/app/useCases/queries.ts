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

export function createQueries(deps: AppDeps) {
  async function list(user: string): Promise<Listing> {
    const own = await deps.store.listByRequester(user, ['pending', 'approved', 'active']);
    const open = await deps.store.listByStatus(['pending']);
    const glass = await deps.store.listAwaitingReview();
    for (const bad of [...own.malformed, ...open.malformed, ...glass.malformed]) {
      deps.logger.error('skipped a malformed request document', { requestId: bad.id, problem: bad.problem, reader: 'list' });
    }
    const mine = own.requests;
    const pending = open.requests;
    const unreviewed = glass.requests.filter((r) => r.requester !== user);
    const policy = deps.policy();
    const candidates = [...pending, ...unreviewed]
      .filter((r) => r.requester !== user && !r.approvals.some((a) => a.approver === user))
      .map((request) => ({ request, rule: findRule(policy, request.kind, request.target)?.rule }));
    // one lookup per user group, however many requests name it
    const groups = await resolveGroups(deps.directory, candidates.flatMap((c) => (c.rule ? groupsToResolve(policy, c.rule) : [])));
    const mayDecide = candidates.filter((c) => c.rule !== undefined && isApprover(policy, c.rule.approvers, user, groups)).map((c) => c.request);
    const awaitingMe = mayDecide.filter((r) => r.status === 'pending');
    const awaitingReview = mayDecide.filter((r) => r.status !== 'pending');
    return { mine, awaitingMe, awaitingReview };
  }

  async function status(id: string): Promise<{ request: AccessRequest; events: AuditEvent[] } | undefined> {
    const request = await deps.store.get(id);
    if (!request) return undefined;
    return { request, events: await deps.store.events(id) };
  }

  return { list, status };
}

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
}

export function createQueries(deps: AppDeps) {
  async function list(user: string): Promise<Listing> {
    const mine = await deps.store.listByRequester(user, ['pending', 'approved', 'active']);
    const pending = await deps.store.listByStatus(['pending']);
    const policy = deps.policy();
    const awaitingMe: AccessRequest[] = [];
    for (const request of pending) {
      if (request.requester === user || request.approvals.some((a) => a.approver === user)) continue;
      const match = findRule(policy, request.kind, request.target);
      if (!match) continue;
      const groups = await resolveGroups(deps.directory, groupsToResolve(policy, match.rule));
      if (isApprover(policy, match.rule.approvers, user, groups)) awaitingMe.push(request);
    }
    return { mine, awaitingMe };
  }

  async function status(id: string): Promise<{ request: AccessRequest; events: AuditEvent[] } | undefined> {
    const request = await deps.store.get(id);
    if (!request) return undefined;
    return { request, events: await deps.store.events(id) };
  }

  return { list, status };
}

/**
 * Keeps App Home current: after every transition of a request, its
 * requester's Home tab is published again; when what waits for approvers
 * changed (a request entered or left `pending`, an extension was asked for
 * or decided), theirs too — the approver group is resolved once, as for a
 * reminder. Best effort: a failed publish is logged and never undoes anything.
 */
import { approverIds, findRule, groupsToResolve } from '../domain/policy/evaluate';
import type { AccessRequest } from '../domain/request';
import type { AppDeps } from './deps';
import { resolveGroups } from './resolveGroups';

export interface HomeRefresher {
  /** after a committed transition from `before` to `next` */
  afterTransition(before: AccessRequest | undefined, next: AccessRequest): Promise<void>;
}

function extensionState(request: AccessRequest | undefined): string {
  return (request?.extensions ?? []).map((e) => `${e.n}:${e.status}:${e.approvals.length}`).join(',');
}

export function createHomeRefresher(deps: AppDeps, publish: (user: string) => Promise<void>): HomeRefresher {
  async function approversOf(request: AccessRequest): Promise<string[]> {
    const policy = deps.policy();
    const rule = findRule(policy, request.kind, request.target)?.rule;
    const groups = await resolveGroups(deps.directory, groupsToResolve(policy, rule));
    return approverIds(policy, request.approverGroup, groups).filter((u) => u !== request.requester);
  }

  return {
    async afterTransition(before, next) {
      try {
        const users = new Set<string>([next.requester]);
        const pendingChanged = (before?.status === 'pending') !== (next.status === 'pending') || before?.approvals.length !== next.approvals.length;
        if (pendingChanged || extensionState(before) !== extensionState(next)) for (const u of await approversOf(next)) users.add(u);
        await Promise.all([...users].map((user) => publish(user)));
      } catch (error) {
        deps.logger.warn('could not refresh App Home', { requestId: next.id, error: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}

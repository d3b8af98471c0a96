/**
 * Approve / Deny / Revoke clicks. The button only carries the request id:
 * everything else is read from the store, and the clicker's authority is
 * checked against the policy in force now, not the one at submission.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { findRule, groupsToResolve, isApprover } from '../../domain/policy/evaluate';
import type { AppDeps } from '../deps';
import { resolveGroups } from '../resolveGroups';
import type { Runner, RunResult } from '../runner';

export type Decision = 'approve' | 'deny' | 'revoke';

/**
 * Whether `actor` may decide request `id` now: the request's rule under the
 * policy in force, its approver group with user groups resolved live. Shared
 * by request and extension decisions.
 */
export function createApproverCheck(deps: AppDeps) {
  return async function approverCheck(id: string, actor: string): Promise<{ found: boolean; isApprover: boolean }> {
    const request = await deps.store.get(id);
    if (!request) return { found: false, isApprover: false };
    const policy = deps.policy();
    const match = findRule(policy, request.kind, request.target);
    if (!match) return { found: true, isApprover: false };
    const groups = await resolveGroups(deps.directory, groupsToResolve(policy, match.rule));
    return { found: true, isApprover: isApprover(policy, match.rule.approvers, actor, groups) };
  };
}

export function createDecide(deps: AppDeps, runner: Runner) {
  const approverCheck = createApproverCheck(deps);
  return async function decide(decision: Decision, id: string, actor: string): Promise<RunResult> {
    const check = await approverCheck(id, actor);
    if (!check.found) {
      return { outcome: { ok: false, error: new WardenError(ErrorCode.NotFound, `There is no request \`${id}\`.`) } };
    }
    switch (decision) {
      case 'approve':
        return runner.run(id, { type: 'approve', actor, isApprover: check.isApprover, ...runner.lease() });
      case 'deny':
        return runner.run(id, { type: 'deny', actor, isApprover: check.isApprover });
      case 'revoke':
        return runner.run(id, { type: 'revoke', actor, isApprover: check.isApprover, ...runner.lease() });
    }
  };
}

/**
 * Approve / Deny / Revoke clicks. The button only carries the request id:
 * everything else is read from the store, and the clicker's authority is
 * checked against the policy in force now, not the one at submission.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { approvalStanding, recheckRequest } from '../../domain/policy/authority';
import { findRule, groupsToResolve, isApprover } from '../../domain/policy/evaluate';
import type { AccessRequest } from '../../domain/request';
import { gatherAuthorityFacts } from '../authorityFacts';
import type { AppDeps } from '../deps';
import { resolveGroups } from '../resolveGroups';
import type { Runner, RunResult } from '../runner';

export type Decision = 'approve' | 'deny' | 'revoke' | 'review';

/**
 * Whether `actor` is one of the approvers of `request`'s rule under the
 * policy in force, user groups resolved live. Deny, revoke and extension
 * decisions; an approval is weighed by the whole re-check (policy/authority.ts).
 */
export function approverCheckFor(deps: AppDeps) {
  return async function approverCheck(request: AccessRequest, actor: string): Promise<boolean> {
    const policy = deps.policy();
    const match = findRule(policy, request.kind, request.target);
    if (!match) return false;
    const groups = await resolveGroups(deps.directory, groupsToResolve(policy, match.rule));
    // A pending multi-step request is decided by its current step's approvers; afterwards (revoke, review,
    // extensions) any step's approvers count as the rule's approvers.
    const step = request.status === 'pending' && request.step !== undefined ? match.rule.steps[request.step - 1] : undefined;
    const levels = request.status === 'pending' && request.step !== undefined ? (step ? [step] : []) : match.rule.steps;
    return levels.some((level) => isApprover(policy, level.approvers, actor, groups));
  };
}

/** The same, by request id: `found` false for an unknown id. */
export function createApproverCheck(deps: AppDeps) {
  const check = approverCheckFor(deps);
  return async function approverCheck(id: string, actor: string): Promise<{ found: boolean; isApprover: boolean }> {
    const request = await deps.store.get(id);
    if (!request) return { found: false, isApprover: false };
    return { found: true, isApprover: await check(request, actor) };
  };
}

export function createDecide(deps: AppDeps, runner: Runner) {
  const approverCheck = approverCheckFor(deps);
  return async function decide(decision: Decision, id: string, actor: string): Promise<RunResult> {
    const request = await deps.store.get(id);
    if (!request) {
      return { outcome: { ok: false, error: new WardenError(ErrorCode.NotFound, `There is no request \`${id}\`.`) } };
    }
    switch (decision) {
      case 'approve': {
        // The whole request is re-checked at every approval, against the policy and user groups as they are now.
        const policy = deps.policy();
        const facts = await gatherAuthorityFacts(deps.directory, policy, request, [actor]);
        return runner.run(id, { type: 'approve', actor, authority: recheckRequest(policy, request, facts), ...runner.lease() });
      }
      case 'deny':
        return runner.run(id, { type: 'deny', actor, isApprover: await approverCheck(request, actor) });
      case 'revoke':
        return runner.run(id, { type: 'revoke', actor, isApprover: await approverCheck(request, actor), ...runner.lease() });
      case 'review': {
        // A review is a second person's look: never the requester, nor the member the grant went to.
        const policy = deps.policy();
        const match = findRule(policy, request.kind, request.target);
        if (!match) return runner.run(id, { type: 'review', actor, isApprover: false, ownGrant: false });
        const facts = await gatherAuthorityFacts(deps.directory, policy, request, [actor]);
        const standing = approvalStanding(policy, match.rule.approvers, request, actor, facts);
        const ownGrant = standing === 'member_approval' || standing === 'identity_unknown';
        return runner.run(id, { type: 'review', actor, isApprover: standing !== 'not_an_approver', ownGrant });
      }
    }
  };
}

/**
 * Extensions (SPEC §9): the requester asks for more time on an active
 * time-bound request (`/warden extend`, or the Extend button's modal), and
 * approvers decide it with the buttons on its message. Limits come from the
 * request's rule under the policy in force now; the state machine decides
 * (src/domain/extensions.ts) and the runner applies.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { findRule, groupsToResolve } from '../../domain/policy/evaluate';
import { resolveGroups } from '../resolveGroups';
import type { AppDeps } from '../deps';
import type { Runner, RunResult } from '../runner';
import { createApproverCheck } from './decide';
import { recheckRequest } from '../../domain/policy/authority';
import { gatherAuthorityFacts } from '../authorityFacts';

export type ExtensionDecision = 'approve' | 'deny';

const refused = (code: WardenError['code'], text: string): RunResult => ({ outcome: { ok: false, error: new WardenError(code, text) } });

/** `<request id>.<n>` as carried by an extension's buttons. */
export function parseExtensionRef(ref: string): { id: string; n: number } | undefined {
  const match = /^([a-z0-9]{1,40})\.([1-9][0-9]{0,3})$/.exec(ref);
  return match?.[1] && match[2] ? { id: match[1], n: Number(match[2]) } : undefined;
}

export function createExtend(deps: AppDeps, runner: Runner) {
  const approverCheck = createApproverCheck(deps);

  async function extend(id: string, actor: string, durationSeconds: number, reason: string): Promise<RunResult> {
    const request = await deps.store.get(id);
    if (!request) return refused(ErrorCode.NotFound, `There is no request \`${id}\`.`);
    const policy = deps.policy();
    const match = findRule(policy, request.kind, request.target);
    if (!match) return refused(ErrorCode.NoMatchingRule, `No policy rule covers request \`${id}\` any more, so it can't be extended.`);
    const { rule } = match;
    // The rule's autoApprove applies to an extension as to a request (SPEC §9); the transition decides whether it qualifies.
    const autoApprove =
      rule.autoApprove === undefined
        ? undefined
        : { rule, ruleIndex: match.index, groupMembers: await resolveGroups(deps.directory, groupsToResolve(policy, rule)), ...runner.lease() };
    return runner.run(id, {
      type: 'extend',
      actor,
      durationSeconds,
      reason,
      maxExtensions: rule.maxExtensions,
      maxDurationSeconds: rule.maxDurationSeconds,
      autoApprove,
    });
  }

  async function decideExtension(decision: ExtensionDecision, ref: string, actor: string): Promise<RunResult> {
    const parsed = parseExtensionRef(ref);
    if (!parsed) return refused(ErrorCode.NotFound, 'That button does not name an extension.');
    if (decision === 'deny') {
      const check = await approverCheck(parsed.id, actor);
      if (!check.found) return refused(ErrorCode.NotFound, `There is no request \`${parsed.id}\`.`);
      return runner.run(parsed.id, { type: 'deny_extension', n: parsed.n, actor, isApprover: check.isApprover });
    }
    // An approval re-checks the whole request as the request's own approvals are (policy/authority.ts).
    const request = await deps.store.get(parsed.id);
    if (!request) return refused(ErrorCode.NotFound, `There is no request \`${parsed.id}\`.`);
    const policy = deps.policy();
    const authority = recheckRequest(policy, request, await gatherAuthorityFacts(deps.directory, policy, request, [actor]));
    if (!authority.ok) return refused(ErrorCode.NotAllowed, `Request \`${request.id}\` can no longer be extended: ${authority.message}`);
    const standing = Object.hasOwn(authority.standing, actor) ? authority.standing[actor] : 'not_an_approver';
    const event = {
      n: parsed.n,
      actor,
      isApprover: standing === null || standing === 'member_approval' || standing === 'identity_unknown',
      grantsOwnIdentity: standing === 'member_approval',
      identityUnknown: standing === 'identity_unknown',
    };
    return runner.run(parsed.id, { type: 'approve_extension', ...event, ...runner.lease() });
  }

  return { extend, decideExtension };
}

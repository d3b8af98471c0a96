/**
 * Extensions (SPEC §9): the requester asks for more time on an active
 * time-bound request (`/warden extend`, or the Extend button's modal), and
 * approvers decide it with the buttons on its message. Limits come from the
 * request's rule under the policy in force now; the state machine decides
 * (src/domain/extensions.ts) and the runner applies.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { findRule } from '../../domain/policy/evaluate';
import type { AppDeps } from '../deps';
import type { Runner, RunResult } from '../runner';
import { createApproverCheck } from './decide';

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
    const rule = findRule(deps.policy(), request.kind, request.target)?.rule;
    if (!rule) return refused(ErrorCode.NoMatchingRule, `No policy rule covers request \`${id}\` any more, so it can't be extended.`);
    return runner.run(id, {
      type: 'extend',
      actor,
      durationSeconds,
      reason,
      maxExtensions: rule.maxExtensions,
      maxDurationSeconds: rule.maxDurationSeconds,
    });
  }

  async function decideExtension(decision: ExtensionDecision, ref: string, actor: string): Promise<RunResult> {
    const parsed = parseExtensionRef(ref);
    if (!parsed) return refused(ErrorCode.NotFound, 'That button does not name an extension.');
    const check = await approverCheck(parsed.id, actor);
    if (!check.found) return refused(ErrorCode.NotFound, `There is no request \`${parsed.id}\`.`);
    const base = { n: parsed.n, actor, isApprover: check.isApprover };
    return decision === 'approve'
      ? runner.run(parsed.id, { type: 'approve_extension', ...base, ...runner.lease() })
      : runner.run(parsed.id, { type: 'deny_extension', ...base });
  }

  return { extend, decideExtension };
}

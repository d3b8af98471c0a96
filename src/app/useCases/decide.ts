/**
 * Approve / Deny / Revoke / Review clicks (and `revoke` typed as a command).
 * The button only carries the request id: everything else is read in the
 * transaction that records the click, where the authority decision weighs
 * it against the policy in force and the facts gathered for it.
 */
import type { Runner, RunResult } from '../runner';
import type { RunWeighed } from './runWeighed';

export type Decision = 'approve' | 'deny' | 'revoke' | 'review';

export function createDecide(runner: Runner, runWeighed: RunWeighed) {
  /**
   * `reason`: a deny's or revoke's optional reason (already checked by
   * decisionReasonArg), kept on the request and in the event's detail; ignored
   * for approve and review.
   */
  return function decide(decision: Decision, id: string, actor: string, reason?: string): Promise<RunResult> {
    switch (decision) {
      case 'approve':
        return runWeighed(id, actor, (grounds) => ({ type: 'approve', actor, grounds, plan: runner.plan, ...runner.lease() }));
      case 'deny':
        return runWeighed(id, actor, (grounds) => ({ type: 'deny', actor, grounds, reason }));
      case 'revoke':
        return runWeighed(id, actor, (grounds) => ({ type: 'revoke', actor, grounds, reason, ...runner.lease() }));
      case 'review':
        return runWeighed(id, actor, (grounds) => ({ type: 'review', actor, grounds }));
    }
  };
}

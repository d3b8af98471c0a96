/**
 * Extensions (SPEC §9): the requester asks for more time on an active
 * time-bound request (`/warden extend`, or the Extend button's modal), and
 * approvers decide it with the buttons on its message. Each is weighed by the
 * authority decision inside the transaction that records it
 * (src/domain/authority/extension.ts); the runner applies.
 */
import type { Runner, RunResult } from '../runner';
import { noSuchRequest, type RunWeighed } from './runWeighed';

export type ExtensionDecision = 'approve' | 'deny';

/** `<request id>.<n>` as carried by an extension's buttons. */
export function parseExtensionRef(ref: string): { id: string; n: number } | undefined {
  const match = /^([a-z0-9]{1,40})\.([1-9][0-9]{0,3})$/.exec(ref);
  return match?.[1] && match[2] ? { id: match[1], n: Number(match[2]) } : undefined;
}

export function createExtend(runner: Runner, runWeighed: RunWeighed) {
  function extend(id: string, actor: string, durationSeconds: number, reason: string): Promise<RunResult> {
    return runWeighed(id, actor, (grounds) => ({ type: 'extend', actor, durationSeconds, reason, grounds, ...runner.lease() }));
  }

  async function decideExtension(decision: ExtensionDecision, ref: string, actor: string, reason?: string): Promise<RunResult> {
    const parsed = parseExtensionRef(ref);
    if (!parsed) return noSuchRequest(ref);
    const { id, n } = parsed;
    return decision === 'approve'
      ? runWeighed(id, actor, (grounds) => ({ type: 'approve_extension', n, actor, grounds, ...runner.lease() }))
      : runWeighed(id, actor, (grounds) => ({ type: 'deny_extension', n, actor, grounds, reason }));
  }

  return { extend, decideExtension };
}

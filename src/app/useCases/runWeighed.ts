/**
 * A person's click or command on a stored request, weighed by the authority
 * decision inside the Firestore transaction that records it: the event
 * carries the policy in force and facts gathered just before (never a
 * verdict made outside), and a decision that lacks a fact says which; it is
 * looked up and the event runs again (authorityFacts.ts).
 */
import { RefusedError } from '../../domain/authority/refusedError';
import type { Grounds, RequestEvent } from '../../domain/transitions';
import { needsFor, refusalOf, withFacts } from '../authorityFacts';
import type { AppDeps } from '../deps';
import type { Runner, RunResult } from '../runner';
import { KIND_RULES } from '../../kinds/registry';

/** The answer for an id that names no request — the same as for one the person may not see (SPEC §4). */
export function noSuchRequest(id: string): RunResult {
  return { outcome: { ok: false, error: new RefusedError({ code: 'not_visible', requestId: id }) } };
}

export function createRunWeighed(deps: AppDeps, runner: Runner) {
  /** Runs `eventFor(grounds)` on request `id` for `actor`, its facts gathered for the request as stored now. */
  return async function runWeighed(id: string, actor: string, eventFor: (grounds: Grounds) => RequestEvent): Promise<RunResult> {
    const request = await deps.store.get(id);
    if (!request) return noSuchRequest(id);
    const policy = deps.policy();
    const result = await withFacts(
      deps.directory,
      policy,
      needsFor(policy, request, [actor]),
      (facts) => runner.run(id, eventFor({ policy, facts, kinds: KIND_RULES })),
      (r) => refusalOf(r.outcome),
    );
    return result;
  };
}

export type RunWeighed = ReturnType<typeof createRunWeighed>;

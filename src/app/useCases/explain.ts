/**
 * Explain (`/warden explain <request…>`): the dry run of a request command —
 * what submit would do with it now, and nothing more. It gathers the same
 * facts submit gathers (Slack user groups and identities, the requester's
 * open requests, the grants already in force on the target: submitGrounds), asks the one authority decision through the domain's dry
 * run (src/domain/authority/dryRun.ts), and, where the policy would let the
 * request through, makes the same read-only checks submit makes before
 * anyone is asked: the sweep that would end a temporary change, and the
 * kind's `prepare` (reads Google: the service or key exists, the change
 * would change something). It stores nothing, audits nothing, posts nothing
 * and writes nothing to Google.
 */
import { dryRun, type DryRun } from '../../domain/authority/dryRun';
import { WardenError } from '../../domain/errors';
import type { RequestKind } from '../../domain/request';
import type { KindEffects } from '../../kinds/kind';
import { KIND_RULES } from '../../kinds/registry';
import { needsFor, withFacts } from '../authorityFacts';
import type { AppDeps } from '../deps';
import { prepareAsk, resolveAsk, submitGrounds, sweepProblem, type SubmitInput } from './submit';

export interface Explanation {
  /** what would be asked, names resolved (full resource name) */
  ask: SubmitInput;
  /** the policy's answer */
  dryRun: DryRun;
  /**
   * Why submit would still refuse a request the policy lets through: the
   * sweep is not configured, or Google's read refuses it (the service or key
   * does not exist, the change would change nothing). Google's own error text
   * is never in it (SPEC §4).
   */
  blocked?: WardenError | undefined;
}

/** Refused before the policy is asked: a name that does not resolve (convert's finding). */
export type ExplainResult = { ok: true; explanation: Explanation } | { ok: false; error: WardenError };

export function createExplain(deps: AppDeps, kinds: Record<RequestKind, KindEffects>) {
  return async function explain(asked: SubmitInput): Promise<ExplainResult> {
    const resolved = await resolveAsk(deps, kinds, asked);
    if (!resolved.ok) return resolved;
    const { input, startsAt } = resolved;
    const policy = deps.policy();
    const { openRequests, activeGrants } = await submitGrounds(deps, input);
    const draft = { ...input, startsAt };
    const answer = await withFacts(
      deps.directory,
      policy,
      needsFor(policy, input),
      (facts) =>
        dryRun({ requester: input.requester, draft, openRequests, activeGrants, policy, facts, kinds: KIND_RULES, now: deps.clock.now() }),
      (d) => (d.outcome === 'refused' ? d.refusal : undefined),
    );
    if (answer.outcome === 'refused') return { ok: true, explanation: { ask: input, dryRun: answer } };
    const blocked = sweepProblem(deps, input) ?? (await googleProblem(kinds[input.kind], input));
    return { ok: true, explanation: { ask: input, dryRun: answer, blocked } };
  };
}

/** The kind's read-only check before anyone is asked (KindEffects.prepare), as submit makes it; its refusal, if any. */
async function googleProblem(kind: KindEffects, input: SubmitInput): Promise<WardenError | undefined> {
  try {
    const prepared = await prepareAsk(kind, input);
    return prepared.ok ? undefined : prepared.error;
  } catch (error) {
    // submit would fail the same way (a missing service, a failed read); a bug is not a refusal
    if (error instanceof WardenError) return error;
    throw error;
  }
}

/**
 * Authority decided again right before Google is touched
 * (decideAuthority's `apply` and `apply_extension` moments, src/domain/authority),
 * on the request as this process holds it under its lease, against the
 * policy in force and facts looked up now. A Slack lookup that fails is an
 * error (the caller retries later), never a "no".
 */
import { decideAuthority } from '../../domain/authority/decideAuthority';
import type { Refusal } from '../../domain/authority/refusal';
import { ErrorCode, type WardenError } from '../../domain/errors';
import type { AccessRequest } from '../../domain/request';
import { KIND_RULES } from '../../kinds/registry';
import { needsFor, withFacts } from '../authorityFacts';
import type { AppDeps } from '../deps';

export function createWeigh(deps: Pick<AppDeps, 'directory' | 'policy' | 'clock'>) {
  return async function weigh<M extends 'apply' | 'apply_extension'>(moment: M, request: AccessRequest) {
    const policy = deps.policy();
    const refusal = (d: { verdict: string; refusal?: Refusal }) => (d.verdict === 'refused' ? d.refusal : undefined);
    return withFacts(
      deps.directory,
      policy,
      needsFor(policy, request),
      (facts) => decideAuthority(moment, { request, policy, facts, kinds: KIND_RULES, now: deps.clock.now() }),
      refusal,
    );
  };
}

export type Weigh = ReturnType<typeof createWeigh>;

/** Why authority could not be weighed now (a Slack lookup failed, or kept lacking facts): retried later. */
export const NOT_WEIGHED = 'runwarden could not re-check the approvers with Slack; it will try again.';

/** Errors from Google worth another attempt by the sweep; anything else ends the work. */
export const RETRYABLE: ReadonlySet<WardenError['code']> = new Set<WardenError['code']>([
  ErrorCode.Conflict,
  ErrorCode.Upstream,
  ErrorCode.Unknown,
]);

/**
 * The sweep's periodic drift check (SPEC §10): for every active request not
 * yet due and not being worked on, is Google still as runwarden left it? One
 * read per resource (the service's IAM policy, or the service), however many
 * grants it carries. A request found otherwise ends (`revoked` by runwarden,
 * `outcome` saying what was found), nothing of the other change is touched,
 * and the requester and approvers are told.
 */
import { asWardenError, ErrorCode } from '../domain/errors';
import type { AccessRequest, RequestKind } from '../domain/request';
import type { AppDeps } from '../app/deps';
import type { KindEffects } from '../kinds/kind';
import type { Runner } from '../app/runner';

export interface DriftCheckResult {
  /** ids of requests ended for drift */
  drifted: string[];
  /** resources that could not be read (logged) */
  errors: string[];
}

export function createDriftCheck(deps: Pick<AppDeps, 'clock' | 'logger'>, runner: Runner, kinds: Record<RequestKind, KindEffects>) {
  return async function checkDrift(active: AccessRequest[]): Promise<DriftCheckResult> {
    const now = deps.clock.now().getTime();
    const watched = active.filter((r) => r.op === undefined && r.expiresAt !== undefined && r.expiresAt.getTime() > now);
    const byResource = new Map<string, AccessRequest[]>();
    for (const request of watched) {
      const key = `${request.kind} ${request.target}`;
      byResource.set(key, [...(byResource.get(key) ?? []), request]);
    }
    const result: DriftCheckResult = { drifted: [], errors: [] };
    for (const requests of byResource.values()) {
      const first = requests[0] as AccessRequest;
      try {
        const drifts = await kinds[first.kind].inspect(first.target, requests);
        for (const drift of drifts) {
          const checked = requests.find((r) => r.id === drift.id) as AccessRequest;
          const { outcome } = await runner.run(drift.id, {
            type: 'drift_found',
            observed: drift.observed,
            detail: drift.detail,
            checkedVersion: checked.updatedAt,
          });
          if (outcome.ok) result.drifted.push(drift.id);
        }
      } catch (error) {
        const failure = asWardenError(error);
        // A deleted service is dealt with at expiry (the access ended with it).
        if (failure.code === ErrorCode.ResourceNotFound) continue;
        result.errors.push(first.target);
        deps.logger.error('drift check failed', {
          target: first.target,
          requestIds: requests.map((r) => r.id),
          error: failure.operatorMessage,
        });
      }
    }
    return result;
  };
}

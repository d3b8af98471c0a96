/**
 * The scheduled sweep (POST /jobs/sweep, every minute): ends what expired,
 * finishes applies and reverts that were interrupted, times out stale pending
 * requests, re-posts approval messages that never made it, and reminds
 * approvers. Every step is a state-machine transition under a Firestore
 * transaction and lease, so two sweeps at once — or a sweep and a click —
 * never do the same work twice, and a second run finds nothing left to do.
 */
import type { AccessRequest } from '../domain/request';
import { approverIds, findRule, groupsToResolve } from '../domain/policy/evaluate';
import { reminderMessage } from '../adapters/slack/views/reminderMessage';
import type { AppDeps } from '../app/deps';
import type { Runner } from '../app/runner';
import { announce } from '../app/useCases/submit';
import { resolveGroups } from '../app/resolveGroups';

export interface SweepCounts {
  expired: number;
  revoked: number;
  drifted: number;
  applied: number;
  failed: number;
  timedOut: number;
  reminded: number;
  reposted: number;
  skipped: number;
  errors: number;
}

export function emptyCounts(): SweepCounts {
  return { expired: 0, revoked: 0, drifted: 0, applied: 0, failed: 0, timedOut: 0, reminded: 0, reposted: 0, skipped: 0, errors: 0 };
}

function leaseLive(request: AccessRequest, now: Date): boolean {
  return request.op !== undefined && request.op.leaseUntil.getTime() > now.getTime();
}

export function createSweep(deps: AppDeps, runner: Runner) {
  const { store, clock, settings, logger } = deps;

  function count(counts: SweepCounts, final: AccessRequest | undefined): void {
    if (!final) return void (counts.skipped += 1);
    if (final.result?.drift !== undefined && (final.status === 'expired' || final.status === 'revoked')) counts.drifted += 1;
    else if (final.status === 'expired') counts.expired += 1;
    else if (final.status === 'revoked') counts.revoked += 1;
    else if (final.status === 'active' || final.status === 'applied') counts.applied += 1;
    else if (final.status === 'failed') counts.failed += 1;
    else if (final.status === 'timed_out') counts.timedOut += 1;
  }

  async function endDue(request: AccessRequest, counts: SweepCounts): Promise<void> {
    const now = clock.now();
    const revoking = request.op?.type === 'revert' && request.op.intent === 'revoke';
    const due = request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime();
    if ((!revoking && !due) || leaseLive(request, now)) return;
    const { outcome, final } = await runner.run(request.id, { type: 'claim_revert', maxAttempts: settings.maxAttempts, ...runner.lease() });
    count(counts, outcome.ok ? final : undefined);
  }

  async function finishApply(request: AccessRequest, counts: SweepCounts): Promise<void> {
    if (leaseLive(request, clock.now())) return;
    const { outcome, final } = await runner.run(request.id, { type: 'claim_apply', maxAttempts: settings.maxAttempts, ...runner.lease() });
    count(counts, outcome.ok ? final : undefined);
  }

  async function tendPending(request: AccessRequest, counts: SweepCounts): Promise<void> {
    const now = clock.now().getTime();
    if (request.createdAt.getTime() + settings.pendingTimeoutSeconds * 1000 <= now) {
      const { outcome, final } = await runner.run(request.id, { type: 'timeout', pendingTimeoutSeconds: settings.pendingTimeoutSeconds });
      count(counts, outcome.ok ? final : undefined);
      return;
    }
    if (!request.message) {
      const posted = await announce(deps, request);
      if (posted.message) counts.reposted += 1;
      return;
    }
    const last = (request.lastRemindedAt ?? request.createdAt).getTime();
    if (last + settings.remindAfterSeconds * 1000 > now) return;
    const { outcome } = await runner.run(request.id, { type: 'reminded' });
    if (!outcome.ok) return;
    const policy = deps.policy();
    const match = findRule(policy, request.kind, request.target);
    const groups = await resolveGroups(deps.directory, groupsToResolve(policy, match?.rule));
    const waitingOn = approverIds(policy, request.approverGroup, groups).filter(
      (u) => u !== request.requester && !request.approvals.some((a) => a.approver === u),
    );
    await deps.chat.post(request.message.channel, { ...reminderMessage(outcome.next, waitingOn), threadTs: request.message.ts });
    counts.reminded += 1;
  }

  return async function sweep(): Promise<SweepCounts> {
    const counts = emptyCounts();
    const open = await store.listByStatus(['active', 'approved', 'pending']);
    for (const request of open) {
      try {
        if (request.status === 'active') await endDue(request, counts);
        else if (request.status === 'approved') await finishApply(request, counts);
        else await tendPending(request, counts);
      } catch (error) {
        counts.errors += 1;
        logger.error('sweep step failed', { requestId: request.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    logger.info('sweep finished', { ...counts });
    return counts;
  };
}

/**
 * The scheduled sweep (POST /jobs/sweep, every minute): ends what expired,
 * finishes applies and reverts that were interrupted, times out stale pending
 * requests, re-posts approval messages that never made it, and reminds
 * approvers — of pending requests, and of break-glass requests that await
 * review (whatever their status) —, tells requesters when the window of a
 * scheduled grant opens, and checks active requests for drift (one read per resource).
 * Every step is a state-machine transition under a Firestore
 * transaction and lease, so two sweeps at once — or a sweep and a click —
 * never do the same work twice, and a second run finds nothing left to do.
 */
import { asWardenError } from '../domain/errors';
import type { AccessRequest, RequestKind } from '../domain/request';
import type { KindHandler } from '../app/kinds/kindHandler';
import { createDriftCheck } from './checkDrift';
import { expiryWarningDue } from '../domain/expiryWarning';
import { approverIds, findRule, groupsToResolve } from '../domain/policy/evaluate';
import { reminderMessage } from '../adapters/slack/views/reminderMessage';
import { reviewReminder } from '../adapters/slack/views/reviewReminder';
import { windowOpenDue } from '../domain/schedule';
import type { AppDeps } from '../app/deps';
import type { Runner } from '../app/runner';
import { announce } from '../app/useCases/submit';
import { resolveGroups } from '../app/resolveGroups';

/**
 * What one sweep did, by what actually happened (the JSON of POST /jobs/sweep;
 * the ids behind each count are in the `sweep finished` log line):
 * expired / revoked / drifted — ended (drifted: someone else's change found and left alone);
 * applied — interrupted applies finished; retried — an apply or revert that failed and will be tried again;
 * failed — requests that ended failed; timedOut, reminded, reposted;
 * skipped — work another process holds or finished first; malformed — documents that do not validate;
 * errors — steps that threw (logged with the request id).
 */
export interface SweepCounts {
  expired: number;
  revoked: number;
  drifted: number;
  applied: number;
  retried: number;
  failed: number;
  timedOut: number;
  reminded: number;
  reviewReminded: number;
  windowsOpened: number;
  reposted: number;
  /** expiry warnings sent */
  warned: number;
  /** interrupted extensions taken over */
  extended: number;
  skipped: number;
  malformed: number;
  errors: number;
}

export type SweepTally = keyof SweepCounts;

export function emptyCounts(): SweepCounts {
  return { expired: 0, revoked: 0, drifted: 0, applied: 0, retried: 0, failed: 0, timedOut: 0, reminded: 0, reviewReminded: 0, windowsOpened: 0, reposted: 0, warned: 0, extended: 0, skipped: 0, malformed: 0, errors: 0 };
}

/** Which count a sweep step's result belongs to: the request's state after the step, not the step's intent. */
export function tallyOf(final: AccessRequest | undefined): SweepTally {
  if (!final) return 'skipped';
  if (final.result?.drift !== undefined && (final.status === 'expired' || final.status === 'revoked')) return 'drifted';
  switch (final.status) {
    case 'expired':
      return 'expired';
    case 'revoked':
      return 'revoked';
    case 'failed':
      return 'failed';
    case 'timed_out':
      return 'timedOut';
    case 'applied':
      return 'applied';
    case 'active':
      // still active after a revert: it failed and will be retried; after an apply: applied
      return final.op?.type === 'revert' ? 'retried' : 'applied';
    case 'approved':
      return 'retried';
    default:
      return 'skipped';
  }
}

/** One sweep's counts and, for the log, the request ids behind each. */
interface SweepRun {
  counts: SweepCounts;
  ids: Partial<Record<SweepTally, string[]>>;
}

function leaseLive(request: AccessRequest, now: Date): boolean {
  return request.op !== undefined && request.op.leaseUntil.getTime() > now.getTime();
}

export function createSweep(deps: AppDeps, runner: Runner, handlers: Record<RequestKind, KindHandler>) {
  const { store, clock, settings, logger } = deps;
  const checkDrift = createDriftCheck(deps, runner, handlers);

  function tally(run: SweepRun, what: SweepTally, id: string): void {
    run.counts[what] += 1;
    (run.ids[what] ??= []).push(id);
  }
  function count(run: SweepRun, final: AccessRequest | undefined, id: string): void {
    tally(run, tallyOf(final), id);
  }

  async function endDue(request: AccessRequest, run: SweepRun): Promise<void> {
    const now = clock.now();
    const revoking = request.op?.type === 'revert' && request.op.intent === 'revoke';
    const due = request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime();
    if ((!revoking && !due) || leaseLive(request, now)) return;
    const { outcome, final } = await runner.run(request.id, { type: 'claim_revert', maxAttempts: settings.maxAttempts, ...runner.lease() });
    count(run, outcome.ok ? final : undefined, request.id);
  }

  /** An active request: end it when due, finish an interrupted extension, or warn its requester once. */
  async function tendActive(request: AccessRequest, run: SweepRun): Promise<void> {
    const now = clock.now();
    const due = request.expiresAt !== undefined && request.expiresAt.getTime() <= now.getTime();
    if (request.op?.type === 'extend' && !due) {
      if (leaseLive(request, now)) return;
      const { outcome } = await runner.run(request.id, { type: 'claim_extend', maxAttempts: settings.maxAttempts, ...runner.lease() });
      if (outcome.ok) tally(run, 'extended', request.id);
      return;
    }
    await endDue(request, run);
    if (!due && expiryWarningDue(request, now)) {
      const { outcome } = await runner.run(request.id, { type: 'warn_expiry' });
      if (outcome.ok) tally(run, 'warned', request.id);
    }
  }

  async function finishApply(request: AccessRequest, run: SweepRun): Promise<void> {
    if (leaseLive(request, clock.now())) return;
    const { outcome, final } = await runner.run(request.id, { type: 'claim_apply', maxAttempts: settings.maxAttempts, ...runner.lease() });
    count(run, outcome.ok ? final : undefined, request.id);
  }

  async function tendPending(request: AccessRequest, run: SweepRun): Promise<void> {
    const now = clock.now().getTime();
    if (request.createdAt.getTime() + settings.pendingTimeoutSeconds * 1000 <= now) {
      const { outcome, final } = await runner.run(request.id, { type: 'timeout', pendingTimeoutSeconds: settings.pendingTimeoutSeconds });
      count(run, outcome.ok ? final : undefined, request.id);
      return;
    }
    if (!request.message) {
      const posted = await announce(deps, request);
      if (posted.message) tally(run, 'reposted', request.id);
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
    tally(run, 'reminded', request.id);
  }

  async function openWindow(request: AccessRequest, run: SweepRun): Promise<void> {
    if (!windowOpenDue(request, clock.now())) return;
    const { outcome } = await runner.run(request.id, { type: 'window_opened' });
    if (outcome.ok) tally(run, 'windowsOpened', request.id);
  }

  async function remindReview(request: AccessRequest, run: SweepRun): Promise<void> {
    const last = (request.lastRemindedAt ?? request.appliedAt ?? request.createdAt).getTime();
    if (!request.message || last + settings.remindAfterSeconds * 1000 > clock.now().getTime()) return;
    const { outcome } = await runner.run(request.id, { type: 'review_reminded' });
    if (!outcome.ok) return;
    const policy = deps.policy();
    const match = findRule(policy, request.kind, request.target);
    const groups = await resolveGroups(deps.directory, groupsToResolve(policy, match?.rule));
    const approvers = approverIds(policy, request.approverGroup, groups);
    await deps.chat.post(request.message.channel, { ...reviewReminder(outcome.next, approvers), threadTs: request.message.ts });
    tally(run, 'reviewReminded', request.id);
  }

  return async function sweep(): Promise<SweepCounts> {
    const run: SweepRun = { counts: emptyCounts(), ids: {} };
    const { requests: open, malformed } = await store.listByStatus(['active', 'approved', 'pending']);
    for (const bad of malformed) {
      tally(run, 'malformed', bad.id);
      logger.error('sweep skipped a malformed request document', { requestId: bad.id, problem: bad.problem });
    }
    for (const request of open) {
      try {
        if (request.status === 'active') await openWindow(request, run);
        if (request.status === 'active') await tendActive(request, run);
        else if (request.status === 'approved') await finishApply(request, run);
        else await tendPending(request, run);
      } catch (error) {
        tally(run, 'errors', request.id);
        logger.error('sweep step failed', { requestId: request.id, error: asWardenError(error).operatorMessage });
      }
    }
    // One read per resource for every active request not yet due: someone else's change ends the request.
    const drift = await checkDrift(open.filter((r) => r.status === 'active' && !run.ids.expired?.includes(r.id)));
    for (const id of drift.drifted) tally(run, 'drifted', id);
    for (const target of drift.errors) tally(run, 'errors', target);
    const glass = await store.listAwaitingReview();
    for (const bad of glass.malformed) tally(run, 'malformed', bad.id);
    for (const request of glass.requests) {
      try {
        await remindReview(request, run);
      } catch (error) {
        tally(run, 'errors', request.id);
        logger.error('break-glass review reminder failed', { requestId: request.id, error: asWardenError(error).operatorMessage });
      }
    }
    const done = run.counts;
    const trouble = done.failed + done.errors + done.malformed + done.retried + done.drifted > 0;
    logger[trouble ? 'warn' : 'info']('sweep finished', { counts: { ...done }, ids: run.ids });
    return done;
  };
}

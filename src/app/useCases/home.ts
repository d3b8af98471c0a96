/**
 * App Home (SPEC §9): what one user sees in runwarden's Home tab — their
 * active grants, their pending requests, what waits for their approval
 * (requests and extensions), break-glass grants waiting for their review, and their recent history — published with
 * views.publish when they open the tab and again after every transition of
 * one of their requests (and, for approvers, when what waits for them changed).
 */
import { extensionsUsed, openExtension } from '../../domain/extensions';
import { findRule, groupsToResolve, isApprover } from '../../domain/policy/evaluate';
import { FINAL_STATUSES, type AccessRequest } from '../../domain/request';
import { homeView, type HomeData } from '../../adapters/slack/views/homeView';
import type { AppDeps } from '../deps';
import { resolveGroups } from '../resolveGroups';
import type { Listing } from './queries';

export const HISTORY_SIZE = 10;

export function createHome(deps: AppDeps, list: (user: string) => Promise<Listing>) {
  async function extensionsAwaiting(user: string): Promise<AccessRequest[]> {
    const { requests } = await deps.store.listByStatus(['active']);
    const policy = deps.policy();
    const candidates = requests
      .filter((r) => r.requester !== user && openExtension(r)?.status === 'pending' && !openExtension(r)?.approvals.some((a) => a.approver === user))
      .map((request) => ({ request, rule: findRule(policy, request.kind, request.target)?.rule }));
    const groups = await resolveGroups(deps.directory, candidates.flatMap((c) => (c.rule ? groupsToResolve(policy, c.rule) : [])));
    return candidates.filter((c) => c.rule !== undefined && isApprover(policy, c.rule.approvers, user, groups)).map((c) => c.request);
  }

  /** Everything the user's Home tab shows, read now. */
  async function data(user: string): Promise<HomeData> {
    const [listing, extensions, finals] = await Promise.all([
      list(user),
      extensionsAwaiting(user),
      deps.store.listByRequester(user, [...FINAL_STATUSES]),
    ]);
    const policy = deps.policy();
    const extendable = new Set(
      listing.mine
        .filter((r) => r.status === 'active' && r.expiresAt !== undefined && !openExtension(r))
        .filter((r) => extensionsUsed(r) < (findRule(policy, r.kind, r.target)?.rule.maxExtensions ?? 0))
        .map((r) => r.id),
    );
    const history = [...finals.requests].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()).slice(0, HISTORY_SIZE);
    return {
      active: listing.mine.filter((r) => r.status === 'active'),
      pending: listing.mine.filter((r) => r.status !== 'active'),
      awaiting: listing.awaitingMe,
      extensionsAwaiting: extensions,
      awaitingReview: listing.awaitingReview,
      history,
      extendable,
    };
  }

  /** views.publish of the user's Home tab; best effort (a failure is logged, never thrown). */
  async function publish(user: string): Promise<void> {
    try {
      await deps.views.publishHome(user, homeView(await data(user), deps.clock.now(), deps.settings.slashCommand));
    } catch (error) {
      deps.logger.warn('could not publish App Home', { user, error: error instanceof Error ? error.message : String(error) });
    }
  }

  return { data, publish };
}

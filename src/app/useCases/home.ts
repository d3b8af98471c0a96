/**
 * App Home (SPEC §9): what one user sees in runwarden's Home tab — their
 * active grants, their pending requests, what waits for their approval
 * (requests and extensions), break-glass grants waiting for their review, and
 * their recent history — published with views.publish when they open the tab
 * and again after transitions of their requests (and, for approvers, when
 * what waits for them changed; the sweep publishes each user's once per run).
 *
 * Every read is bounded and indexed, whatever the user's or the workspace's
 * number of requests: each of the user's sections is its most recent
 * HOME_MAX_ITEMS (what the view shows) plus an aggregation count for its
 * header; what waits for the user's decision is found among at most
 * HOME_SCAN pending requests (oldest first), HOME_SCAN pending extensions and
 * HOME_SCAN break-glass requests awaiting review (in id order).
 */
import { extensionsUsed, openExtension } from '../../domain/extensions';
import { findRule } from '../../domain/authority/standing';
import { FINAL_STATUSES, type Status } from '../../domain/request';
import { HOME_MAX_ITEMS, homeView, type HomeData } from '../../adapters/slack/views/homeView';
import type { RequestListing } from '../../ports';
import type { AppDeps } from '../deps';
import { awaitingFrom } from './awaiting';
import { createPostureQueries } from './posture';

export const HISTORY_SIZE = 10;
/** Pending requests (and, apart, pending extensions) one Home publish reads at most to find what waits for the user. */
export const HOME_SCAN = 200;

const OPEN: readonly Status[] = ['pending', 'approved'];

export function createHome(deps: AppDeps) {
  const { store } = deps;
  const posture = createPostureQueries(deps);

  /** Everything the user's Home tab shows, read now (about eight bounded queries and the group lookups). */
  async function data(user: string): Promise<HomeData> {
    const recent = (statuses: readonly Status[], orderBy: 'createdAt' | 'updatedAt', limit: number) =>
      store.recentByRequester({ requester: user, statuses, orderBy, limit });
    // a posture approver's open findings (SPEC §11): best effort, never in the way of the user's own requests
    const postureSection = posture.home(user).catch((error: unknown) => {
      deps.logger.warn('could not read the posture findings for App Home', {
        user,
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    });
    const [active, activeTotal, open, openTotal, history, waiting, extensions, glass] = await Promise.all([
      recent(['active'], 'createdAt', HOME_MAX_ITEMS),
      store.countByRequester(user, ['active']),
      recent(OPEN, 'createdAt', HOME_MAX_ITEMS),
      store.countByRequester(user, OPEN),
      recent([...FINAL_STATUSES], 'updatedAt', HISTORY_SIZE),
      store.page({ status: 'pending', orderBy: 'createdAt', limit: HOME_SCAN }),
      store.listPendingExtensions(HOME_SCAN),
      store.listAwaitingReview({ limit: HOME_SCAN }),
    ]);
    const listings: RequestListing[] = [active, open, history, waiting, extensions, glass];
    for (const bad of listings.flatMap((l) => l.malformed)) {
      deps.logger.error('skipped a malformed request document', { requestId: bad.id, problem: bad.problem, reader: 'home' });
    }
    const awaited = await awaitingFrom(deps, user, [
      ...waiting.requests,
      ...glass.requests,
      ...extensions.requests.filter((r) => openExtension(r)?.status === 'pending'),
    ]);
    const decidable = awaited.filter((w) => w.awaited !== 'approve_extension').map((w) => w.request);
    const extensionsAwaiting = awaited.filter((w) => w.awaited === 'approve_extension').map((w) => w.request);
    const policy = deps.policy();
    const extendable = new Set(
      active.requests
        .filter((r) => r.expiresAt !== undefined && !openExtension(r))
        .filter((r) => extensionsUsed(r) < (findRule(policy, r.kind, r.target)?.rule.maxExtensions ?? 0))
        .map((r) => r.id),
    );
    return {
      active: active.requests,
      pending: open.requests,
      awaiting: decidable.filter((r) => r.status === 'pending'),
      extensionsAwaiting,
      awaitingReview: decidable.filter((r) => r.status !== 'pending'),
      history: history.requests,
      extendable,
      totals: { active: activeTotal, pending: openTotal },
      awaitingPartial:
        waiting.next !== undefined || glass.next !== undefined || extensions.requests.length + extensions.malformed.length >= HOME_SCAN,
      posture: await postureSection,
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

/**
 * Read-only use cases: `/warden list` and `/warden status <id>`. Who may read
 * a request and what waits for whom are the authority decision's call
 * (src/domain/authority: `read`, awaiting.ts); anyone who may not read a
 * request is told there is no such request, as for an unknown id (SPEC §4).
 */
import { decideAuthority } from '../../domain/authority/decideAuthority';
import type { AccessRequest, AuditEvent } from '../../domain/request';
import { needsFor, withFacts } from '../authorityFacts';
import { awaitingFrom } from './awaiting';
import type { AppDeps } from '../deps';
import { KIND_RULES } from '../../kinds/registry';
import { HOME_SCAN } from './home';

/** The user's open requests and grants `/warden list` shows at most (its view shows fewer). */
export const LIST_MINE = 50;

export interface Listing {
  mine: AccessRequest[];
  awaitingMe: AccessRequest[];
  /** break-glass requests the user may review (as an approver of any step of the rule), not yet reviewed */
  awaitingReview: AccessRequest[];
}

export function createQueries(deps: AppDeps) {
  /**
   * Bounded, indexed reads whatever the workspace's size (as App Home's): the
   * user's most recent LIST_MINE open requests and grants, and what waits for
   * them among the HOME_SCAN oldest pending requests and HOME_SCAN break-glass
   * requests awaiting review.
   */
  async function list(user: string): Promise<Listing> {
    const [own, open, glass] = await Promise.all([
      deps.store.recentByRequester({
        requester: user,
        statuses: ['pending', 'approved', 'active'],
        orderBy: 'createdAt',
        limit: LIST_MINE,
      }),
      deps.store.page({ status: 'pending', orderBy: 'createdAt', limit: HOME_SCAN }),
      deps.store.listAwaitingReview({ limit: HOME_SCAN }),
    ]);
    for (const bad of [...own.malformed, ...open.malformed, ...glass.malformed]) {
      deps.logger.error('skipped a malformed request document', { requestId: bad.id, problem: bad.problem, reader: 'list' });
    }
    const waiting = await awaitingFrom(deps, user, [...open.requests, ...glass.requests]);
    return {
      // oldest first, as they were asked for
      mine: [...own.requests].reverse(),
      awaitingMe: waiting.filter((w) => w.awaited === 'approve').map((w) => w.request),
      awaitingReview: waiting.filter((w) => w.awaited === 'review').map((w) => w.request),
    };
  }

  /** One request with its history, if `reader` may read it (SPEC §4); undefined for an unknown id and for one they may not. */
  async function status(id: string, reader: string): Promise<{ request: AccessRequest; events: AuditEvent[] } | undefined> {
    const request = await deps.store.get(id);
    if (!request) return undefined;
    const policy = deps.policy();
    const decision = await withFacts(
      deps.directory,
      policy,
      { ...needsFor(policy, request, [reader]), people: [reader] },
      (facts) => decideAuthority('read', { actor: reader, request, policy, facts, kinds: KIND_RULES, now: deps.clock.now() }),
      (d) => (d.verdict === 'refused' ? d.refusal : undefined),
    );
    if (decision.verdict === 'refused') {
      if (decision.refusal.code !== 'not_visible')
        deps.logger.warn('could not decide who may read a request', { requestId: id, reason: decision.refusal.code });
      return undefined;
    }
    return { request, events: await deps.store.events(id) };
  }

  return { list, status };
}

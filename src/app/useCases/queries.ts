/**
 * Read-only use cases: `/warden list` and `/warden status <id>`. Who may read
 * a request and what waits for whom are the authority decision's call
 * (src/domain/authority: `read`, awaiting.ts); anyone who may not read a
 * request is told there is no such request, as for an unknown id (SPEC §4).
 */
import { awaitedFrom, type Awaited } from '../../domain/authority/awaiting';
import { decideAuthority } from '../../domain/authority/decideAuthority';
import { groupsToGather } from '../../domain/authority/facts';
import { findRule } from '../../domain/authority/standing';
import type { AccessRequest, AuditEvent } from '../../domain/request';
import { gatherFacts, needsFor, withFacts } from '../authorityFacts';
import type { AppDeps } from '../deps';

export interface Listing {
  mine: AccessRequest[];
  awaitingMe: AccessRequest[];
  /** break-glass requests the user may review (as an approver of any step of the rule), not yet reviewed */
  awaitingReview: AccessRequest[];
}

/**
 * Which of `requests` wait for `user`'s decision, and what: approval of the
 * current step, of an extension, or a review. Each user group is looked up
 * once, however many requests name it.
 */
export async function awaitingFrom(deps: AppDeps, user: string, requests: readonly AccessRequest[]): Promise<Array<{ request: AccessRequest; awaited: Awaited }>> {
  if (requests.length === 0) return [];
  const policy = deps.policy();
  const groups = requests.flatMap((request) => groupsToGather(policy, findRule(policy, request.kind, request.target)?.rule));
  const facts = await gatherFacts(deps.directory, policy, { groups, people: [user] });
  const unique = [...new Map(requests.map((request) => [request.id, request])).values()];
  return unique.flatMap((request) => awaitedFrom(policy, facts, request, user).map((awaited) => ({ request, awaited })));
}

export function createQueries(deps: AppDeps) {
  async function list(user: string): Promise<Listing> {
    const own = await deps.store.listByRequester(user, ['pending', 'approved', 'active']);
    const open = await deps.store.listByStatus(['pending']);
    const glass = await deps.store.listAwaitingReview();
    for (const bad of [...own.malformed, ...open.malformed, ...glass.malformed]) {
      deps.logger.error('skipped a malformed request document', { requestId: bad.id, problem: bad.problem, reader: 'list' });
    }
    const waiting = await awaitingFrom(deps, user, [...open.requests, ...glass.requests]);
    return {
      mine: own.requests,
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
      (facts) => decideAuthority('read', { actor: reader, request, policy, facts, now: deps.clock.now() }),
      (d) => (d.verdict === 'refused' ? d.refusal : undefined),
    );
    if (decision.verdict === 'refused') {
      if (decision.refusal.code !== 'not_visible') deps.logger.warn('could not decide who may read a request', { requestId: id, reason: decision.refusal.code });
      return undefined;
    }
    return { request, events: await deps.store.events(id) };
  }

  return { list, status };
}

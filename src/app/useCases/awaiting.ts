/**
 * What waits for one person's decision among some requests (`/warden list`,
 * App Home): the authority decision's awaiting.ts, with the facts it needs
 * looked up once — each user group once, however many requests name it.
 */
import { awaitedFrom, type Awaited } from '../../domain/authority/awaiting';
import { groupsToGather } from '../../domain/authority/facts';
import { findRule } from '../../domain/authority/standing';
import type { AccessRequest } from '../../domain/request';
import { gatherFacts } from '../authorityFacts';
import type { AppDeps } from '../deps';
import { KIND_RULES } from '../../kinds/registry';

/**
 * Which of `requests` wait for `user`'s decision, and what: approval of the
 * current step, of an extension, or a review. Each user group is looked up
 * once, however many requests name it.
 */
export async function awaitingFrom(
  deps: AppDeps,
  user: string,
  requests: readonly AccessRequest[],
): Promise<Array<{ request: AccessRequest; awaited: Awaited }>> {
  if (requests.length === 0) return [];
  const policy = deps.policy();
  const groups = requests.flatMap((request) => groupsToGather(policy, findRule(policy, request.kind, request.target)?.rule));
  const facts = await gatherFacts(deps.directory, policy, { groups, people: [user] });
  const unique = [...new Map(requests.map((request) => [request.id, request])).values()];
  return unique.flatMap((request) => awaitedFrom(policy, facts, KIND_RULES, request, user).map((awaited) => ({ request, awaited })));
}

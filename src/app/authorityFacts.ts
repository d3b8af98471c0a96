/**
 * The facts the pure authority checks need, looked up now: the members of
 * the Slack user groups a request's rule names (usergroups.users.list) and
 * the Google identity of each person involved — the policy's identities map,
 * else their Slack profile email (users.info). The directory reuses Slack's
 * answers for settings.directoryCacheSeconds (30 s; src/adapters/slack/
 * cachingDirectory.ts): a person removed from a user group loses their
 * authority within that time; one removed from the policy, at once.
 */
import { findRule, groupsToResolve } from '../domain/policy/evaluate';
import { identityEmail } from '../domain/policy/identity';
import type { AuthorityFacts } from '../domain/policy/authority';
import type { Policy } from '../domain/policy/schema';
import type { AccessRequest } from '../domain/request';
import type { DirectoryPort } from '../ports';
import { resolveGroups } from './resolveGroups';

/** Google identity emails of `users` (undefined for someone with neither a map entry nor a profile email). */
export async function identityEmails(directory: DirectoryPort, policy: Policy, users: readonly string[]): Promise<Map<string, string | undefined>> {
  const unique = [...new Set(users)];
  const emails = await Promise.all(
    unique.map(async (user) => identityEmail(policy, user, Object.hasOwn(policy.identities, user) ? undefined : await directory.emailOf(user))),
  );
  return new Map(unique.map((user, index) => [user, emails[index]]));
}

/**
 * Facts for re-checking `request`: the groups of the rule that matches it
 * now, and the identities of its requester, its approvers and `others`
 * (e.g. the person clicking). Throws what the directory throws.
 */
export async function gatherAuthorityFacts(
  directory: DirectoryPort,
  policy: Policy,
  request: Pick<AccessRequest, 'kind' | 'target' | 'requester' | 'approvals'>,
  others: readonly string[] = [],
): Promise<AuthorityFacts> {
  const match = findRule(policy, request.kind, request.target);
  const [groupMembers, emails] = await Promise.all([
    resolveGroups(directory, groupsToResolve(policy, match?.rule)),
    identityEmails(directory, policy, [request.requester, ...others, ...request.approvals.map((a) => a.approver)]),
  ]);
  return { groupMembers, emails };
}

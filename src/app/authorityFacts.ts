/**
 * The facts the authority decision (src/domain/authority) needs, looked up
 * before it: the members of the Slack user groups a rule names
 * (usergroups.users.list) and people's own Google identities — the policy's
 * identities map, else their Slack profile email (users.info). A decision
 * that finds a fact missing refuses with `facts_missing` and names it;
 * `withFacts` then looks it up and asks again, so nothing is decided on a
 * lookup that was not made. A lookup that fails throws (the directory's
 * error: "could not look people up in Slack… try again"); it never reads as
 * "no such member" or "no email".
 * The directory reuses Slack's answers for settings.directoryCacheSeconds
 * (30 s; src/adapters/slack/cachingDirectory.ts): a person removed from a
 * user group loses their authority within that time; one removed from the
 * policy, at once.
 */
import { groupsToGather, type AuthorityFacts, type MissingFacts } from '../domain/authority/facts';
import { findRule } from '../domain/authority/standing';
import { RefusedError } from '../domain/authority/refusedError';
import type { Refusal } from '../domain/authority/refusal';
import { identityEmail } from '../domain/policy/identity';
import type { Policy } from '../domain/policy/schema';
import type { AccessRequest } from '../domain/request';
import type { TransitionOutcome } from '../domain/stateMachine';
import type { DirectoryPort } from '../ports';

/** What to look up: Slack user-group IDs and Slack user IDs. */
export interface Needs {
  groups: readonly string[];
  people: readonly string[];
}

/** How many times a decision may ask for more facts before its `facts_missing` stands. */
const ROUNDS = 3;

/** Google identity emails of `users` (undefined for someone with neither a map entry nor a profile email). */
export async function identityEmails(
  directory: DirectoryPort,
  policy: Policy,
  users: readonly string[],
): Promise<Map<string, string | undefined>> {
  const unique = [...new Set(users)];
  const emails = await Promise.all(
    unique.map(async (user) =>
      identityEmail(policy, user, Object.hasOwn(policy.identities, user) ? undefined : await directory.emailOf(user)),
    ),
  );
  return new Map(unique.map((user, index) => [user, emails[index]]));
}

/** `known` plus whatever of `needs` it lacks, looked up now. */
export async function gatherFacts(directory: DirectoryPort, policy: Policy, needs: Needs, known?: AuthorityFacts): Promise<AuthorityFacts> {
  const groups = [...new Set(needs.groups)].filter((id) => !known?.groupMembers.has(id));
  const people = [...new Set(needs.people)].filter((user) => !known?.emails.has(user));
  const [members, emails] = await Promise.all([
    Promise.all(groups.map((id) => directory.membersOf(id))),
    identityEmails(directory, policy, people),
  ]);
  return {
    groupMembers: new Map([
      ...(known?.groupMembers ?? []),
      ...groups.map((id, index): [string, readonly string[]] => [id, members[index] ?? []]),
    ]),
    emails: new Map([...(known?.emails ?? []), ...emails]),
  };
}

/**
 * What a decision about `request` (or a draft of `kind` on `target`) will
 * usually need: every group its rule names (all steps, requesters,
 * autoApprove, breakGlass, auditors) and the identities of its requester,
 * the people who approved it or its extensions, and `actors`.
 */
export function needsFor(
  policy: Policy,
  request: Pick<AccessRequest, 'kind' | 'target' | 'requester'> & Partial<Pick<AccessRequest, 'approvals' | 'extensions'>>,
  actors: readonly string[] = [],
): Needs {
  const rule = findRule(policy, request.kind, request.target)?.rule;
  const approvers = [...(request.approvals ?? []), ...(request.extensions ?? []).flatMap((e) => e.approvals)].map((a) => a.approver);
  return { groups: groupsToGather(policy, rule), people: [request.requester, ...actors, ...approvers] };
}

/** The facts a refusal says were missing, if it is a `facts_missing` refusal. */
export function missingOf(refusal: Refusal | undefined): MissingFacts | undefined {
  if (refusal?.code !== 'facts_missing' || refusal.missing === undefined) return undefined;
  return { groups: new Set(refusal.missing.groups), people: new Set(refusal.missing.people) };
}

/** The authority refusal inside a transition's outcome, if any. */
export function refusalOf(outcome: TransitionOutcome): Refusal | undefined {
  return !outcome.ok && outcome.error instanceof RefusedError ? outcome.error.refusal : undefined;
}

/**
 * Runs `attempt` on facts for `needs`; when its answer (`refusal` of it) is
 * `facts_missing`, looks up what was missing and tries again, up to three
 * rounds. Returns the last answer.
 */
export async function withFacts<T>(
  directory: DirectoryPort,
  policy: Policy,
  needs: Needs,
  attempt: (facts: AuthorityFacts) => T | Promise<T>,
  refusal: (answer: T) => Refusal | undefined,
): Promise<T> {
  let facts = await gatherFacts(directory, policy, needs);
  let answer = await attempt(facts);
  for (let round = 1; round < ROUNDS; round += 1) {
    const missing = missingOf(refusal(answer));
    if (missing === undefined) return answer;
    facts = await gatherFacts(directory, policy, { groups: [...missing.groups], people: [...missing.people] }, facts);
    answer = await attempt(facts);
  }
  return answer;
}

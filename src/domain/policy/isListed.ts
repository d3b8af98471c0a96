/**
 * Whether a Slack user is among `entries` of the policy: "*", their user ID,
 * or a user group (S…) whose resolved members include them. Pure.
 */
import { SLACK_GROUP_ID } from './schema';

/** Slack user-group ID (S…) → its members' user IDs, looked up before a pure check runs. */
export type GroupMembers = ReadonlyMap<string, readonly string[]>;

export function isListed(entries: readonly string[], user: string, groupMembers: GroupMembers): boolean {
  return entries.some((entry) => entry === '*' || entry === user || (SLACK_GROUP_ID.test(entry) && (groupMembers.get(entry) ?? []).includes(user)));
}

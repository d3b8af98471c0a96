/**
 * Whether a Slack user is among `entries` of the policy: "*", their user ID,
 * or a user group (S…) whose resolved members include them. Pure.
 */
import { SLACK_GROUP_ID } from './schema';

export function isListed(entries: readonly string[], user: string, groupMembers: ReadonlyMap<string, readonly string[]>): boolean {
  return entries.some((entry) => entry === '*' || entry === user || (SLACK_GROUP_ID.test(entry) && (groupMembers.get(entry) ?? []).includes(user)));
}

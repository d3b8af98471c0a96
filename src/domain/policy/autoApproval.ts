/**
 * Auto-approval (SPEC §5 `autoApprove`, §9): a request — or an extension —
 * is approved by runwarden itself when its requester is listed in the
 * rule's `autoApprove.requesters` (a user ID, a member of a listed user
 * group, or "*") and it is time-bound for at most `autoApprove.maxDuration`.
 * Permanent changes (no duration) never qualify, and rotate rules cannot
 * carry autoApprove at all (refused at load). Pure.
 */
import { isListed, type GroupMembers } from './isListed';
import type { Rule } from './schema';

/** Actor recorded in `approvals` for an auto-approval (SPEC §7). */
export const AUTO_APPROVER = 'runwarden:auto';

/**
 * Whether `requester` asking for `durationSeconds` (a request's duration, or
 * an extension's) is auto-approved under `rule`. `groupMembers` holds the
 * resolved members of the user groups in autoApprove.requesters.
 */
export function qualifiesForAutoApproval(
  rule: Pick<Rule, 'autoApprove'>,
  requester: string,
  durationSeconds: number | undefined,
  groupMembers: GroupMembers,
): boolean {
  const auto = rule.autoApprove;
  if (auto === undefined || durationSeconds === undefined || durationSeconds <= 0) return false;
  return durationSeconds <= auto.maxDurationSeconds && isListed(auto.requesters, requester, groupMembers);
}

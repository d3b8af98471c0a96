/**
 * Extensions are checked again when they are applied, as a request is
 * (domain/policy/authority.ts): the request itself must still be allowed, and
 * the extension's approvals must still count. Pure.
 */
import { AUTO_APPROVER, qualifiesForAutoApproval } from '../domain/policy/autoApproval';
import { extensionsUsed } from '../domain/extensions';
import { recheckRequest, weighApprovals, type AuthorityFacts } from '../domain/policy/authority';
import { findRule } from '../domain/policy/evaluate';
import type { Policy } from '../domain/policy/schema';
import type { AccessRequest, Extension } from '../domain/request';

/**
 * Why an approved extension may no longer be applied, or undefined: the rule
 * still matches and allows this many extensions of this length; the request
 * is still allowed under the policy in force (requester, identity, member,
 * role, duration); and the extension's approvals that still count — by a
 * current approver who is neither the requester nor the member, per `facts`
 * (which must cover the extension's approvers) — reach what the policy needs now.
 * An auto-approved extension instead must still qualify for the rule's
 * autoApprove (its groups resolved in `facts.groupMembers`).
 */
export function recheckExtensionAtApply(policy: Policy, request: AccessRequest, extension: Extension, facts: AuthorityFacts): string | undefined {
  const match = findRule(policy, request.kind, request.target);
  if (!match) return `No policy rule allows ${request.kind} on ${request.target} any more.`;
  const { rule } = match;
  if (extensionsUsed(request) > rule.maxExtensions) return `The policy now allows at most ${rule.maxExtensions} extension(s) for ${request.target}.`;
  if (rule.maxDurationSeconds !== undefined && extension.durationSeconds > rule.maxDurationSeconds) {
    return `The policy now allows extensions of at most ${rule.maxDurationSeconds}s for ${request.target}.`;
  }
  // The extension stands on its own approvals, whatever decided the request itself.
  const authority = recheckRequest(policy, { ...request, approvals: extension.approvals, autoApproved: undefined }, facts);
  if (!authority.ok) return `The policy in force no longer allows this grant: ${authority.message}`;
  if (extension.autoApproved === true) {
    // It stands on the rule's autoApprove, which must still take this requester for this long.
    if (!qualifiesForAutoApproval(rule, request.requester, extension.durationSeconds, facts.groupMembers)) {
      return `The extension no longer qualifies for the rule's autoApprove for ${request.target}.`;
    }
    return undefined;
  }
  // runwarden:auto is never a person's approval (and is no approver: weighApprovals drops it too).
  const { counted, dropped } = weighApprovals(extension.approvals.filter((a) => a.approver !== AUTO_APPROVER), authority.standing);
  if (counted.length < authority.approvalsRequired) {
    const lost = dropped.map((d) => `<@${d.approver}> (${d.reason.replaceAll('_', ' ')})`).join(', ');
    return `The policy now needs ${authority.approvalsRequired} approval(s) for ${request.target}; this extension has ${counted.length} that still count${lost ? ` (no longer counting: ${lost})` : ''}.`;
  }
  return undefined;
}

/**
 * Extensions are checked again when they are applied (a request's own
 * re-check is domain/policy/authority.ts). Returns why the extension may no
 * longer be applied, or undefined.
 */
import type { Policy } from '../domain/policy/schema';
import { findRule } from '../domain/policy/evaluate';
import { extensionsUsed } from '../domain/extensions';
import type { AccessRequest, Extension } from '../domain/request';

/**
 * An approved extension is checked again before it is applied: the rule
 * still matches, still allows this many extensions of this length, and the
 * extension has the approvals the rule needs now.
 */
export function recheckExtensionAtApply(policy: Policy, request: AccessRequest, extension: Extension): string | undefined {
  const match = findRule(policy, request.kind, request.target);
  if (!match) return `No policy rule allows ${request.kind} on ${request.target} any more.`;
  const { rule } = match;
  if (extensionsUsed(request) > rule.maxExtensions) return `The policy now allows at most ${rule.maxExtensions} extension(s) for ${request.target}.`;
  if (rule.maxDurationSeconds !== undefined && extension.durationSeconds > rule.maxDurationSeconds) {
    return `The policy now allows extensions of at most ${rule.maxDurationSeconds}s for ${request.target}.`;
  }
  if (extension.approvals.length < rule.approvals) {
    return `The policy now needs ${rule.approvals} approvals for ${request.target}; this extension has ${extension.approvals.length}.`;
  }
  return undefined;
}

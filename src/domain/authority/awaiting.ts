/**
 * What waits for a person's decision (`/warden list`, App Home): a pending
 * request whose *current* step they may approve now, an extension they may
 * approve, a break-glass grant they may review. The same rules as the
 * decisions themselves (approvalStanding, decideReview), on the person alone:
 * it needs the groups of the requests' rules and the person's own identity,
 * not everyone else's. Pure.
 */
import type { AccessRequest } from '../request';
import { FactReader, type AuthorityFacts } from './facts';
import type { Policy } from '../policy/schema';
import { decideReview } from './manage';
import { openExtension } from './extension';
import { approvalStanding, findRule } from './standing';
import type { KindRulesTable } from './kindRules';

export type Awaited = 'approve' | 'approve_extension' | 'review';

/** What of `request` waits for `user` now (nothing, or one or more of: its approval, its extension's, its review); `kinds`: each kind's rules. */
export function awaitedFrom(policy: Policy, facts: AuthorityFacts, kinds: KindRulesTable, request: AccessRequest, user: string): Awaited[] {
  const r = new FactReader(policy, facts, kinds);
  const rule = findRule(policy, request.kind, request.target)?.rule;
  if (!rule) return [];
  const awaited: Awaited[] = [];
  if (request.status === 'pending') {
    const level = rule.steps[(request.step ?? 1) - 1];
    if (
      level !== undefined &&
      !request.approvals.some((a) => a.approver === user) &&
      approvalStanding(r, level.approvers, request, user) === null
    )
      awaited.push('approve');
  }
  const extension = openExtension(request);
  const [first] = rule.steps;
  if (request.status === 'active' && extension?.status === 'pending' && first !== undefined) {
    if (!extension.approvals.some((a) => a.approver === user) && approvalStanding(r, first.approvers, request, user) === null)
      awaited.push('approve_extension');
  }
  if (request.breakGlass === true && request.reviewedAt === undefined && decideReview(r, request, user).verdict === 'allowed')
    awaited.push('review');
  return awaited;
}

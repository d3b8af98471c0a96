/**
 * submit: may this request be filed, and how does it proceed? The rule that
 * covers it; the requester's identity; how many requests they already have
 * open; who may ask (plainly or by --break-glass); the kind's own fields;
 * durations; the reason rules; one person alone never gives access to
 * someone else (SPEC §5: another member is never auto-approved, never
 * break-glass); and every approval level must be reachable without the
 * requester and the member. Pure.
 */
import { identityEmail, memberEmail, resolveIdentity } from '../policy/identity';
import type { FactReader } from './facts';
import type { KindRules } from './kindRules';
import type { MomentInput, SubmitDecision } from './moments';
import type { Refusal } from './refusal';
import { decideRead } from './manage';
import { durationRefusal, findRule, qualifiesForAuto, reasonRefusal } from './standing';
import type { RequestKind } from '../request';

type SubmitInput = Extract<MomentInput, { moment: 'submit' }> & { now: Date };

const refused = (refusal: Refusal): SubmitDecision => ({ verdict: 'refused', refusal });

export function decideSubmit(r: FactReader, kinds: Readonly<Record<RequestKind, KindRules>>, input: SubmitInput): SubmitDecision {
  const { policy } = r;
  const { draft, actor: requester, now } = input;
  const found = findRule(policy, draft.kind, draft.target);
  if (!found) return refused({ code: 'no_matching_rule', kind: draft.kind, target: draft.target });
  const { rule, glob } = found;
  const own = r.email(requester);
  const identity = resolveIdentity(policy, requester, own);
  if (!identity.ok)
    return refused({ code: identity.reason, user: requester, email: identityEmail(policy, requester, own), domains: policy.domains });
  if (input.openRequests >= policy.maxOpenRequests)
    return refused({ code: 'too_many_open_requests', count: input.openRequests, limit: policy.maxOpenRequests });

  const glass = draft.breakGlass === true;
  const kind = kinds[draft.kind];
  if (glass) {
    if (!rule.breakGlass || !kind.breakGlass) return refused({ code: 'break_glass_not_allowed', kind: draft.kind, glob, rule: rule.name });
    if (!r.listed(rule.breakGlass.requesters, requester)) return refused({ code: 'not_a_break_glass_requester', glob, rule: rule.name });
  } else if (!r.listed(rule.requesters, requester)) {
    return refused({ code: 'not_a_requester', kind: draft.kind, glob, rule: rule.name });
  }
  const startDelaySeconds = draft.startsAt === undefined ? undefined : (draft.startsAt.getTime() - now.getTime()) / 1000;
  const fit = kind.fit(rule, { ...draft, startDelaySeconds }, { policy, requesterMember: identity.member, breakGlass: glass });
  if (!fit.ok) return refused({ ...fit.refusal, glob: fit.refusal.glob ?? glob });
  // Access the member already has (an active grant of the same role on the same target) is not asked for again.
  const held = alreadyGranted(r, input, fit.role, fit.member);
  if (held) return refused(held);
  const problem = durationRefusal(kind, rule, glob, draft.durationSeconds, glass) ?? reasonRefusal(rule.reason, draft.reason);
  if (problem) return refused(problem);

  // One person alone never gives access to someone else.
  const memberIsSelf = fit.member === undefined || fit.member === identity.member;
  if (glass && !memberIsSelf) return refused({ code: 'break_glass_for_another_member', member: fit.member, rule: rule.name });
  const auto = !glass && memberIsSelf && qualifiesForAuto(r, rule, requester, draft.durationSeconds);

  // Every level must be reachable without the requester and the member; one person counts in one level only.
  const granted = memberIsSelf || fit.member === undefined ? undefined : memberEmail(fit.member);
  const everyone = new Set<string>();
  for (const [index, step] of rule.steps.entries()) {
    const others = possibleApprovers(r, step.approvers, requester, granted);
    others.forEach((user) => everyone.add(user));
    if (others.length < step.approvals) {
      return refused({
        code: 'unreachable_approvals',
        group: step.approvers,
        step: index + 1,
        count: others.length,
        limit: step.approvals,
        member: granted === undefined ? undefined : fit.member,
      });
    }
  }
  const needed = rule.steps.reduce((sum, step) => sum + step.approvals, 0);
  if (rule.steps.length > 1 && everyone.size < needed)
    return refused({ code: 'unreachable_approvals', count: everyone.size, limit: needed, steps: rule.steps.map((s) => s.approvers) });

  const filing = {
    rule: { index: found.index, name: rule.name, rule },
    channel: rule.channel,
    steps: rule.steps,
    role: fit.role,
    member: fit.member,
  };
  if (glass) return { verdict: 'allowed', mode: 'break_glass', ...filing };
  if (auto) return { verdict: 'allowed', mode: 'auto', ...filing };
  return { verdict: 'wait', mode: 'approval', ...filing };
}

/**
 * The people of approver group `group` (user groups expanded) whose approval
 * of `requester`'s request could count: never the requester, and — when the
 * request grants another member (`granted`, its email lower-cased) — nobody
 * whose own identity is that member (nor anyone without a known identity).
 * Slack user IDs, in policy order.
 */
export function possibleApprovers(r: FactReader, group: string, requester: string, granted: string | undefined): string[] {
  return r.approvers(group).filter((user) => {
    if (user === requester) return false;
    if (granted === undefined) return true;
    const own = r.email(user);
    return own !== undefined && own !== granted;
  });
}

/**
 * Whether the draft's window — from its --start (else now) for its duration
 * — meets the grant's — from its start (a scheduled grant's window) until
 * its expiry. A grant that ends before the draft starts, or a scheduled one
 * that starts after the draft ends, leaves the draft its own access to ask for.
 */
function overlaps(grant: { startsAt?: Date | undefined; expiresAt?: Date | undefined }, draft: SubmitInput['draft'], now: Date): boolean {
  const from = (draft.startsAt ?? now).getTime();
  const to = draft.durationSeconds === undefined ? Infinity : from + draft.durationSeconds * 1000;
  const grantFrom = grant.startsAt?.getTime() ?? -Infinity;
  const grantTo = grant.expiresAt?.getTime() ?? Infinity;
  return grantFrom < to && from < grantTo;
}

/**
 * An active grant of `role` to `member` on the draft's target, whose window
 * meets the draft's, that the one
 * asking may read (its requester, its member, an approver of its rule, an
 * auditor: SPEC §4) — the refusal naming it, its end and who may extend it.
 * A grant they may not read is never named: the draft is decided as if it
 * were not there.
 */
function alreadyGranted(r: FactReader, input: SubmitInput, role: string | undefined, member: string | undefined): Refusal | undefined {
  if (role === undefined || member === undefined) return undefined;
  const { draft, actor } = input;
  for (const grant of input.activeGrants ?? []) {
    if (grant.status !== 'active' || grant.kind !== draft.kind || grant.target !== draft.target) continue;
    if (grant.role !== role || grant.member?.toLowerCase() !== member.toLowerCase()) continue;
    if (!overlaps(grant, draft, input.now)) continue;
    if (decideRead(r, grant, actor).verdict !== 'allowed') continue;
    return {
      code: 'already_granted',
      requestId: grant.id,
      kind: draft.kind,
      target: draft.target,
      role,
      member,
      until: grant.expiresAt,
      user: grant.requester,
      ownGrant: grant.requester === actor,
    };
  }
  return undefined;
}

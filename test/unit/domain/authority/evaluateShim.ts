/**
 * The submit decision in the shape the earlier evaluateRequest tests speak
 * (allowed + rule, approvers, mode; or reason + message), so their rows keep
 * checking the same cases and texts against decideAuthority('submit') and the
 * one refusal mapper. User groups not given resolve to no members; every
 * approver has an identity of their own.
 */
import { refusalText } from '../../../../src/adapters/slack/views/refusalText';
import { decideAuthority } from '../../../../src/domain/authority';
import { memberEmail } from '../../../../src/domain/policy/identity';
import { SLACK_GROUP_ID, type Policy } from '../../../../src/domain/policy/schema';
import type { RequestKind } from '../../../../src/domain/request';
import { KIND_RULES } from '../../../../src/kinds/registry';

export type GroupMembers = ReadonlyMap<string, readonly string[]>;

export interface RequestInput {
  kind: RequestKind;
  target: string;
  requester: string;
  role?: string | undefined;
  durationSeconds?: number | undefined;
  reason?: string | undefined;
  breakGlass?: boolean | undefined;
  startDelaySeconds?: number | undefined;
  rotationPeriodSeconds?: number | undefined;
  member?: string | undefined;
  /** the requester's own identity (`user:…`); undefined: runwarden knows none */
  requesterMember?: string | undefined;
}

const NOW = new Date('2026-11-22T12:00:00Z');

export function evaluateRequest(policy: Policy, input: RequestInput, groups: GroupMembers) {
  const named = [
    ...Object.values(policy.approverGroups).flat(),
    ...policy.rules.flatMap((r) => [...r.requesters, ...(r.autoApprove?.requesters ?? []), ...(r.breakGlass?.requesters ?? [])]),
  ];
  const groupMembers = new Map<string, readonly string[]>(
    named.filter((e) => SLACK_GROUP_ID.test(e)).map((id) => [id, groups.get(id) ?? []]),
  );
  const people = [
    ...Object.values(policy.approverGroups)
      .flat()
      .filter((e) => !SLACK_GROUP_ID.test(e)),
    ...[...groups.values()].flat(),
  ];
  const emails = new Map<string, string | undefined>(people.map((user) => [user, `${user.toLowerCase()}@acme.example`]));
  emails.set(input.requester, input.requesterMember === undefined ? undefined : memberEmail(input.requesterMember));
  const draft = {
    kind: input.kind,
    target: input.target,
    reason: input.reason ?? 'a reason',
    role: input.role,
    member: input.member,
    durationSeconds: input.durationSeconds,
    startsAt: input.startDelaySeconds === undefined ? undefined : new Date(NOW.getTime() + input.startDelaySeconds * 1000),
    rotationPeriodSeconds: input.rotationPeriodSeconds,
    breakGlass: input.breakGlass,
  };
  const decision = decideAuthority('submit', {
    actor: input.requester,
    draft,
    openRequests: 0,
    policy,
    facts: { groupMembers, emails },
    kinds: KIND_RULES,
    now: NOW,
  });
  if (decision.verdict === 'refused')
    return { allowed: false as const, reason: decision.refusal.code, message: refusalText(decision.refusal) };
  const [first] = decision.steps;
  return {
    allowed: true as const,
    ruleIndex: decision.rule.index,
    rule: decision.rule.rule,
    approverGroup: first?.approvers,
    approvalsRequired: first?.approvals,
    channel: decision.channel,
    role: decision.role,
    member: decision.member,
    mode: decision.mode,
  };
}

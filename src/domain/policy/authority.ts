/**
 * Authority, checked again after submission: at every click and at apply,
 * against the policy in force and Slack user groups as they are now. A
 * request stays allowed only if its rule still matches, its requester may
 * still ask (and still has a known identity in the policy's domains), its
 * member, role, duration and rotation period still fit; and an approval
 * counts only while its approver is a current approver who is neither the
 * requester nor the member being granted. Pure: group members and people's
 * Google identities come in as data (see src/app/authorityFacts.ts).
 */
import { approvalsInStep, type Approval, type AccessRequest } from '../request';
import { evaluateRequest, isApprover, type DecisionMode, type DenialReason, type GroupMembers } from './evaluate';
import { memberEmail, resolveIdentity } from './identity';
import type { Policy } from './schema';

/** Why a person's approval does not count. */
export type StandingReason = 'not_an_approver' | 'self_approval' | 'member_approval' | 'identity_unknown';

export interface AuthorityFacts {
  /** Slack user-group members, looked up now */
  groupMembers: GroupMembers;
  /** Slack user → Google identity email (identities map, else Slack profile email; undefined when unknown) */
  emails: ReadonlyMap<string, string | undefined>;
}

/** The verdict on a request now: still allowed, with whose approval counts; or no longer allowed, and why. */
export type Authority =
  | {
      ok: true;
      approverGroup: string;
      approvalsRequired: number;
      /** how the request proceeds now: break-glass and auto-approved requests stand without people's approvals */
      mode?: DecisionMode | undefined;
      /**
       * Multi-step requests: every step under the policy in force, with the
       * standing of the approvals given in it (approverGroup, approvalsRequired
       * and standing above are the current step's).
       */
      steps?: StepAuthority[] | undefined;
      /** per person weighed: null when their approval counts, else why not */
      standing: Readonly<Record<string, StandingReason | null>>;
    }
  | { ok: false; reason: DenialReason | 'identity_unknown' | 'identity_outside_domains' | 'steps_changed'; message: string };

export interface StepAuthority {
  /** 1-based */
  step: number;
  approverGroup: string;
  approvalsRequired: number;
  standing: Readonly<Record<string, StandingReason | null>>;
}

export type RecheckInput = Pick<
  AccessRequest,
  'kind' | 'target' | 'requester' | 'role' | 'member' | 'durationSeconds' | 'rotationPeriodSeconds' | 'approvals' | 'breakGlass' | 'autoApproved' | 'steps' | 'step'
>;

/**
 * Whether `user` may count towards `request` under `approverGroup`: a member
 * of the group now, not the requester, and not the identity being granted
 * (compared by email, case-insensitively). Fails closed: someone whose own
 * identity runwarden does not know (no identities entry, no Slack profile
 * email) cannot be told apart from the member, so does not count.
 */
export function approvalStanding(
  policy: Policy,
  approverGroup: string,
  request: Pick<AccessRequest, 'requester' | 'member'>,
  user: string,
  facts: AuthorityFacts,
): StandingReason | null {
  if (user === request.requester) return 'self_approval';
  if (!isApprover(policy, approverGroup, user, facts.groupMembers)) return 'not_an_approver';
  const granted = request.member === undefined ? undefined : memberEmail(request.member);
  const own = facts.emails.get(user);
  if (granted === undefined) return null;
  if (own === undefined) return 'identity_unknown';
  if (own.toLowerCase() === granted) return 'member_approval';
  return null;
}

/**
 * The request re-evaluated under `policy`, and the standing of every person
 * in `facts.emails` and of every approval already given.
 */
export function recheckRequest(policy: Policy, request: RecheckInput, facts: AuthorityFacts): Authority {
  const identity = resolveIdentity(policy, request.requester, facts.emails.get(request.requester));
  if (!identity.ok) return { ok: false, reason: identity.reason, message: `the requester's identity no longer qualifies: ${identity.message}` };
  const decision = evaluateRequest(
    policy,
    {
      kind: request.kind,
      target: request.target,
      requester: request.requester,
      role: request.role,
      durationSeconds: request.durationSeconds,
      rotationPeriodSeconds: request.rotationPeriodSeconds,
      member: request.member,
      requesterMember: identity.member,
      // a break-glass request stands on the rule's breakGlass (its requesters and maxDuration), not on approvals
      breakGlass: request.breakGlass === true,
    },
    facts.groupMembers,
  );
  if (!decision.allowed) return { ok: false, reason: decision.reason, message: decision.message };
  if (request.autoApproved === true && decision.mode !== 'auto') {
    return { ok: false, reason: 'no_longer_auto_approved', message: "it no longer qualifies for the rule's autoApprove" };
  }
  const levels = decision.rule.steps;
  const multiStep = levels.length > 1;
  if (multiStep !== (request.steps !== undefined) || (request.steps !== undefined && request.steps.length !== levels.length)) {
    return { ok: false, reason: 'steps_changed', message: "the rule's approval steps changed since the request was made" };
  }
  const weigh = (group: string, users: Iterable<string>): Record<string, StandingReason | null> => {
    const standing: Record<string, StandingReason | null> = {};
    for (const user of users) standing[user] = approvalStanding(policy, group, request, user, facts);
    return standing;
  };
  if (!multiStep) {
    const people = new Set([...facts.emails.keys(), ...request.approvals.map((a) => a.approver)]);
    const standing = weigh(decision.approverGroup, people);
    return { ok: true, approverGroup: decision.approverGroup, approvalsRequired: decision.approvalsRequired, mode: decision.mode, standing };
  }
  const steps: StepAuthority[] = levels.map((level, index) => ({
    step: index + 1,
    approverGroup: level.approvers,
    approvalsRequired: level.approvals,
    standing: weigh(level.approvers, approvalsInStep(request, index + 1).map((a) => a.approver)),
  }));
  const current = steps[(request.step ?? 1) - 1] ?? steps[0];
  if (current === undefined) return { ok: false, reason: 'steps_changed', message: "the rule's approval steps changed since the request was made" };
  const people = new Set([...facts.emails.keys(), ...approvalsInStep(request).map((a) => a.approver)]);
  const standing = weigh(current.approverGroup, people);
  return { ok: true, approverGroup: current.approverGroup, approvalsRequired: current.approvalsRequired, mode: decision.mode, standing, steps };
}

/**
 * Splits approvals into those that still count and those that do not. An
 * approver missing from `standing` (someone who approved after the facts were
 * gathered, checked at their own click) still counts.
 */
export function weighApprovals(
  approvals: readonly Approval[],
  standing: Readonly<Record<string, StandingReason | null>>,
): { counted: Approval[]; dropped: { approver: string; reason: StandingReason }[] } {
  const counted: Approval[] = [];
  const dropped: { approver: string; reason: StandingReason }[] = [];
  for (const approval of approvals) {
    const reason = Object.hasOwn(standing, approval.approver) ? standing[approval.approver] : null;
    if (reason) dropped.push({ approver: approval.approver, reason });
    else counted.push(approval);
  }
  return { counted, dropped };
}


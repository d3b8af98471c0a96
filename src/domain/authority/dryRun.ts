/**
 * The dry run of a request (`/warden explain`, `npm run policy -- explain`
 * and `test`): what submitting it now would do — the rule it falls under,
 * who would approve it (each level: the group, how many, the people whose
 * approval could count), whether runwarden would approve it itself or apply
 * it at once by break-glass, and whether --break-glass would be open to the
 * requester; or exactly why it would be refused. It asks the one authority
 * decision (decideAuthority, moment `submit`) — never a copy of its rules —
 * so its refusal is the refusal submit gives. Records nothing. Pure.
 */
import { memberEmail, resolveIdentity } from '../policy/identity';
import { decideAuthority } from './decideAuthority';
import { FactReader } from './facts';
import type { AccessRequest } from '../request';
import type { Grounds, SubmitDraft } from './moments';
import type { Refusal } from './refusal';
import { findRule } from './standing';
import { possibleApprovers } from './submit';

export interface DryRunInput extends Grounds {
  /** the Slack user who would ask */
  requester: string;
  /** the request as its command asks it, names resolved (SubmitDraft; startsAt in whole seconds) */
  draft: SubmitDraft;
  /** the requester's open (pending or approved) requests now; 0 where unknown (the policy CLI) */
  openRequests: number;
  /** the grants in force on the draft's target, as submit reads them; none where unknown (the policy CLI) */
  activeGrants?: readonly AccessRequest[] | undefined;
}

/** One approval level as it would be asked. */
export interface DryRunStep {
  /** the approver group's name (the policy's approverGroups key) */
  group: string;
  /** distinct approvals it needs */
  approvals: number;
  /** Slack user IDs whose approval could count: the group's people but the requester (and the member, for another member) */
  people: string[];
}

/** The rule a request falls under: its name (SPEC §5 `name`, or `<kind>#<position>`) and index in the policy's rules. */
export interface DryRunRule {
  name: string;
  index: number;
}

export type DryRun =
  | {
      /** approval: filed and waits for `steps`; auto: approved by runwarden itself and applied; break_glass: applied at once, reviewed afterwards */
      outcome: 'approval' | 'auto' | 'break_glass';
      rule: DryRunRule;
      /** where the approval request (or the announcement) would be posted */
      channel: string;
      steps: DryRunStep[];
      /** invoker: the role and member that would be granted */
      role?: string | undefined;
      member?: string | undefined;
      /**
       * For a request that would wait for approval: whether the same request
       * with --break-glass would be allowed (`true`) or why not; undefined
       * when the rule allows no break-glass at all, or --break-glass was asked.
       */
      breakGlass?: true | Refusal | undefined;
    }
  | {
      outcome: 'refused';
      /** exactly what submit would answer */
      refusal: Refusal;
      /** the rule the request falls under, when one matches its kind and target */
      rule?: DryRunRule | undefined;
    };

/**
 * What submitting `input.draft` as `input.requester` would do now under
 * `input.policy`, with `input.facts` (user-group members, identities). A fact
 * not given answers `refused` with `facts_missing` naming it (the caller
 * gathers it and asks again), as every authority decision does.
 */
export function dryRun(input: DryRunInput): DryRun {
  const { requester, draft, openRequests, activeGrants, policy, facts, kinds, now } = input;
  const grounds = { policy, facts, kinds, now, activeGrants };
  const found = findRule(policy, draft.kind, draft.target);
  const rule = found && { name: found.name, index: found.index };
  const decision = decideAuthority('submit', { actor: requester, draft, openRequests, ...grounds });
  if (decision.verdict === 'refused') return { outcome: 'refused', refusal: decision.refusal, rule };

  const r = new FactReader(policy, facts, kinds);
  const own = resolveIdentity(policy, requester, r.email(requester));
  const self = own.ok ? own.member : undefined;
  const granted = decision.member === undefined || decision.member === self ? undefined : memberEmail(decision.member);
  const steps = decision.steps.map((step) => ({
    group: step.approvers,
    approvals: step.approvals,
    people: possibleApprovers(r, step.approvers, requester, granted),
  }));
  let breakGlass: true | Refusal | undefined;
  if (decision.mode === 'approval' && decision.rule.rule.breakGlass !== undefined) {
    const glass = decideAuthority('submit', { actor: requester, draft: { ...draft, breakGlass: true }, openRequests, ...grounds });
    breakGlass = glass.verdict === 'refused' ? glass.refusal : true;
  }
  const lacking = r.lacksAny() ? r.missing : breakGlass !== true ? missingIn(breakGlass) : undefined;
  if (lacking)
    return {
      outcome: 'refused',
      refusal: { code: 'facts_missing', moment: 'submit', missing: { groups: [...lacking.groups], people: [...lacking.people] } },
      rule,
    };
  return {
    outcome: decision.mode,
    rule: { name: decision.rule.name, index: decision.rule.index },
    channel: decision.channel,
    steps,
    role: decision.role,
    member: decision.member,
    breakGlass,
  };
}

function missingIn(refusal: Refusal | undefined): { groups: Iterable<string>; people: Iterable<string> } | undefined {
  return refusal?.code === 'facts_missing' ? refusal.missing : undefined;
}

/**
 * The moments at which runwarden asks "who may do this, now?", what each
 * decision is given and what it answers. Every decision is a value:
 * `allowed` (it happens now), `wait` (it is recorded and waits for people),
 * or `refused` with a Refusal. Pure types.
 */
import type { Approval, AccessRequest, RequestKind } from '../request';
import type { Policy, Rule, Step } from '../policy/schema';
import type { AuthorityFacts } from './facts';
import type { Refusal, RefusalCode } from './refusal';

export { MOMENTS, type Moment } from './moment';
import type { Moment } from './moment';
import type { KindRulesTable } from './kindRules';

/** What every decision stands on: the policy in force, facts gathered before, and the time. */
export interface Grounds {
  policy: Policy;
  facts: AuthorityFacts;
  /** each request kind's own checks (src/kinds/<kind>/rules.ts), handed in by the app (src/kinds/registry.ts KIND_RULES) */
  kinds: KindRulesTable;
  now: Date;
}

/** A request as asked, before it is stored. */
export interface SubmitDraft {
  kind: RequestKind;
  /** full resource name */
  target: string;
  reason: string;
  role?: string | undefined;
  /** explicit --member; default the requester's own identity */
  member?: string | undefined;
  durationSeconds?: number | undefined;
  /** --start, in whole seconds */
  startsAt?: Date | undefined;
  rotationPeriodSeconds?: number | undefined;
  breakGlass?: boolean | undefined;
}

interface OnRequest {
  actor: string;
  /** the request as read in the transaction that records the outcome */
  request: AccessRequest;
}

/** What each moment is decided on, besides the grounds. */
export interface MomentArgs {
  submit: {
    actor: string;
    draft: SubmitDraft;
    /** the requester's open (pending or approved) requests now */
    openRequests: number;
    /**
     * The active requests of the draft's kind on its target, as read before
     * the decision (at most a bounded page): one granting the same role to
     * the same member answers the draft (`already_granted`) instead of a
     * second grant. Absent: not checked (a dry run that did not read them).
     */
    activeGrants?: readonly AccessRequest[] | undefined;
  };
  approve: OnRequest;
  deny: OnRequest;
  cancel: OnRequest;
  revoke: OnRequest;
  review: OnRequest;
  read: OnRequest;
  extend: OnRequest & { durationSeconds: number; reason: string };
  approve_extension: OnRequest & { n: number };
  deny_extension: OnRequest & { n: number };
  apply: { request: AccessRequest };
  apply_extension: { request: AccessRequest };
}

export type MomentInput = { [M in Moment]: { moment: M } & MomentArgs[M] }[Moment];

/** A rule and where it is: its name is what messages and the audit trail show. */
export interface RuleRef {
  index: number;
  name: string;
  rule: Rule;
}

export interface Refused {
  verdict: 'refused';
  refusal: Refusal;
}

/** How a request that may be filed proceeds. */
export type FilingMode = 'approval' | 'auto' | 'break_glass';

/** What a request that may be filed is filed with. */
export interface Filing {
  mode: FilingMode;
  rule: RuleRef;
  channel: string;
  /** every approval level of the rule (one for a rule without steps) */
  steps: Step[];
  /** invoker */
  role?: string | undefined;
  member?: string | undefined;
}

/** submit: `allowed` = applied at once (auto-approved or break-glass); `wait` = filed for approval. */
export type SubmitDecision =
  | Refused
  | ({ verdict: 'allowed'; mode: 'auto' | 'break_glass' } & Omit<Filing, 'mode'>)
  | ({ verdict: 'wait'; mode: 'approval' } & Omit<Filing, 'mode'>);

/** An earlier approval that no longer counts, and why. */
export interface Dropped {
  approver: string;
  reason: Extract<RefusalCode, 'self_approval' | 'not_an_approver' | 'member_approval' | 'approver_identity_unknown'>;
}

/** The approvals of one level, weighed under the policy in force. */
export interface Weighed {
  /** 1-based; undefined for a rule without steps */
  step?: number | undefined;
  approverGroup: string;
  approvalsRequired: number;
  /** earlier approvals of this level that still count */
  kept: Approval[];
  dropped: Dropped[];
}

/** approve: `allowed` = this approval completes the last level (apply now); `wait` = counted, more are needed (`next`: the next level is asked). */
export type ApproveDecision =
  | Refused
  | ({
      verdict: 'allowed' | 'wait';
      rule: RuleRef;
      next?: { step: number; approverGroup: string; approvalsRequired: number } | undefined;
    } & Weighed);

export type PlainDecision = Refused | { verdict: 'allowed' };

/** extend: `allowed` = auto-approved under the rule's autoApprove; `wait` = put up for the approvers. */
export type ExtendDecision = Refused | { verdict: 'allowed' | 'wait'; rule: RuleRef; approverGroup: string; approvalsRequired: number };

/** approve_extension: `allowed` = this approval completes it (apply now); `wait` = counted, more needed. */
export type ApproveExtensionDecision = Refused | ({ verdict: 'allowed' | 'wait'; rule: RuleRef } & Weighed);

/** apply: `wait` = approvals no longer all count (back to pending); refused = it must not be applied. */
export type ApplyDecision =
  Refused | { verdict: 'allowed'; rule: RuleRef } | { verdict: 'wait'; rule: RuleRef; approvalsRequired: number; dropped: Dropped[] };

/** Who a reader is to the request (SPEC §4 "who may read what"). */
export type Reader = 'requester' | 'member' | 'approver' | 'auditor';
export type ReadDecision = Refused | { verdict: 'allowed'; as: Reader };

export type DecisionFor<M extends Moment> = M extends 'submit'
  ? SubmitDecision
  : M extends 'approve'
    ? ApproveDecision
    : M extends 'extend'
      ? ExtendDecision
      : M extends 'approve_extension'
        ? ApproveExtensionDecision
        : M extends 'apply'
          ? ApplyDecision
          : M extends 'read'
            ? ReadDecision
            : PlainDecision;

export type AuthorityDecision = DecisionFor<Moment>;

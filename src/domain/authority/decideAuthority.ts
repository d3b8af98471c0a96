/**
 * The one answer to "who may do this, now?". Every moment of a request's life
 * — submit; approve, deny, cancel, revoke, review; extend and decide an
 * extension; apply a request or an extension; read — is decided here, from
 * the policy in force, the request as read in the transaction that records
 * the outcome (or the draft, at submit), the actor, and facts gathered
 * before (Slack user groups, people's Google identities). The answer is a
 * value: allowed, wait, or refused with a reason code. Nothing is recorded
 * here, so anyone may ask "what would happen" (a dry run) with the same call.
 *
 * Pure: no I/O, no clock (now is in the grounds). A fact the decision needs
 * and was not given fails closed as `facts_missing`, naming what to gather.
 */
import { decideApprove, decideDeny } from './approval';
import { decideApply } from './apply';
import { decideApplyExtension, decideApproveExtension, decideDenyExtension, decideExtend } from './extension';
import { FactReader } from './facts';
import type { KindRulesTable } from './kindRules';
import { decideCancel, decideRead, decideReview, decideRevoke } from './manage';
import type { AuthorityDecision, DecisionFor, Grounds, Moment, MomentArgs, MomentInput } from './moments';
import { decideSubmit } from './submit';

/** What moment M is decided on, besides the grounds. */
export type MomentOf<M extends Moment> = MomentArgs[M];

/**
 * The decision at `moment` on `input` (the actor, the request as read in the
 * transaction or the draft, and the grounds: policy in force, facts, now).
 * The grounds' `kinds` hold each request kind's own checks (kindRules.ts).
 */
export function decideAuthority<M extends Moment>(moment: M, input: MomentOf<M> & Grounds): DecisionFor<M> {
  const r = new FactReader(input.policy, input.facts, input.kinds);
  // MomentArgs[M] with its moment put back is the MomentInput variant of M.
  const decision = decideMoment(r, input.kinds, { ...input, moment } as unknown as MomentInput & Grounds);
  if (r.lacksAny()) {
    const missing = { groups: [...r.missing.groups], people: [...r.missing.people] };
    return narrowed<M>({ verdict: 'refused', refusal: { code: 'facts_missing', moment, missing } });
  }
  if (decision.verdict === 'refused') return narrowed<M>({ ...decision, refusal: { ...decision.refusal, moment } });
  return narrowed<M>(decision);
}

/**
 * decideMoment's branch for moment M returns DecisionFor<M> (each branch is
 * type-checked against its own decision type), and a refusal belongs to every
 * DecisionFor<M>; TypeScript cannot follow a switch on a generic, hence this one cast.
 */
function narrowed<M extends Moment>(decision: AuthorityDecision): DecisionFor<M> {
  return decision as DecisionFor<M>;
}

function decideMoment(r: FactReader, kinds: KindRulesTable, input: MomentInput & Grounds): AuthorityDecision {
  switch (input.moment) {
    case 'submit':
      return decideSubmit(r, kinds, input);
    case 'approve':
      return decideApprove(r, kinds, input.request, input.actor);
    case 'deny':
      return decideDeny(r, input.request, input.actor);
    case 'cancel':
      return decideCancel(r, input.request, input.actor);
    case 'revoke':
      return decideRevoke(r, input.request, input.actor, input.now);
    case 'review':
      return decideReview(r, input.request, input.actor);
    case 'read':
      return decideRead(r, input.request, input.actor);
    case 'extend':
      return decideExtend(r, kinds, input.request, input.actor, input.durationSeconds, input.reason, input.now);
    case 'approve_extension':
      return decideApproveExtension(r, kinds, input.request, input.actor, input.n, input.now);
    case 'deny_extension':
      return decideDenyExtension(r, input.request, input.actor, input.n, input.now);
    case 'apply':
      return decideApply(r, kinds, input.request, input.now);
    case 'apply_extension':
      return decideApplyExtension(r, kinds, input.request);
  }
}

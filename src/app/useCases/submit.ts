/**
 * Submit: a request is checked against the policy (who may ask, for what,
 * for how long, with what reason), the member's identity is resolved, Google
 * is read so that meaningless changes are refused before anyone is asked, and
 * only then is the request stored and posted to the approvers' channel.
 * The slash command and the request form both come through here, so every
 * check (justification rules included) is the same for both.
 * An auto-approved or break-glass request is applied at once (under a lease,
 * through the runner) and then announced (SPEC §9). The announcement waits in
 * the request's outbox until Slack accepts it.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { decideAuthority } from '../../domain/authority/decideAuthority';
import { RefusedError } from '../../domain/authority/refusedError';
import type { SubmitDecision } from '../../domain/authority/moments';
import type { Refusal } from '../../domain/authority/refusal';
import { identityEmail, resolveIdentity } from '../../domain/policy/identity';
import type { AccessRequest, KindRecordFields, RequestKind } from '../../domain/request';
import { newRequestId } from '../../domain/requestId';
import { titleFor } from '../../domain/iamCondition';
import { enqueue } from '../../domain/outbox';
import { needsFor, withFacts } from '../authorityFacts';
import type { AppDeps } from '../deps';
import type { KindEffects } from '../../kinds/kind';
import type { Runner } from '../runner';
import { KIND_RULES, kindOf } from '../../kinds/registry';

export interface SubmitInput {
  requester: string;
  kind: RequestKind;
  /** full resource name */
  target: string;
  reason: string;
  durationSeconds?: number | undefined;
  role?: string | undefined;
  /** explicit --member; default: the requester's own identity */
  member?: string | undefined;
  value?: string | undefined;
  rotationPeriodSeconds?: number | undefined;
  /** --break-glass */
  breakGlass?: boolean | undefined;
  /** --start: when a scheduled invoker grant begins */
  startsAt?: Date | undefined;
  /** convert: the posture finding (its kind's resolve() names the target) */
  finding?: string | undefined;
}

export type SubmitResult = { ok: true; request: AccessRequest } | { ok: false; error: WardenError };

/**
 * How many of a target's active requests submit reads to find a grant the
 * member already has (one indexed page, the soonest-ending first); past it,
 * a duplicate is filed as before.
 */
const ACTIVE_GRANTS_READ = 200;

/** Requests that count against the policy's maxOpenRequests: waiting for approval or being applied. */
export const OPEN = ['pending', 'approved'] as const;

export function createSubmit(deps: AppDeps, kinds: Record<RequestKind, KindEffects>, runner: Runner) {
  /**
   * The authority decision on the draft (src/domain/authority/submit.ts):
   * who may ask for what, how it proceeds, with every fact it needs looked up.
   */
  async function decide(input: SubmitInput, startsAt: Date | undefined): Promise<SubmitDecision> {
    const policy = deps.policy();
    const { openRequests, activeGrants } = await submitGrounds(deps, input);
    const draft = { ...input, startsAt };
    return withFacts(
      deps.directory,
      policy,
      needsFor(policy, input),
      (facts) =>
        decideAuthority('submit', {
          actor: input.requester,
          draft,
          openRequests,
          activeGrants,
          policy,
          facts,
          kinds: KIND_RULES,
          now: deps.clock.now(),
        }),
      (d) => (d.verdict === 'refused' ? d.refusal : undefined),
    );
  }

  return async function submit(asked: SubmitInput): Promise<SubmitResult> {
    // A kind whose ask names one of runwarden's own records (convert: a finding) reads it first: target and fields.
    const resolved = await resolveAsk(deps, kinds, asked);
    if (!resolved.ok) return resolved;
    const { input, fields, startsAt } = resolved;
    // One open request per record it names (convert: a finding): a second would be posted to the approvers again.
    if (fields.finding !== undefined) {
      const open = await deps.store.listByStatus(OPEN);
      const earlier = open.requests.find((r) => r.kind === asked.kind && r.finding === fields.finding);
      if (earlier) {
        // not its id: the asker may not be one who may read that request (SPEC §4)
        const message = `Finding \`${fields.finding}\` is already asked for: a request for it is open, and its approvers decide it.`;
        return {
          ok: false,
          error: new WardenError(ErrorCode.Conflict, message, `${asked.kind} of ${fields.finding} already open: ${earlier.id}`),
        };
      }
    }
    const decision = await decide(input, startsAt);
    if (decision.verdict === 'refused') return { ok: false, error: new RefusedError(decision.refusal) };
    const unended = sweepProblem(deps, input);
    if (unended) return { ok: false, error: unended };
    const { member, role, mode } = decision;
    const multiStep = decision.steps.length > 1;
    const [first] = decision.steps;
    if (first === undefined) throw new Error('unreachable: a rule has at least one approval level');

    const prepared = await prepareAsk(kinds[input.kind], input);
    if (!prepared.ok) return { ok: false, error: prepared.error };

    const now = deps.clock.now();
    const request: AccessRequest = {
      id: newRequestId(deps.randomBytes),
      kind: input.kind,
      status: 'pending',
      requester: input.requester,
      target: input.target,
      reason: input.reason,
      createdAt: now,
      updatedAt: now,
      approvals: [],
      approvalsRequired: first.approvals,
      approverGroup: first.approvers,
      ruleIndex: decision.rule.index,
      rule: decision.rule.name,
      channel: decision.channel,
      durationSeconds: input.durationSeconds,
      role,
      member,
      value: input.value,
      rotationPeriodSeconds: input.rotationPeriodSeconds,
      context: prepared.context,
      breakGlass: mode === 'break_glass' ? true : undefined,
      steps: multiStep ? decision.steps.map((s) => ({ approverGroup: s.approvers, approvalsRequired: s.approvals })) : undefined,
      step: multiStep ? 1 : undefined,
      startsAt,
      ...fields,
    };
    // The approval message is owed from the start (outbox): posted below, or by the sweep if that fails.
    // Auto-approved and break-glass requests owe it from their transition on, after the Google work.
    const stored = mode === 'approval' ? enqueue(request, [{ type: 'post_message' }], now) : request;
    await deps.store.create(stored, {
      at: now,
      actor: input.requester,
      action: 'submitted',
      detail: {
        kind: request.kind,
        target: request.target,
        reason: request.reason,
        role,
        member,
        value: input.value,
        durationSeconds: input.durationSeconds ?? null,
        rule: decision.rule.name,
        ...(startsAt ? { startsAt: startsAt.toISOString() } : {}),
        ...(request.breakGlass ? { breakGlass: true } : {}),
      },
    });
    deps.logger.info('request submitted', {
      requestId: request.id,
      kind: request.kind,
      target: request.target,
      mode,
      rule: decision.rule.name,
    });
    if (mode === 'approval') return { ok: true, request: (await runner.deliver(stored)).request };
    // Auto-approval and break-glass: Google first, then the (informational or loud) channel message.
    const event = { type: mode === 'auto' ? 'auto_approve' : 'break_glass', rule: decision.rule.name, ...runner.lease() } as const;
    const { outcome, final } = await runner.run(request.id, event);
    return { ok: true, request: (outcome.ok ? final : undefined) ?? request };
  };
}

/**
 * What submit weighs besides the policy and the people: how many requests
 * `input.requester` has open (maxOpenRequests) and, for a kind that grants a
 * member a role until its IAM condition ends, the grants in force on the
 * target (access the member already has is answered with its grant, not filed
 * again). Reads only: one count, one indexed page, one GetIamPolicy at most.
 * Explain weighs the same.
 */
export async function submitGrounds(
  deps: Pick<AppDeps, 'store' | 'iam' | 'logger'>,
  input: Pick<SubmitInput, 'requester' | 'kind' | 'target'>,
): Promise<{ openRequests: number; activeGrants: AccessRequest[] }> {
  const grants = kindOf(input.kind).ending === 'condition';
  const [openRequests, active] = await Promise.all([
    deps.store.countByRequester(input.requester, OPEN),
    grants ? deps.store.page({ status: 'active', orderBy: 'expiresAt', target: input.target, limit: ACTIVE_GRANTS_READ }) : undefined,
  ]);
  for (const bad of active?.malformed ?? [])
    deps.logger.error('skipped a malformed request document', { requestId: bad.id, problem: bad.problem, reader: 'submit' });
  const activeGrants = await inForce(
    deps,
    input.target,
    (active?.requests ?? []).filter((request) => request.kind === input.kind && request.role !== undefined && request.member !== undefined),
  );
  return { openRequests, activeGrants };
}

/**
 * Of the active grants recorded on `target`, those whose binding (titled
 * runwarden-<id>) is on the resource now (one GetIamPolicy, only when there
 * is a grant to check): a grant whose binding is gone gives no access. When
 * IAM cannot be read, the record stands.
 */
async function inForce(deps: Pick<AppDeps, 'iam' | 'logger'>, target: string, grants: AccessRequest[]): Promise<AccessRequest[]> {
  if (grants.length === 0) return [];
  try {
    const titles = new Set((await deps.iam.getBindings(target)).map((binding) => binding.condition?.title));
    return grants.filter((grant) => titles.has(titleFor(grant.id)));
  } catch (error) {
    deps.logger.warn('could not read the IAM policy to find access already granted', { target, error: String(error) });
    return grants;
  }
}

/**
 * What was asked, with the names a kind resolves from runwarden's own records
 * (convert: its posture finding, read from the store) put in, and --start at
 * whole seconds (as IAM conditions record it). Reads only.
 */
export async function resolveAsk(
  deps: Pick<AppDeps, 'policy' | 'directory'>,
  kinds: Record<RequestKind, KindEffects>,
  asked: SubmitInput,
): Promise<
  { ok: true; input: SubmitInput; fields: Partial<KindRecordFields>; startsAt: Date | undefined } | { ok: false; error: WardenError }
> {
  const resolver = kinds[asked.kind].resolve;
  // Only people of the organization have it read: a record's answers (a finding's members, that a service is
  // public…) are the posture findings, which nobody else reads — and finding ids can be computed from a service's name.
  if (resolver) {
    const outsider = await outsiderRefusal(deps, asked.requester);
    if (outsider) return { ok: false, error: new RefusedError(outsider) };
  }
  const resolved = resolver ? await resolver({ ...asked }) : undefined;
  if (resolved && !resolved.ok) return { ok: false, error: resolved.error };
  const fields = resolved?.ok ? resolved.fields : {};
  const input: SubmitInput = resolved?.ok ? { ...asked, target: resolved.target } : asked;
  const startsAt = input.startsAt && new Date(Math.floor(input.startsAt.getTime() / 1000) * 1000);
  return { ok: true, input, fields, startsAt };
}

/** The refusal the authority decision gives someone without a Google identity in the policy's domains, else undefined. */
async function outsiderRefusal(deps: Pick<AppDeps, 'policy' | 'directory'>, requester: string): Promise<Refusal | undefined> {
  const policy = deps.policy();
  const own = Object.hasOwn(policy.identities, requester) ? undefined : await deps.directory.emailOf(requester);
  const identity = resolveIdentity(policy, requester, own);
  if (identity.ok) return undefined;
  return { code: identity.reason, user: requester, email: identityEmail(policy, requester, own), domains: policy.domains };
}

/** The kind's read-only look at Google before anyone is asked (KindEffects.prepare) for what `input` asks. */
export function prepareAsk(kind: KindEffects, input: SubmitInput): ReturnType<KindEffects['prepare']> {
  return kind.prepare({
    kind: input.kind,
    target: input.target,
    value: input.value,
    durationSeconds: input.durationSeconds,
    rotationPeriodSeconds: input.rotationPeriodSeconds,
    finding: input.finding,
  });
}

/** Why a temporary change of `input` could never end here (its kind is ended by the sweep, which is not configured), if so. */
export function sweepProblem(
  deps: Pick<AppDeps, 'settings'>,
  input: Pick<SubmitInput, 'kind' | 'durationSeconds'>,
): WardenError | undefined {
  if (kindOf(input.kind).ending !== 'sweep' || input.durationSeconds === undefined || deps.settings.sweepConfigured) return undefined;
  const message =
    `A temporary ${input.kind} change could never end here: this runwarden's /jobs/sweep is not configured ` +
    '(WARDEN_JOBS_AUDIENCE and WARDEN_JOBS_INVOKERS), so nothing would revert it. Ask the operators to configure the sweep.';
  return new WardenError(ErrorCode.SweepNotConfigured, message, 'sweep_not_configured');
}

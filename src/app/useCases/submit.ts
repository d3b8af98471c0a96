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
import { approverIds, evaluateRequest, findRule, groupsToResolve, type DenialReason } from '../../domain/policy/evaluate';
import { memberEmail, resolveIdentity } from '../../domain/policy/identity';
import { DEFAULT_INVOKER_ROLE } from '../../domain/policy/schema';
import type { AccessRequest, RequestKind } from '../../domain/request';
import { newRequestId } from '../../domain/requestId';
import { enqueue } from '../../domain/outbox';
import { identityEmails } from '../authorityFacts';
import type { AppDeps } from '../deps';
import type { KindEffects } from '../../kinds/kind';
import { resolveGroups } from '../resolveGroups';
import type { Runner } from '../runner';

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
}

export type SubmitResult = { ok: true; request: AccessRequest } | { ok: false; error: WardenError };

const DENIAL_CODES: Record<DenialReason, ErrorCode> = {
  no_matching_rule: ErrorCode.NoMatchingRule,
  not_a_requester: ErrorCode.NotARequester,
  role_not_allowed: ErrorCode.RoleNotAllowed,
  duration_too_long: ErrorCode.DurationTooLong,
  duration_too_short: ErrorCode.DurationTooShort,
  duration_required: ErrorCode.DurationRequired,
  duration_not_allowed: ErrorCode.NotAllowed,
  reason_rejected: ErrorCode.ReasonRejected,
  start_not_allowed: ErrorCode.NotAllowed,
  start_too_late: ErrorCode.StartTooLate,
  break_glass_not_allowed: ErrorCode.BreakGlassRefused,
  not_a_break_glass_requester: ErrorCode.BreakGlassRefused,
  break_glass_too_long: ErrorCode.BreakGlassRefused,
  no_longer_auto_approved: ErrorCode.NotAllowed,
  rotation_period_too_long: ErrorCode.RotationPeriodTooLong,
  member_not_allowed: ErrorCode.MemberNotAllowed,
  member_outside_domains: ErrorCode.IdentityOutsideDomains,
};

export function createSubmit(deps: AppDeps, kinds: Record<RequestKind, KindEffects>, runner: Runner) {
  /** The approvers who could count: not the requester, and not the identity being granted (looked up only for another member). */
  async function possibleApprovers(approvers: string[], requester: string, member: string | undefined, self: string): Promise<string[]> {
    const others = approvers.filter((user) => user !== requester);
    const granted = member === undefined || member === self ? undefined : memberEmail(member);
    if (granted === undefined) return others;
    const emails = await identityEmails(deps.directory, deps.policy(), others);
    return others.filter((user) => emails.get(user) !== granted);
  }

  return async function submit(input: SubmitInput): Promise<SubmitResult> {
    const policy = deps.policy();
    const role = input.kind === 'invoker' ? (input.role ?? DEFAULT_INVOKER_ROLE) : undefined;
    const match = findRule(policy, input.kind, input.target);
    const startsAt = input.startsAt && new Date(Math.floor(input.startsAt.getTime() / 1000) * 1000);
    const startDelaySeconds = startsAt && (startsAt.getTime() - deps.clock.now().getTime()) / 1000;
    if (startDelaySeconds !== undefined && startDelaySeconds <= 0) {
      return { ok: false, error: new WardenError(ErrorCode.UsageError, 'The --start time is in the past: give a future time, or leave --start out to start now.') };
    }
    const mapped = Object.hasOwn(policy.identities, input.requester);
    const [groups, email] = await Promise.all([
      resolveGroups(deps.directory, groupsToResolve(policy, match?.rule)),
      mapped ? undefined : deps.directory.emailOf(input.requester),
    ]);
    // Whatever the kind: someone runwarden cannot tie to an identity in the policy's domains asks for nothing.
    const identity = resolveIdentity(policy, input.requester, email);
    if (!identity.ok) {
      const code = identity.reason === 'identity_unknown' ? ErrorCode.IdentityUnknown : ErrorCode.IdentityOutsideDomains;
      return { ok: false, error: new WardenError(code, identity.message, identity.reason) };
    }
    const decision = evaluateRequest(
      policy,
      {
        kind: input.kind,
        target: input.target,
        requester: input.requester,
        role,
        durationSeconds: input.durationSeconds,
        reason: input.reason,
        rotationPeriodSeconds: input.rotationPeriodSeconds,
        member: input.member,
        requesterMember: identity.member,
        breakGlass: input.breakGlass,
        startDelaySeconds,
      },
      groups,
    );
    if (!decision.allowed) return { ok: false, error: new WardenError(DENIAL_CODES[decision.reason], decision.message, decision.reason) };
    if ((input.kind === 'egress' || input.kind === 'ingress') && input.durationSeconds !== undefined && !deps.settings.sweepConfigured) {
      const message =
        `A temporary ${input.kind} change could never end here: this runwarden's /jobs/sweep is not configured ` +
        '(WARDEN_JOBS_AUDIENCE and WARDEN_JOBS_INVOKERS), so nothing would revert it. Ask the operators to configure the sweep.';
      return { ok: false, error: new WardenError(ErrorCode.SweepNotConfigured, message, 'sweep_not_configured') };
    }
    const member = decision.member;
    const multiStep = decision.rule.steps.length > 1;
    const everyone = new Set<string>();
    // Every step must be reachable without the requester and the member being granted; one person counts in one step only.
    for (const step of decision.rule.steps) {
      const others = await possibleApprovers(approverIds(policy, step.approvers, groups), input.requester, member, identity.member);
      others.forEach((u) => everyone.add(u));
      if (others.length < step.approvals) {
        const message =
          `This request needs ${step.approvals} approval(s) from *${step.approvers}*, but the group has only ` +
          `${others.length} member(s) besides you${member !== identity.member ? ' and the member being granted' : ''}, so it could never be approved. Ask an admin to fix the policy.`;
        return { ok: false, error: new WardenError(ErrorCode.NotAllowed, message, 'unreachable_approvals') };
      }
    }
    const needed = decision.rule.steps.reduce((sum, step) => sum + step.approvals, 0);
    if (multiStep && everyone.size < needed) {
      const message = `This request needs ${needed} different approvers across its steps (one person counts in one step only), but only ${everyone.size} could approve it. Ask an admin to fix the policy.`;
      return { ok: false, error: new WardenError(ErrorCode.NotAllowed, message, 'unreachable_approvals') };
    }

    const prepared = await kinds[input.kind].prepare({
      kind: input.kind,
      target: input.target,
      value: input.value,
      durationSeconds: input.durationSeconds,
      rotationPeriodSeconds: input.rotationPeriodSeconds,
    });
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
      approvalsRequired: decision.approvalsRequired,
      approverGroup: decision.approverGroup,
      ruleIndex: decision.ruleIndex,
      channel: decision.channel,
      durationSeconds: input.durationSeconds,
      role,
      member,
      value: input.value,
      rotationPeriodSeconds: input.rotationPeriodSeconds,
      context: prepared.context,
      breakGlass: decision.mode === 'break_glass' ? true : undefined,
      steps: multiStep ? decision.rule.steps.map((s) => ({ approverGroup: s.approvers, approvalsRequired: s.approvals })) : undefined,
      step: multiStep ? 1 : undefined,
      startsAt,
    };
    // The approval message is owed from the start (outbox): posted below, or by the sweep if that fails.
    // Auto-approved and break-glass requests owe it from their transition on, after the Google work.
    const stored = decision.mode === 'approval' ? enqueue(request, [{ type: 'post_message' }], now) : request;
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
        ...(startsAt ? { startsAt: startsAt.toISOString() } : {}),
        ...(request.breakGlass ? { breakGlass: true } : {}),
      },
    });
    deps.logger.info('request submitted', { requestId: request.id, kind: request.kind, target: request.target, mode: decision.mode });
    if (decision.mode === 'approval') return { ok: true, request: (await runner.deliver(stored)).request };
    // Auto-approval and break-glass: Google first, then the (informational or loud) channel message.
    const event = { type: decision.mode === 'auto' ? 'auto_approve' : 'break_glass', ruleIndex: decision.ruleIndex, ...runner.lease() } as const;
    const { outcome, final } = await runner.run(request.id, event);
    return { ok: true, request: (outcome.ok ? final : undefined) ?? request };
  };
}

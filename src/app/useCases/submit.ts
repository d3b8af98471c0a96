/**
 * Submit: a request is checked against the policy (who may ask, for what,
 * for how long), the member's identity is resolved, Google is read so that
 * meaningless changes are refused before anyone is asked, and only then is
 * the request stored and posted to the approvers' channel.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { approverIds, checkMember, evaluateRequest, findRule, groupsToResolve, resolveIdentity, type DenialReason } from '../../domain/policy/evaluate';
import { DEFAULT_INVOKER_ROLE } from '../../domain/policy/schema';
import type { AccessRequest, RequestKind } from '../../domain/request';
import { newRequestId } from '../../domain/requestId';
import { transition } from '../../domain/stateMachine';
import { approvalMessage } from '../../adapters/slack/views/approvalMessage';
import type { AppDeps } from '../deps';
import type { KindHandler } from '../kinds/kindHandler';
import { resolveGroups } from '../resolveGroups';

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
};

export function createSubmit(deps: AppDeps, handlers: Record<RequestKind, KindHandler>) {
  return async function submit(input: SubmitInput): Promise<SubmitResult> {
    const policy = deps.policy();
    const role = input.kind === 'invoker' ? (input.role ?? DEFAULT_INVOKER_ROLE) : undefined;
    const match = findRule(policy, input.kind, input.target);
    const groups = await resolveGroups(deps.directory, groupsToResolve(policy, match?.rule));
    const decision = evaluateRequest(
      policy,
      { kind: input.kind, target: input.target, requester: input.requester, role, durationSeconds: input.durationSeconds, reason: input.reason },
      groups,
    );
    if (!decision.allowed) return { ok: false, error: new WardenError(DENIAL_CODES[decision.reason], decision.message) };
    if (decision.rule.steps.length > 1) {
      // fail closed until multi-step approvals are wired: never decide a steps rule by its first step alone
      return { ok: false, error: new WardenError(ErrorCode.NotAllowed, 'This rule uses approval steps, which this version of runwarden cannot run yet.') };
    }
    const others = approverIds(policy, decision.approverGroup, groups).filter((u) => u !== input.requester);
    if (others.length < decision.approvalsRequired) {
      const message =
        `This request needs ${decision.approvalsRequired} approval(s) from *${decision.approverGroup}*, but the group has only ` +
        `${others.length} member(s) besides you, so it could never be approved. Ask an admin to fix the policy.`;
      return { ok: false, error: new WardenError(ErrorCode.NotAllowed, message, 'unreachable_approvals') };
    }

    let member: string | undefined;
    if (input.kind === 'invoker') {
      if (input.member) {
        const checked = checkMember(policy, input.member);
        if (!checked.ok) return { ok: false, error: new WardenError(ErrorCode.IdentityOutsideDomains, checked.message) };
        member = checked.member;
      } else {
        const mapped = policy.identities[input.requester] !== undefined;
        const email = mapped ? undefined : await deps.directory.emailOf(input.requester);
        const identity = resolveIdentity(policy, input.requester, email);
        if (!identity.ok) return { ok: false, error: new WardenError(ErrorCode.IdentityUnknown, identity.message, identity.reason) };
        member = identity.member;
      }
    }

    const prepared = await handlers[input.kind].prepare({
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
    };
    await deps.store.create(request, {
      at: now,
      actor: input.requester,
      action: 'submitted',
      detail: { kind: request.kind, target: request.target, reason: request.reason, role, member, value: input.value, durationSeconds: input.durationSeconds ?? null },
    });
    deps.logger.info('request submitted', { requestId: request.id, kind: request.kind, target: request.target });
    return { ok: true, request: await announce(deps, request) };
  };
}

/** Posts the approval message and records where it is; a failed post is retried by the sweep. */
export async function announce(deps: AppDeps, request: AccessRequest): Promise<AccessRequest> {
  try {
    const posted = await deps.chat.post(request.channel, approvalMessage(request, deps.clock.now()));
    const outcome = await deps.store.transact(request.id, (current) => transition(current, { type: 'posted', ...posted }, deps.clock.now()));
    return outcome.ok ? outcome.next : request;
  } catch (error) {
    deps.logger.error('could not post the approval message; the sweep will retry', {
      requestId: request.id,
      error: error instanceof Error ? error.message : String(error),
    });
    return request;
  }
}

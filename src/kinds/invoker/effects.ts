/**
 * `invoker`: a conditional IAM binding on one Cloud Run service (SPEC §8).
 * A binding under the request's `runwarden-<id>` title is the request's own
 * only if its role, member and expression are what the record says; anything
 * else under that title is someone else's: never adopted, never removed.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { buildCondition, parseCondition, titleFor } from '../../domain/iamCondition';
import { describeBinding, sameBinding } from '../../domain/ownBinding';
import type { AccessRequest } from '../../domain/request';
import type { IamBinding } from '../../domain/iamBinding';
import type { IamPolicyPort, ServicesPort } from '../../ports';
import type { Drift, KindEffects } from '../kind';

/** The binding the record says this request has (or will have) with this expiry. */
function bindingOf(request: AccessRequest, expiresAt: Date): IamBinding {
  const { role, member } = request;
  if (!role || !member) throw new WardenError(ErrorCode.InvalidState, `Request \`${request.id}\` lacks its role or member.`);
  const condition = buildCondition({
    requestId: request.id,
    expiresAt,
    startsAt: request.startsAt,
    requester: request.requester,
    approvers: request.approvals.map((a) => a.approver),
    reason: request.reason,
  });
  return { role, members: [member], condition };
}

/**
 * When a grant applied at `now` ends: IAM timestamps are whole seconds, so
 * rounded down, and the record and the binding agree exactly. A scheduled
 * grant runs from its start (both bounds in the condition), whenever it was approved.
 */
function expiryAt(request: AccessRequest, durationSeconds: number, now: Date): Date {
  const from = request.startsAt ?? now;
  return new Date(Math.floor(from.getTime() / 1000) * 1000 + durationSeconds * 1000);
}

/**
 * The binding runwarden recorded, under its lease, as about to be written
 * (`writing.expression`, set right before the SetIamPolicy of an apply or an
 * extension), with the expiry it carries. It may have landed although its
 * outcome was never recorded — its writer died, or lost its lease, with the
 * call in flight — so every later reader takes it as the request's own: a
 * retried apply adopts it, an extension replaces it, the revert removes it,
 * the drift check does not call it drift. Undefined when nothing is recorded,
 * or when the recorded expression is not one runwarden builds for this
 * request (role, member and title from the record; only the expiry read).
 */
function writtenBinding(request: AccessRequest): { binding: IamBinding; expiresAt: Date } | undefined {
  const expression = request.writing?.expression;
  if (!expression) return undefined;
  const written = parseCondition({ title: titleFor(request.id), expression });
  if (!written) return undefined;
  const binding = bindingOf(request, written.expiresAt);
  return binding.condition?.expression === expression ? { binding, expiresAt: written.expiresAt } : undefined;
}

/** Whether `found` is the binding recorded as being written (writtenBinding). */
function isWritten(request: AccessRequest, found: IamBinding): boolean {
  const written = writtenBinding(request);
  return written !== undefined && sameBinding(found, written.binding);
}

function foreignAtApply(request: AccessRequest, found: IamBinding): WardenError {
  const title = titleFor(request.id);
  return new WardenError(
    ErrorCode.Precondition,
    `${request.target} already has a binding titled ${title} that is not this request's (${describeBinding(found)}); runwarden left it alone and applied nothing.`,
  );
}

export function createInvokerEffects(deps: { iam: IamPolicyPort; services: ServicesPort }): KindEffects {
  const { iam, services } = deps;
  return {
    async prepare(draft) {
      const service = await services.getService(draft.target);
      const context: Record<string, string> = {};
      if (service.latestReadyRevision) context.latestReadyRevision = service.latestReadyRevision;
      return { ok: true, context };
    },

    plan(request, now) {
      if (!request.role || !request.member || !request.durationSeconds) return undefined;
      const expression = bindingOf(request, expiryAt(request, request.durationSeconds, now)).condition?.expression;
      return expression ? { call: 'SetIamPolicy', writing: { expression } } : undefined;
    },

    planRevert(request) {
      // exactly what revert's guard passes below
      return { call: 'SetIamPolicy', writing: { removing: titleFor(request.id) } };
    },

    async apply(request, now, guard) {
      const { role, member, durationSeconds } = request;
      if (!role || !member || !durationSeconds) {
        throw new WardenError(ErrorCode.InvalidState, `Request \`${request.id}\` lacks its role, member or duration.`);
      }
      const result = { binding: titleFor(request.id), role, member };
      // The apply started by an approval writes what that approval recorded as being written (plan, plannedBy its
      // lease holder); any other computes its binding afresh (and adopts one an interrupted attempt wrote, below).
      const planned = request.op !== undefined && request.writing?.plannedBy === request.op.holder ? writtenBinding(request) : undefined;
      const expiresAt = planned?.expiresAt ?? expiryAt(request, durationSeconds, now);
      const binding = bindingOf(request, expiresAt);
      const expression = binding.condition?.expression ?? '';
      // One read-modify-write (one GetIamPolicy, one SetIamPolicy): the same read finds a binding already under our title.
      const change = await iam.addBinding(request.target, binding, () => guard('SetIamPolicy', { expression }));
      if (change.type === 'added') return { expiresAt, result, wrote: true };
      // A retried apply finds the binding an interrupted attempt wrote: ours only if it is exactly what was recorded before that write.
      const found = change.type === 'foreign' ? change.found : binding;
      const written = writtenBinding(request);
      if (!written || !sameBinding(found, written.binding)) throw foreignAtApply(request, found);
      return { expiresAt: written.expiresAt, result, wrote: false };
    },

    async extend(request, expiresAt, guard) {
      if (!request.expiresAt) throw new WardenError(ErrorCode.InvalidState, `Request \`${request.id}\` has no expiry recorded.`);
      // Same title, role, member and description; only the expiry moves (SPEC §8), in one SetIamPolicy.
      const from = bindingOf(request, request.expiresAt);
      const to = bindingOf(request, expiresAt);
      const expression = to.condition?.expression ?? '';
      let change = await iam.replaceBinding(request.target, from, to, () => guard('SetIamPolicy', { expression }));
      // The binding there is one recorded as being written that never made it into the record (an earlier
      // extension's write that landed after all): runwarden's own, replaced like the recorded one.
      if (change.type === 'foreign' && isWritten(request, change.found)) {
        change = await iam.replaceBinding(request.target, change.found, to, () => guard('SetIamPolicy', { expression }));
      }
      const title = titleFor(request.id);
      if (change.type === 'absent')
        throw new WardenError(ErrorCode.Precondition, `The binding ${title} is no longer on ${request.target}; runwarden wrote nothing.`);
      if (change.type === 'foreign') {
        throw new WardenError(
          ErrorCode.Precondition,
          `The binding ${title} on ${request.target} is not the one runwarden wrote (now ${describeBinding(change.found)}); runwarden left it alone.`,
        );
      }
      return { binding: title, replaced: change.type };
    },

    async revert(request, guard, batch) {
      const title = titleFor(request.id);
      if (!request.expiresAt) throw new WardenError(ErrorCode.InvalidState, `Request \`${request.id}\` has no expiry recorded.`);
      // In the sweep's batch for this service when it gave one: one SetIamPolicy ends its due grants together.
      const remove = () => guard('SetIamPolicy', { removing: title });
      let change = await (batch ?? iam).removeBinding(request.target, bindingOf(request, request.expiresAt), remove);
      // The binding there is the one recorded as being written (an extension's write that landed while its
      // outcome went unrecorded): runwarden's own, removed — never reported as someone else's and left behind.
      if (change.type === 'foreign' && isWritten(request, change.found))
        change = await iam.removeBinding(request.target, change.found, remove);
      if (change.type === 'removed') return { type: 'reverted', detail: { removed: title } };
      // A retried revert may find its own earlier, unrecorded removal done: that is no drift. A removal this very
      // claim recorded as planned (planRevert) on the revert's first attempt is not an earlier one: nothing of
      // runwarden's can have removed the binding before it, so absent is someone else's doing.
      const plannedNow = request.op?.attempts === 1 && request.writing?.plannedBy === request.op.holder;
      if (change.type === 'absent' && request.writing?.removing === title && !plannedNow)
        return { type: 'reverted', detail: { removed: title } };
      if (change.type === 'absent') {
        return {
          type: 'drift',
          observed: 'absent',
          detail: `The binding ${title} was no longer on ${request.target}: someone removed it before runwarden did.`,
        };
      }
      return {
        type: 'drift',
        observed: describeBinding(change.found),
        detail: `The binding ${title} on ${request.target} is not the one runwarden wrote (now ${describeBinding(change.found)}); runwarden left it alone.`,
      };
    },

    async inspect(target, requests) {
      const bindings = await iam.getBindings(target);
      const drifts: Drift[] = [];
      for (const request of requests) {
        if (!request.expiresAt) continue;
        const title = titleFor(request.id);
        const found = bindings.find((b) => b.condition?.title === title);
        if (!found) {
          drifts.push({
            id: request.id,
            observed: 'absent',
            detail: `The binding ${title} is no longer on ${target}: someone removed it.`,
          });
        } else if (!sameBinding(found, bindingOf(request, request.expiresAt)) && !isWritten(request, found)) {
          // (one recorded as being written is runwarden's own, not drift: the revert removes it at the recorded expiry)
          const observed = describeBinding(found);
          drifts.push({
            id: request.id,
            observed,
            detail: `The binding ${title} on ${target} is not the one runwarden wrote (now ${observed}); runwarden left it alone.`,
          });
        }
      }
      return drifts;
    },

    async undoExtension(request, written, current, guard) {
      const title = titleFor(request.id);
      const late = bindingOf(request, written);
      if (current.status === 'active' && current.expiresAt) {
        // The grant goes on: its binding goes back to the recorded end, in one SetIamPolicy (never a moment without).
        const recorded = bindingOf(current, current.expiresAt);
        const expression = recorded.condition?.expression ?? '';
        const change = await iam.replaceBinding(request.target, late, recorded, () => guard('SetIamPolicy', { expression }));
        return change.type === 'replaced' ? { binding: title, undone: `expiry put back to ${current.expiresAt.toISOString()}` } : undefined;
      }
      // The grant has ended: the binding its late extension left is removed.
      const change = await iam.removeBinding(request.target, late, () => guard('SetIamPolicy', { removing: title }));
      return change.type === 'removed' ? { binding: title, undone: 'removed' } : undefined;
    },

    async undo(request, applied, current, guard) {
      if (!applied.wrote || !applied.expiresAt) return undefined;
      // The record adopted this very binding (another instance finished the apply): it is the grant now.
      if (current?.status === 'active' && current.expiresAt?.getTime() === applied.expiresAt.getTime()) return undefined;
      const title = titleFor(request.id);
      const change = await iam.removeBinding(request.target, bindingOf(request, applied.expiresAt), () =>
        guard('SetIamPolicy', { removing: title }),
      );
      return change.type === 'removed' ? { binding: title, undone: 'removed' } : undefined;
    },
  };
}

/**
 * `invoker`: a conditional IAM binding on one Cloud Run service (SPEC §8),
 * recognised by its `runwarden-<id>` title and removed by that title only.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { buildCondition, parseCondition, titleFor } from '../../domain/iamCondition';
import type { IamPolicyPort, ServicesPort } from '../../ports';
import type { KindHandler } from './kindHandler';

export function createInvokerHandler(deps: { iam: IamPolicyPort; services: ServicesPort }): KindHandler {
  const { iam, services } = deps;
  return {
    async prepare(draft) {
      const service = await services.getService(draft.target);
      const context: Record<string, string> = {};
      if (service.latestReadyRevision) context.revision = service.latestReadyRevision;
      return { ok: true, context };
    },

    async apply(request, now) {
      const { role, member, durationSeconds } = request;
      if (!role || !member || !durationSeconds) {
        throw new WardenError(ErrorCode.InvalidState, `Request \`${request.id}\` lacks its role, member or duration.`);
      }
      const title = titleFor(request.id);
      // A retried apply finds the binding an interrupted one already wrote and keeps its expiry.
      const existing = (await iam.getBindings(request.target)).find((b) => b.condition?.title === title);
      const parsed = existing?.condition ? parseCondition(existing.condition) : undefined;
      if (parsed) return { expiresAt: parsed.expiresAt, result: { binding: title, role, member } };

      const expiresAt = new Date(now.getTime() + durationSeconds * 1000);
      const condition = buildCondition({
        requestId: request.id,
        expiresAt,
        requester: request.requester,
        approvers: request.approvals.map((a) => a.approver),
        reason: request.reason,
      });
      await iam.addBinding(request.target, { role, members: [member], condition });
      return { expiresAt, result: { binding: title, role, member } };
    },

    async revert(request) {
      const outcome = await iam.removeBinding(request.target, titleFor(request.id));
      return { type: 'reverted', detail: { binding: outcome } };
    },
  };
}

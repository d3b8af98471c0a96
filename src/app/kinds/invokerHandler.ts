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
      if (service.latestReadyRevision) context.latestReadyRevision = service.latestReadyRevision;
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

      // IAM timestamps are whole seconds: round down so the record and the binding agree exactly.
      const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + durationSeconds * 1000);
      const condition = buildCondition({
        requestId: request.id,
        expiresAt,
        requester: request.requester,
        approvers: request.approvals.map((a) => a.approver),
        reason: request.reason,
      });
      const added = await iam.addBinding(request.target, { role, members: [member], condition });
      if (added === 'present') {
        // a concurrent apply of this same request won the race: keep the expiry it wrote
        const raced = (await iam.getBindings(request.target)).find((b) => b.condition?.title === title);
        const racedExpiry = raced?.condition ? parseCondition(raced.condition)?.expiresAt : undefined;
        if (racedExpiry) return { expiresAt: racedExpiry, result: { binding: title, role, member } };
      }
      return { expiresAt, result: { binding: title, role, member } };
    },

    async revert(request) {
      const outcome = await iam.removeBinding(request.target, titleFor(request.id));
      return { type: 'reverted', detail: { binding: outcome } };
    },
  };
}

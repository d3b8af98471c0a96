/**
 * A backlog of due grants without clicking through each: active invoker
 * requests whose expiry has passed, as an approval and its apply would have
 * left them — the record (through the store adapter, `store.create`) and its
 * exact `runwarden-<id>` binding on the service (SPEC §8, buildCondition).
 * For the sweep's tests and the sweep bench (bench/sweepScale.ts).
 */
import { buildCondition } from '../../src/domain/iamCondition';
import type { IamBinding } from '../../src/domain/iamBinding';
import type { AccessRequest } from '../../src/domain/request';
import type { RequestStore } from '../../src/ports';
import type { Emulator } from '../../dev/emulator';

export interface DueGrant {
  id: string;
  /** the Cloud Run service's full name */
  target: string;
  /** distinguishes the grant: its member is user<n>@acme.example, its reason `${reason} ${n}` */
  n: number;
  reason: string;
  /** the grant's length, seconds: it was applied that long before it expired */
  durationSeconds: number;
  now: Date;
}

/** The request of an invoker grant that expired a minute before `now` (whole seconds, as IAM timestamps are). */
export function dueGrant({ id, target, n, reason, durationSeconds, now }: DueGrant): AccessRequest {
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  const appliedAt = new Date(expiresAt.getTime() - durationSeconds * 1000);
  return {
    id,
    kind: 'invoker',
    status: 'active',
    requester: 'U0ALICE',
    target,
    reason: `${reason} ${n}`,
    createdAt: new Date(appliedAt.getTime() - 60_000),
    updatedAt: appliedAt,
    approvals: [{ approver: 'U0BOB', at: appliedAt }],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 0,
    channel: 'C0APPROVALS',
    durationSeconds,
    role: 'roles/run.invoker',
    member: `user:user${n}@acme.example`,
    appliedAt,
    expiresAt,
  };
}

/** The binding runwarden wrote for `request` (what its revert removes). */
export function dueBinding(request: AccessRequest): IamBinding {
  return {
    role: request.role ?? '',
    members: [request.member ?? ''],
    condition: buildCondition({
      requestId: request.id,
      expiresAt: request.expiresAt ?? new Date(0),
      requester: request.requester,
      approvers: request.approvals.map((a) => a.approver),
      reason: request.reason,
    }),
  };
}

/** The admins' standing binding every seeded service also has (left alone by the sweep). */
export const ADMIN_BINDING: IamBinding = { role: 'roles/run.admin', members: ['group:admins@acme.example'] };

/** Seeds `requests` (all on `target`): the service with their bindings in the emulator, each record in the store. */
export async function seedDueGrants(
  emulator: Pick<Emulator, 'seedService'>,
  store: Pick<RequestStore, 'create'>,
  target: string,
  requests: readonly AccessRequest[],
): Promise<void> {
  emulator.seedService({ name: target, bindings: [ADMIN_BINDING, ...requests.map(dueBinding)] });
  for (const request of requests) {
    await store.create(request, { at: request.createdAt, actor: request.requester, action: 'seeded', detail: {} });
  }
}

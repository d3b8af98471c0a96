/**
 * Two instances sweep at once over the same service's due grants, more than
 * one claim transaction takes (MAX_TRANSACT_EACH): their claim transactions
 * contend over the same documents. Each grant is claimed by one of them and
 * ends once, its binding removed, never as drift; what one instance found
 * claimed by the other is skipped, not an error.
 */
import { randomBytes } from 'node:crypto';
import { buildCondition } from '../../../src/domain/iamCondition';
import type { AccessRequest } from '../../../src/domain/request';
import { newRequestId } from '../../../src/domain/requestId';
import { MAX_TRANSACT_EACH } from '../../../src/ports';
import { service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(240_000);

const SHARED = service('shared');
let a: Harness;
let b: Harness;
beforeAll(async () => {
  a = await startHarness();
  b = await startHarness({ peer: a });
});
afterAll(async () => {
  for (const h of [a, b]) await (await h.runwarden.useCases()).idle(30_000);
  await b.stop();
  await a.stop();
});

it('two sweeps at once over 150 due grants of one service: each ends once, as expired, by one of them', async () => {
  const now = a.clock.now();
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  const appliedAt = new Date(expiresAt.getTime() - 600_000);
  const requests: AccessRequest[] = Array.from({ length: MAX_TRANSACT_EACH + 50 }, (_, i) => ({
    id: newRequestId((k) => randomBytes(k)),
    kind: 'invoker',
    status: 'active',
    requester: 'U0ALICE',
    target: SHARED,
    reason: `shared grant ${i}`,
    createdAt: new Date(appliedAt.getTime() - 60_000),
    updatedAt: appliedAt,
    approvals: [{ approver: 'U0BOB', at: appliedAt }],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 0,
    channel: 'C0APPROVALS',
    durationSeconds: 600,
    role: 'roles/run.invoker',
    member: `user:user${i}@acme.example`,
    appliedAt,
    expiresAt,
  }));
  a.emulator.seedService({
    name: SHARED,
    bindings: [
      { role: 'roles/run.admin', members: ['group:admins@acme.example'] },
      ...requests.map((r) => ({
        role: r.role ?? '',
        members: [r.member ?? ''],
        condition: buildCondition({ requestId: r.id, expiresAt, requester: r.requester, approvers: ['U0BOB'], reason: r.reason }),
      })),
    ],
  });
  for (const request of requests) {
    await a.runwarden.deps.store.create(request, { at: request.createdAt, actor: request.requester, action: 'seeded', detail: {} });
  }

  const [one, two] = await Promise.all([a.sweep(), b.sweep()]);

  const ended = (one?.body.expired ?? 0) + (two?.body.expired ?? 0);
  expect({ ended, drifted: (one?.body.drifted ?? 0) + (two?.body.drifted ?? 0) }).toEqual({ ended: requests.length, drifted: 0 });
  expect((one?.body.errors ?? 0) + (two?.body.errors ?? 0)).toBe(0);
  expect(a.emulator.policy(SHARED).bindings.filter((x) => x.condition?.title.startsWith('runwarden-'))).toHaveLength(0);
  for (const request of requests) {
    const events = await a.runwarden.deps.store.events(request.id);
    expect(events.filter((e) => e.action === 'expired')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'revert_started')).toHaveLength(1);
  }
});

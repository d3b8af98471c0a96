/**
 * Issue 16 §1: a write runwarden recorded before making it (`writing`) may
 * land although its outcome was never recorded. Every later reader takes it
 * as runwarden's own — the revert, the drift check, a retried or later
 * extension — and a process that comes back after losing its lease takes
 * its late write back only where the record no longer owns it
 * (src/app/lateWrites.ts). Records are written to the Firestore emulator and
 * Google is the gRPC emulator, through the real adapters.
 */
import { randomBytes } from 'node:crypto';
import { createLateWrites } from '../../../src/app/lateWrites';
import { buildCondition, titleFor } from '../../../src/domain/iamCondition';
import type { AccessRequest } from '../../../src/domain/request';
import { newRequestId } from '../../../src/domain/requestId';
import { createKindEffects } from '../../../src/kinds/registry';
import type { Guard, KindEffects } from '../../../src/kinds/kind';
import { service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
let kinds: Record<AccessRequest['kind'], KindEffects>;
let late: ReturnType<typeof createLateWrites>;
const HELLO = service('hello');
const ADMINS = { role: 'roles/run.admin', members: ['group:admins@acme.example'] };
const allowed: Guard = async () => undefined;

beforeAll(async () => {
  h = await startHarness();
  const deps = h.runwarden.deps;
  kinds = createKindEffects({ ...deps, defaults: () => deps.policy().defaults });
  late = createLateWrites(deps, kinds);
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: HELLO, bindings: [ADMINS] });
});

/** A fresh request id (runwarden's own generator). */
const nextId = (): string => newRequestId((n) => randomBytes(n));

/** An active 1-hour invoker grant on hello, stored as `overrides` say; its end is whole seconds. */
async function stored(overrides: Partial<AccessRequest> = {}): Promise<AccessRequest> {
  const now = h.clock.now();
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const request: AccessRequest = {
    id: nextId(),
    kind: 'invoker',
    status: 'active',
    requester: 'U0ALICE',
    target: HELLO,
    reason: 'debugging',
    createdAt: now,
    updatedAt: now,
    approvals: [{ approver: 'U0BOB', at: now }],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 0,
    channel: 'C0APPROVALS',
    durationSeconds: 3600,
    appliedAt: now,
    expiresAt: new Date(at.getTime() + 3600_000),
    role: 'roles/run.invoker',
    member: 'user:alice@acme.example',
    ...overrides,
  };
  await h.runwarden.deps.store.create(request, { at: now, actor: 'test', action: 'created', detail: {} });
  return request;
}

/** runwarden's binding for `request` ending at `end`, exactly as the invoker kind builds it. */
function bindingFor(request: AccessRequest, end: Date) {
  const condition = buildCondition({
    requestId: request.id,
    expiresAt: end,
    requester: request.requester,
    approvers: request.approvals.map((a) => a.approver),
    reason: request.reason,
  });
  return { role: request.role ?? '', members: [request.member ?? ''], condition };
}
/** Google shows `request`'s binding ending at `end` (beside the admins' binding). */
function onGoogle(request: AccessRequest, end: Date): void {
  h.emulator.foreignSetBindings(HELLO, [ADMINS, bindingFor(request, end)]);
}
const ours = (id: string) => h.emulator.policy(HELLO).bindings.filter((b) => b.condition?.title === titleFor(id));
const endOf = (id: string): string | undefined => ours(id)[0]?.condition?.expression;
const expressionOf = (request: AccessRequest, end: Date): string => bindingFor(request, end).condition.expression;
const plus = (date: Date | undefined, seconds: number): Date => new Date((date?.getTime() ?? 0) + seconds * 1000);
const actions = async (id: string): Promise<string[]> => (await h.runwarden.deps.store.events(id)).map((e) => e.action);

describe('a binding recorded as being written (`writing`) is runwarden’s own for every later reader', () => {
  it('the revert removes it (never "not the one runwarden wrote … left alone")', async () => {
    const base = await stored();
    const written = plus(base.expiresAt, 1800);
    const request = { ...base, writing: { expression: expressionOf(base, written) } };
    onGoogle(request, written);
    const reverted = await kinds.invoker.revert(request, allowed);
    expect(reverted).toEqual({ type: 'reverted', detail: { removed: titleFor(request.id) } });
    expect(ours(request.id)).toEqual([]);
    expect(h.emulator.policy(HELLO).bindings).toContainEqual(expect.objectContaining(ADMINS));
  });

  it('the drift check does not call it drift; a binding recorded nowhere still is', async () => {
    const base = await stored();
    const written = plus(base.expiresAt, 1800);
    const request = { ...base, writing: { expression: expressionOf(base, written) } };
    onGoogle(request, written);
    expect(await kinds.invoker.inspect(HELLO, [request])).toEqual([]);
    onGoogle(request, plus(base.expiresAt, 600));
    expect(await kinds.invoker.inspect(HELLO, [request])).toEqual([
      expect.objectContaining({ id: request.id, detail: expect.stringContaining('not the one runwarden wrote') }),
    ]);
  });

  it('a later extension replaces it as it would the recorded binding', async () => {
    const base = await stored();
    const written = plus(base.expiresAt, 1800);
    const request = { ...base, writing: { expression: expressionOf(base, written) } };
    onGoogle(request, written);
    const to = plus(base.expiresAt, 3600);
    await kinds.invoker.extend(request, to, allowed);
    expect(endOf(request.id)).toBe(expressionOf(request, to));
    expect(ours(request.id)).toHaveLength(1);
  });

  it('an expression that is not one runwarden builds for the request is not adopted (the role differs: someone else’s)', async () => {
    const base = await stored();
    const written = plus(base.expiresAt, 1800);
    const request = { ...base, writing: { expression: expressionOf(base, written) } };
    h.emulator.foreignSetBindings(HELLO, [ADMINS, { ...bindingFor(request, written), role: 'roles/run.admin' }]);
    expect(await kinds.invoker.revert(request, allowed)).toMatchObject({ type: 'drift' });
    expect(ours(request.id)).toHaveLength(1);
  });
});

describe('undoLateExtension: a late extension write is taken back where the record does not own it', () => {
  it('the grant goes on and nobody works on it (the extension lapsed or failed): its recorded end is put back, and recorded', async () => {
    const request = await stored();
    const written = plus(request.expiresAt, 1800);
    onGoogle(request, written);
    await late.undoLateExtension(request, written);
    expect(endOf(request.id)).toBe(expressionOf(request, request.expiresAt as Date));
    const undone = (await h.runwarden.deps.store.events(request.id)).find((e) => e.action === 'late_write_undone');
    expect(undone?.detail).toMatchObject({ binding: titleFor(request.id), extendedTo: written.toISOString() });
  });

  it('the grant has ended: the binding the late write left is removed, and recorded', async () => {
    const request = await stored({ status: 'expired', endedAt: h.clock.now() });
    const written = plus(request.expiresAt, 1800);
    onGoogle(request, written);
    await late.undoLateExtension(request, written);
    expect(ours(request.id)).toEqual([]);
    expect(await actions(request.id)).toContain('late_write_undone');
  });

  it('the record adopted that end (another instance finished the extension): nothing is touched', async () => {
    const before = await stored();
    const written = plus(before.expiresAt, 1800);
    const request = await stored({ id: nextId(), expiresAt: written });
    onGoogle(request, written);
    await late.undoLateExtension({ ...request, expiresAt: before.expiresAt }, written);
    expect(endOf(request.id)).toBe(expressionOf(request, written));
    expect(await actions(request.id)).not.toContain('late_write_undone');
  });

  it('someone works on the request (an extension retried, a revert under way): left to them, who recognise the write', async () => {
    const request = await stored({
      op: { type: 'extend', intent: 'extend', by: 'runwarden', holder: 'other#1', leaseUntil: plus(h.clock.now(), 300), attempts: 2 },
    });
    const written = plus(request.expiresAt, 1800);
    onGoogle(request, written);
    await late.undoLateExtension(request, written);
    expect(endOf(request.id)).toBe(expressionOf(request, written));
    expect(await actions(request.id)).not.toContain('late_write_undone');
  });

  it('the record changes between the decision and the undoing write: nothing is written', async () => {
    const request = await stored();
    const written = plus(request.expiresAt, 1800);
    onGoogle(request, written);
    const read = h.emulator.hold('GetIamPolicy', HELLO);
    const undoing = late.undoLateExtension(request, written);
    await read.reached;
    // another instance takes the request over meanwhile (a revoke's revert, here)
    await h.runwarden.deps.store.transact(request.id, (current) => ({
      ok: true,
      next: {
        ...current,
        op: { type: 'revert', intent: 'revoke', by: 'U0BOB', holder: 'other#2', leaseUntil: plus(h.clock.now(), 300), attempts: 1 },
        updatedAt: h.clock.now(),
      },
      event: { at: h.clock.now(), actor: 'U0BOB', action: 'revoke_requested', detail: {} },
      effects: [],
    }));
    read.release();
    await undoing;
    expect(endOf(request.id)).toBe(expressionOf(request, written));
    expect(await actions(request.id)).not.toContain('late_write_undone');
  });
});

describe('undoLateWrite: a late apply is taken back where the record does not own it', () => {
  it('the request failed meanwhile: the binding is removed, and recorded', async () => {
    const request = await stored({ status: 'failed', endedAt: h.clock.now(), expiresAt: undefined });
    const end = plus(h.clock.now(), 3600);
    onGoogle(request, end);
    await late.undoLateWrite(request, { expiresAt: end, result: {}, wrote: true });
    expect(ours(request.id)).toEqual([]);
    expect(await actions(request.id)).toContain('late_write_undone');
  });

  it('another instance finished the apply with that very binding: it is the grant, left alone', async () => {
    const request = await stored();
    onGoogle(request, request.expiresAt as Date);
    await late.undoLateWrite(request, { expiresAt: request.expiresAt, result: {}, wrote: true });
    expect(ours(request.id)).toHaveLength(1);
    expect(await actions(request.id)).not.toContain('late_write_undone');
  });
});

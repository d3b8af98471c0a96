/**
 * The read-modify-write loop of the IAM adapter, driven through the REAL Cloud
 * Run client against the project's gRPC emulator (Google clients are never
 * replaced): interleavings are armed on the emulator — a foreign write inside
 * SetIamPolicy before its etag check, ABORTED / FAILED_PRECONDITION /
 * UNAVAILABLE answers — and the backoff's sleeps are recorded, not waited.
 */
import { createRunIamPolicy } from '../../../../src/adapters/gcp/runIamPolicy';
import { ErrorCode } from '../../../../src/domain/errors';
import type { IamBinding } from '../../../../src/domain/iamBinding';
import type { IamPolicyPort } from '../../../../src/ports';
import { leaseHeld, rejectionOf, useGcpEmulator } from '../../../integration/gcp/harness';

const RESOURCE = 'projects/acme-prod/locations/us-central1/services/payments';

const ours: IamBinding = {
  role: 'roles/run.invoker',
  members: ['user:alice@acme.example'],
  condition: {
    title: 'runwarden-r2a3b4c5d6',
    description: 'requested by U0ALICE',
    expression: 'request.time < timestamp("2026-11-22T23:00:00Z")',
  },
};
const foreign: IamBinding[] = [
  { role: 'roles/run.admin', members: ['group:platform@acme.example'] },
  {
    role: 'roles/run.invoker',
    members: ['serviceAccount:ci@acme-prod.iam.gserviceaccount.com'],
    condition: { title: 'ci-until-friday', description: 'CI', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' },
  },
  { role: 'roles/run.viewer', members: ['user:bob@acme.example', 'user:carol@acme.example'] },
];
const theirs: IamBinding = { role: 'roles/run.developer', members: ['user:dave@acme.example'] };
const aborted = {
  method: 'SetIamPolicy',
  code: 10,
  message: 'There were concurrent policy changes. Please retry the whole read-modify-write.',
};

describe('runIamPolicy (real client, emulator fault injection)', () => {
  const gcp = useGcpEmulator();
  const sleeps: number[] = [];
  let port: IamPolicyPort;

  const methods = (): string[] =>
    gcp()
      .emulator.calls.map((c) => c.method)
      .filter((m) => m.endsWith('IamPolicy'));
  const bounded = (maxAttempts: number): IamPolicyPort =>
    createRunIamPolicy({
      client: gcp().run,
      maxAttempts,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      random: () => 0.5,
      sleep: async (ms) => void sleeps.push(ms),
    });

  beforeEach(() => {
    sleeps.length = 0;
    port = bounded(8);
    gcp().emulator.seedService({ name: RESOURCE, bindings: foreign });
  });

  describe('addBinding', () => {
    it('reads v3 and writes v3 with the read etag, our binding after the others, untouched', async () => {
      const etag = gcp().emulator.policy(RESOURCE).etag;
      await expect(port.addBinding(RESOURCE, ours, leaseHeld)).resolves.toEqual({ type: 'added' });
      const [get, set] = gcp().emulator.calls;
      expect(get?.request).toMatchObject({ resource: RESOURCE, options: { requestedPolicyVersion: 3 } });
      const written = (set?.request as { policy: { version: number; etag: Buffer } }).policy;
      expect(written.version).toBe(3);
      expect(Buffer.from(written.etag).toString('base64')).toBe(etag);
      expect(gcp().emulator.policy(RESOURCE)).toMatchObject({ version: 3, bindings: [...foreign, ours] });
    });

    it('redoes the whole read-modify-write after ABORTED twice, with jittered exponential backoff', async () => {
      gcp().emulator.injectFault({ ...aborted, times: 2 });
      await expect(port.addBinding(RESOURCE, ours, leaseHeld)).resolves.toEqual({ type: 'added' });
      expect(methods()).toEqual(['GetIamPolicy', 'SetIamPolicy', 'GetIamPolicy', 'SetIamPolicy', 'GetIamPolicy', 'SetIamPolicy']);
      expect(sleeps).toEqual([0.5 * 100, 0.5 * 200]);
      expect(gcp().emulator.policy(RESOURCE).bindings).toEqual([...foreign, ours]);
    });

    it('keeps a binding someone else wrote between our read and our write (stale etag → re-read)', async () => {
      gcp().emulator.beforeSetIamPolicy((resource) => gcp().emulator.foreignSetBindings(resource, [...foreign, theirs]), { times: 1 });
      await expect(port.addBinding(RESOURCE, ours, leaseHeld)).resolves.toEqual({ type: 'added' });
      expect(methods()).toEqual(['GetIamPolicy', 'SetIamPolicy', 'GetIamPolicy', 'SetIamPolicy']);
      expect(gcp().emulator.policy(RESOURCE).bindings).toEqual([...foreign, theirs, ours]);
    });

    it('gives up with Conflict after maxAttempts, sleeping with capped full-jitter backoff in between', async () => {
      gcp().emulator.injectFault({ ...aborted, times: 10 });
      const error = await rejectionOf(bounded(6).addBinding(RESOURCE, ours, leaseHeld));
      expect(error.code).toBe(ErrorCode.Conflict);
      expect(error.userMessage).toContain(RESOURCE);
      expect(methods().filter((m) => m === 'SetIamPolicy')).toHaveLength(6);
      // random() * min(cap 1000, 100 * 2^attempt)
      expect(sleeps).toEqual([50, 100, 200, 400, 500]);
      expect(gcp().emulator.policy(RESOURCE).bindings).toEqual(foreign);
    });

    it('retries FAILED_PRECONDITION about the etag and UNAVAILABLE on read, but not other preconditions', async () => {
      gcp().emulator.injectFault({ method: 'GetIamPolicy', code: 14, message: 'connection reset' });
      gcp().emulator.injectFault({ method: 'SetIamPolicy', code: 9, message: 'The etag does not match the current policy.' });
      await expect(port.addBinding(RESOURCE, ours, leaseHeld)).resolves.toEqual({ type: 'added' });
      expect(methods().filter((m) => m === 'GetIamPolicy').length).toBeGreaterThanOrEqual(3);

      gcp().emulator.reset();
      gcp().emulator.seedService({ name: RESOURCE, bindings: foreign });
      gcp().emulator.injectFault({ method: 'SetIamPolicy', code: 9, message: 'Conditions are not supported for this role.' });
      const error = await rejectionOf(port.addBinding(RESOURCE, ours, leaseHeld));
      expect(error.code).toBe(ErrorCode.Precondition);
      expect(error.operatorMessage).toContain('Conditions are not supported for this role.');
      expect(error.userMessage).not.toContain('Conditions are not supported');
      expect(methods().filter((m) => m === 'SetIamPolicy')).toHaveLength(1);
    });

    it('does not retry PERMISSION_DENIED: it becomes PermissionDenied naming the service', async () => {
      gcp().emulator.injectFault({ method: 'GetIamPolicy', code: 7, message: "Permission 'run.services.getIamPolicy' denied" });
      const error = await rejectionOf(port.addBinding(RESOURCE, ours, leaseHeld));
      expect(error.code).toBe(ErrorCode.PermissionDenied);
      expect(error.userMessage).toContain(RESOURCE);
      expect(methods()).toEqual(['GetIamPolicy']);
    });

    it('refuses a binding without a condition title (it could never be found again), before reading', async () => {
      const error = await rejectionOf(
        port.addBinding(RESOURCE, { role: 'roles/run.invoker', members: ['user:a@acme.example'] }, leaseHeld),
      );
      expect(error.code).toBe(ErrorCode.Precondition);
      expect(methods()).toEqual([]);
    });
  });

  describe('removeBinding', () => {
    it('removes exactly our binding and keeps the rest in order', async () => {
      gcp().emulator.seedService({ name: RESOURCE, bindings: [foreign[0] as IamBinding, ours, ...foreign.slice(1)] });
      await expect(port.removeBinding(RESOURCE, ours, leaseHeld)).resolves.toEqual({ type: 'removed' });
      expect(gcp().emulator.policy(RESOURCE).bindings).toEqual(foreign);
    });

    it('does not touch a lookalike under another title', async () => {
      const lookalike: IamBinding = {
        ...ours,
        condition: { ...(ours.condition as NonNullable<IamBinding['condition']>), title: 'runwarden-r2a3b4c5d7' },
      };
      gcp().emulator.seedService({ name: RESOURCE, bindings: [...foreign, lookalike, ours] });
      await port.removeBinding(RESOURCE, ours, leaseHeld);
      expect(gcp().emulator.policy(RESOURCE).bindings).toEqual([...foreign, lookalike]);
    });

    it('answers absent and writes nothing when no binding has the title', async () => {
      await expect(port.removeBinding(RESOURCE, ours, leaseHeld)).resolves.toEqual({ type: 'absent' });
      expect(methods()).toEqual(['GetIamPolicy']);
    });

    it('retries on a stale etag and keeps a binding written concurrently', async () => {
      gcp().emulator.seedService({ name: RESOURCE, bindings: [...foreign, ours] });
      gcp().emulator.beforeSetIamPolicy((resource) => gcp().emulator.foreignSetBindings(resource, [...foreign, ours, theirs]), {
        times: 1,
      });
      await expect(port.removeBinding(RESOURCE, ours, leaseHeld)).resolves.toEqual({ type: 'removed' });
      expect(gcp().emulator.policy(RESOURCE).bindings).toEqual([...foreign, theirs]);
    });
  });

  describe("only runwarden's own bindings (title runwarden-<request id>)", () => {
    const ci = foreign[1] as IamBinding;
    const standing = foreign[0] as IamBinding;
    const titled = (title: string): IamBinding => ({
      ...ours,
      condition: { ...(ours.condition as NonNullable<IamBinding['condition']>), title },
    });
    const notOurs: Array<[string, IamBinding]> = [
      ['someone else’s conditional binding', ci],
      ['a binding without a condition (standing access)', standing],
      ['our prefix with something that is no request id', titled('runwarden-r1')],
      ['our prefix with an upper-case id', titled('runwarden-R2A3B4C5D6')],
      ['our prefix with a trailing space', titled('runwarden-r2a3b4c5d6 ')],
    ];

    it.each(notOurs)('never removes %s, and reads nothing', async (_what, binding) => {
      const error = await rejectionOf(port.removeBinding(RESOURCE, binding, leaseHeld));
      expect(error.code).toBe(ErrorCode.Precondition);
      expect(methods()).toEqual([]);
      expect(gcp().emulator.policy(RESOURCE).bindings).toEqual(foreign);
    });

    it.each(notOurs)('never adds %s', async (_what, binding) => {
      gcp().emulator.seedService({ name: RESOURCE, bindings: [] });
      expect((await rejectionOf(port.addBinding(RESOURCE, binding, leaseHeld))).code).toBe(ErrorCode.Precondition);
      expect(methods()).toEqual([]);
    });

    it.each(notOurs)('never replaces %s, nor puts one in place of ours', async (_what, binding) => {
      expect((await rejectionOf(port.replaceBinding(RESOURCE, binding, binding, leaseHeld))).code).toBe(ErrorCode.Precondition);
      expect((await rejectionOf(port.replaceBinding(RESOURCE, ours, binding, leaseHeld))).code).toBe(ErrorCode.Precondition);
      expect(methods()).toEqual([]);
    });

    it('refuses only the foreign removal of a batch: ours is removed in the one write, theirs stays', async () => {
      gcp().emulator.seedService({ name: RESOURCE, bindings: [...foreign, ours] });
      const results = await port.removeBindings(RESOURCE, [
        { binding: ci, beforeWrite: leaseHeld },
        { binding: ours, beforeWrite: leaseHeld },
      ]);
      expect(results[0]).toMatchObject({ ok: false, error: { code: ErrorCode.Precondition } });
      expect(results[1]).toEqual({ ok: true, change: { type: 'removed' } });
      expect(methods()).toEqual(['GetIamPolicy', 'SetIamPolicy']);
      expect(gcp().emulator.policy(RESOURCE).bindings).toEqual(foreign);
    });
  });

  describe('getBindings', () => {
    it('maps the v3 policy to IamBindings', async () => {
      await expect(port.getBindings(RESOURCE)).resolves.toEqual(foreign.map((b) => ({ ...b, condition: b.condition })));
    });

    it('turns NOT_FOUND into ResourceNotFound naming the service', async () => {
      const error = await rejectionOf(port.getBindings('projects/acme-prod/locations/us-central1/services/gone'));
      expect(error.code).toBe(ErrorCode.ResourceNotFound);
      expect(error.userMessage).toContain('services/gone');
    });
  });
});

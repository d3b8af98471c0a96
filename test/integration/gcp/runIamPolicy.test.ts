/**
 * The IAM adapter through the real Cloud Run client against the project's
 * gRPC emulator: version-3 conditional bindings, other bindings preserved,
 * etag conflicts retried, errors mapped.
 */
import { createRunIamPolicy } from '../../../src/adapters/gcp/runIamPolicy';
import { ErrorCode, WardenError } from '../../../src/domain/errors';
import type { IamBinding } from '../../../src/domain/iamBinding';
import type { IamPolicyPort } from '../../../src/ports';
import { leaseHeld, rejectionOf, useGcpEmulator } from './harness';

const SERVICE = 'projects/acme-prod/locations/us-central1/services/payments';

const ours: IamBinding = {
  role: 'roles/run.invoker',
  members: ['user:alice@acme.example'],
  condition: {
    title: 'runwarden-r2a3b4c5d6',
    description: 'requested by U0ALICE, approved by U0BOB: debugging checkout',
    expression: 'request.time < timestamp("2026-11-22T23:00:00Z")',
  },
};
const foreign: IamBinding[] = [
  { role: 'roles/run.admin', members: ['group:platform@acme.example'] },
  {
    role: 'roles/run.invoker',
    members: ['serviceAccount:ci@acme-prod.iam.gserviceaccount.com'],
    condition: { title: 'ci-until-2030', description: 'CI', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' },
  },
];

describe('Cloud Run IAM policy adapter (real client, gRPC emulator)', () => {
  const gcp = useGcpEmulator();
  let iam: IamPolicyPort;
  const sleeps: number[] = [];

  beforeEach(() => {
    sleeps.length = 0;
    iam = createRunIamPolicy({
      client: gcp().run,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    gcp().emulator.seedService({ name: SERVICE, bindings: foreign });
  });

  it('adds a version-3 binding with exactly our condition, after the bindings already there', async () => {
    await expect(iam.addBinding(SERVICE, ours, leaseHeld)).resolves.toEqual({ type: 'added' });
    const policy = gcp().emulator.policy(SERVICE);
    expect(policy.version).toBe(3);
    expect(policy.bindings).toEqual([...foreign, ours]);

    const get = gcp().emulator.calls.find((c) => c.method === 'GetIamPolicy');
    expect(get?.request).toMatchObject({ resource: SERVICE, options: { requestedPolicyVersion: 3 } });
    await expect(iam.getBindings(SERVICE)).resolves.toEqual([{ ...foreign[0], condition: undefined }, foreign[1], ours]);
  });

  it('is idempotent on the title', async () => {
    await iam.addBinding(SERVICE, ours, leaseHeld);
    await expect(iam.addBinding(SERVICE, ours, leaseHeld)).resolves.toEqual({ type: 'present' });
    expect(gcp().emulator.policy(SERVICE).bindings).toEqual([...foreign, ours]);
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(1);
  });

  it('replaces our binding in place with one SetIamPolicy (an extension), and is idempotent', async () => {
    await iam.addBinding(SERVICE, ours, leaseHeld);
    gcp().emulator.calls.length = 0;
    const later: IamBinding = {
      ...ours,
      condition: { ...ours.condition!, expression: 'request.time < timestamp("2026-11-23T01:00:00Z")' },
    };
    await expect(iam.replaceBinding(SERVICE, ours, later, leaseHeld)).resolves.toEqual({ type: 'replaced' });
    expect(gcp().emulator.policy(SERVICE).bindings).toEqual([...foreign, later]);
    await expect(iam.replaceBinding(SERVICE, ours, later, leaseHeld)).resolves.toEqual({ type: 'present' });
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(1);
  });

  it('never writes a replacement when our binding is gone or is not ours any more', async () => {
    const later: IamBinding = {
      ...ours,
      condition: { ...ours.condition!, expression: 'request.time < timestamp("2026-11-23T01:00:00Z")' },
    };
    await expect(iam.replaceBinding(SERVICE, ours, later, leaseHeld)).resolves.toEqual({ type: 'absent' });
    const mallory = { ...ours, members: ['user:mallory@acme.example'] };
    await iam.addBinding(SERVICE, mallory, leaseHeld);
    await expect(iam.replaceBinding(SERVICE, ours, later, leaseHeld)).resolves.toEqual({ type: 'foreign', found: mallory });
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(1);
  });

  it('retries the whole read-modify-write when someone else writes between our read and our write', async () => {
    const theirs: IamBinding = { role: 'roles/run.developer', members: ['user:dave@acme.example'] };
    gcp().emulator.beforeSetIamPolicy((resource) => gcp().emulator.foreignSetBindings(resource, [...foreign, theirs]), {
      times: 1,
      resource: SERVICE,
    });
    await expect(iam.addBinding(SERVICE, ours, leaseHeld)).resolves.toEqual({ type: 'added' });

    expect(gcp().emulator.policy(SERVICE).bindings).toEqual([...foreign, theirs, ours]);
    const methods = gcp()
      .emulator.calls.map((c) => c.method)
      .filter((m) => m.endsWith('IamPolicy'));
    expect(methods).toEqual(['GetIamPolicy', 'SetIamPolicy', 'GetIamPolicy', 'SetIamPolicy']);
    expect(sleeps).toEqual([50]);
  });

  it('retries after ABORTED twice, then succeeds', async () => {
    gcp().emulator.injectFault({ method: 'SetIamPolicy', code: 10, message: 'There were concurrent policy changes.', times: 2 });
    await expect(iam.addBinding(SERVICE, ours, leaseHeld)).resolves.toEqual({ type: 'added' });
    expect(gcp().emulator.policy(SERVICE).bindings).toEqual([...foreign, ours]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('gives up with Conflict after the bounded number of attempts', async () => {
    const bounded = createRunIamPolicy({ client: gcp().run, maxAttempts: 3, random: () => 0, sleep: async () => {} });
    gcp().emulator.injectFault({ method: 'SetIamPolicy', code: 10, message: 'There were concurrent policy changes.', times: 5 });
    const error = await rejectionOf(bounded.addBinding(SERVICE, ours, leaseHeld));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.userMessage).toContain(SERVICE);
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(3);
    expect(gcp().emulator.policy(SERVICE).bindings).toEqual(foreign);
  });

  it('removes exactly our binding by title and leaves every other binding as it was', async () => {
    await iam.addBinding(SERVICE, ours, leaseHeld);
    const theirs: IamBinding = { role: 'roles/run.developer', members: ['user:dave@acme.example'] };
    gcp().emulator.foreignSetBindings(SERVICE, [...gcp().emulator.policy(SERVICE).bindings, theirs]);

    await expect(iam.removeBinding(SERVICE, ours, leaseHeld)).resolves.toEqual({ type: 'removed' });
    expect(gcp().emulator.policy(SERVICE).bindings).toEqual([...foreign, theirs]);
    expect(gcp().emulator.policy(SERVICE).version).toBe(3);
    await expect(iam.removeBinding(SERVICE, ours, leaseHeld)).resolves.toEqual({ type: 'absent' });
  });

  it('never adopts nor removes another binding under our title (other role, member or expression)', async () => {
    const condition = ours.condition as NonNullable<IamBinding['condition']>;
    const impostors: IamBinding[] = [
      { ...ours, role: 'roles/run.admin' },
      { ...ours, members: ['user:eve@acme.example'] },
      { ...ours, condition: { ...condition, expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' } },
    ];
    for (const impostor of impostors) {
      gcp().emulator.foreignSetBindings(SERVICE, [...foreign, impostor]);
      await expect(iam.addBinding(SERVICE, ours, leaseHeld)).resolves.toEqual({ type: 'foreign', found: impostor });
      await expect(iam.removeBinding(SERVICE, ours, leaseHeld)).resolves.toEqual({ type: 'foreign', found: impostor });
      expect(gcp().emulator.policy(SERVICE).bindings).toEqual([...foreign, impostor]);
    }
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(0);
  });

  it('calls beforeWrite right before each SetIamPolicy, and writes nothing when it throws', async () => {
    const order: string[] = [];
    gcp().emulator.injectFault({ method: 'SetIamPolicy', code: 10, message: 'There were concurrent policy changes.', times: 1 });
    await iam.addBinding(SERVICE, ours, async () => void order.push(`guard after ${gcp().emulator.calls.length} calls`));
    expect(order).toEqual(['guard after 1 calls', 'guard after 3 calls']);

    const lost = new WardenError(ErrorCode.LeaseLost, 'lease lost');
    await expect(iam.removeBinding(SERVICE, ours, () => Promise.reject(lost))).rejects.toBe(lost);
    expect(gcp().emulator.policy(SERVICE).bindings).toEqual([...foreign, ours]);
  });

  it('turns NOT_FOUND into ResourceNotFound naming the service', async () => {
    const missing = 'projects/acme-prod/locations/us-central1/services/nope';
    const error = await rejectionOf(iam.addBinding(missing, ours, leaseHeld));
    expect(error.code).toBe(ErrorCode.ResourceNotFound);
    expect(error.userMessage).toBe(`the IAM policy of Cloud Run service ${missing} was not found.`);
  });

  it('turns PERMISSION_DENIED into PermissionDenied, Google’s message for the operators only, without retrying', async () => {
    const denied = "Permission 'run.services.setIamPolicy' denied on resource (or it may not exist).";
    gcp().emulator.injectFault({ method: 'SetIamPolicy', code: 7, message: denied });
    const error = await rejectionOf(iam.addBinding(SERVICE, ours, leaseHeld));
    expect(error.code).toBe(ErrorCode.PermissionDenied);
    expect(error.operatorMessage).toContain(denied);
    expect(error.userMessage).not.toContain(denied);
    expect(error.userMessage).toContain(SERVICE);
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(1);
  });
});

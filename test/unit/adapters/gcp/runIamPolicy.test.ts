/**
 * The read-modify-write loop of the IAM adapter, driven by a scripted
 * in-memory IAM policy so interleavings (a foreign write between our read and
 * our write, ABORTED answers, …) happen exactly and without real waiting.
 * The same behaviour against the real client and the gRPC emulator is in
 * test/integration/gcp/runIamPolicy.test.ts.
 */
import type { protos } from '@google-cloud/run';
import { ErrorCode, WardenError } from '../../../../src/domain/errors';
import { createRunIamPolicy, type IamPolicyClient } from '../../../../src/adapters/gcp/runIamPolicy';
import type { IamBinding } from '../../../../src/ports';

type Policy = protos.google.iam.v1.IPolicy;
type Binding = protos.google.iam.v1.IBinding;

const RESOURCE = 'projects/acme-prod/locations/us-central1/services/payments';

const ours: IamBinding = {
  role: 'roles/run.invoker',
  members: ['user:alice@acme.example'],
  condition: {
    title: 'runwarden-r1',
    description: 'requested by U0ALICE',
    expression: 'request.time < timestamp("2026-11-22T23:00:00Z")',
  },
};

const foreign: Binding[] = [
  { role: 'roles/run.admin', members: ['group:platform@acme.example'], condition: null },
  {
    role: 'roles/run.invoker',
    members: ['serviceAccount:ci@acme-prod.iam.gserviceaccount.com'],
    condition: { title: 'ci-until-friday', description: '', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")', location: '' },
  },
  { role: 'roles/run.viewer', members: ['user:bob@acme.example', 'user:carol@acme.example'], condition: null },
];

function grpcError(code: number, name: string, details: string): Error {
  return Object.assign(new Error(`${code} ${name}: ${details}`), { code, details });
}
const aborted = (): Error =>
  grpcError(10, 'ABORTED', 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.');

/** An IAM policy with etags; scripted failures and foreign writes run before a setIamPolicy. */
function fakeIam(bindings: Binding[], version = 1) {
  let etagCounter = 0;
  let policy: Policy = { version, bindings: structuredClone(bindings), etag: Buffer.from(`etag-${etagCounter}`) };
  const reads: protos.google.iam.v1.IGetIamPolicyRequest[] = [];
  const writes: protos.google.iam.v1.ISetIamPolicyRequest[] = [];
  const readFailures: Error[] = [];
  const beforeWrite: Array<() => Error | undefined> = [];

  const replace = (next: Policy): void => {
    etagCounter += 1;
    policy = { ...structuredClone(next), etag: Buffer.from(`etag-${etagCounter}`) };
  };

  const client: IamPolicyClient = {
    async getIamPolicy(request) {
      reads.push(structuredClone(request));
      const failure = readFailures.shift();
      if (failure) throw failure;
      return [structuredClone(policy)];
    },
    async setIamPolicy(request) {
      writes.push(structuredClone(request));
      const failure = beforeWrite.shift()?.();
      if (failure) throw failure;
      const sent = request.policy ?? {};
      if (Buffer.compare(Buffer.from(sent.etag ?? ''), Buffer.from(policy.etag ?? '')) !== 0) throw aborted();
      replace({ version: sent.version ?? 1, bindings: sent.bindings ?? [] });
      return [structuredClone(policy)];
    },
  };

  return {
    client,
    reads,
    writes,
    readFailures,
    beforeWrite,
    current: (): Policy => structuredClone(policy),
    /** someone else edits the policy (their own read-modify-write, which succeeds) */
    foreignWrite(next: Binding[]): void {
      replace({ version: 3, bindings: next });
    },
  };
}

function setup(bindings: Binding[] = foreign, options: { maxAttempts?: number; version?: number } = {}) {
  const iam = fakeIam(bindings, options.version);
  const sleeps: number[] = [];
  const port = createRunIamPolicy({
    client: iam.client,
    maxAttempts: options.maxAttempts,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { iam, port, sleeps };
}

const titles = (policy: Policy): Array<string | null | undefined> => (policy.bindings ?? []).map((b) => b.condition?.title);

async function rejection(promise: Promise<unknown>): Promise<WardenError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WardenError)) throw new Error(`expected a WardenError, got ${String(error)}`);
  return error;
}

describe('runIamPolicy.addBinding', () => {
  it('reads v3 and writes v3 with the read etag, appending our binding after the others, untouched', async () => {
    const { iam, port } = setup();
    await expect(port.addBinding(RESOURCE, ours)).resolves.toBe('added');

    expect(iam.reads).toEqual([{ resource: RESOURCE, options: { requestedPolicyVersion: 3 } }]);
    expect(iam.writes).toHaveLength(1);
    const written = iam.writes[0]?.policy;
    expect(written?.version).toBe(3);
    expect(Buffer.from(written?.etag ?? '').toString()).toBe('etag-0');
    expect(written?.bindings).toEqual([
      ...foreign,
      { role: ours.role, members: ours.members, condition: ours.condition },
    ]);
  });

  it('writes version 3 even though the policy read was version 1', async () => {
    const { iam, port } = setup(foreign, { version: 1 });
    await port.addBinding(RESOURCE, ours);
    expect(iam.current().version).toBe(3);
  });

  it('is idempotent on the condition title: a binding with that title means present, and nothing is written', async () => {
    const { iam, port } = setup();
    await port.addBinding(RESOURCE, ours);
    await expect(port.addBinding(RESOURCE, { ...ours, members: ['user:someone-else@acme.example'] })).resolves.toBe(
      'present',
    );
    expect(iam.writes).toHaveLength(1);
  });

  it('redoes the whole read-modify-write after ABORTED twice, then succeeds', async () => {
    const { iam, port, sleeps } = setup();
    iam.beforeWrite.push(aborted, aborted);
    await expect(port.addBinding(RESOURCE, ours)).resolves.toBe('added');
    expect(iam.reads).toHaveLength(3);
    expect(iam.writes).toHaveLength(3);
    expect(sleeps).toEqual([0.5 * 100, 0.5 * 200]);
    expect(titles(iam.current())).toEqual([undefined, 'ci-until-friday', undefined, 'runwarden-r1']);
  });

  it('keeps a binding someone else wrote between our read and our write (stale etag → ABORTED → re-read)', async () => {
    const { iam, port } = setup();
    const theirs: Binding = { role: 'roles/run.developer', members: ['user:dave@acme.example'], condition: null };
    iam.beforeWrite.push(() => {
      iam.foreignWrite([...foreign, theirs]);
      return undefined;
    });
    await expect(port.addBinding(RESOURCE, ours)).resolves.toBe('added');
    expect(iam.writes).toHaveLength(2);
    expect(Buffer.from(iam.writes[1]?.policy?.etag ?? '').toString()).toBe('etag-1');
    expect(iam.current().bindings).toEqual([
      ...foreign,
      theirs,
      { role: ours.role, members: ours.members, condition: ours.condition },
    ]);
  });

  it('gives up with Conflict after maxAttempts, sleeping with capped full-jitter backoff in between', async () => {
    const { iam, port, sleeps } = setup(foreign, { maxAttempts: 6 });
    iam.beforeWrite.push(...Array.from({ length: 10 }, () => aborted));
    const error = await rejection(port.addBinding(RESOURCE, ours));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.userMessage).toContain(RESOURCE);
    expect(iam.reads).toHaveLength(6);
    expect(iam.writes).toHaveLength(6);
    // random() * min(cap 1000, 100 * 2^attempt)
    expect(sleeps).toEqual([50, 100, 200, 400, 500]);
    expect(iam.current().bindings).toEqual(foreign);
  });

  it('retries FAILED_PRECONDITION about the etag and UNAVAILABLE, but not other preconditions', async () => {
    const { iam, port } = setup();
    iam.readFailures.push(grpcError(14, 'UNAVAILABLE', 'connection reset'));
    iam.beforeWrite.push(() => grpcError(9, 'FAILED_PRECONDITION', 'The etag does not match the current policy.'));
    await expect(port.addBinding(RESOURCE, ours)).resolves.toBe('added');
    expect(iam.reads).toHaveLength(3);

    const other = setup();
    other.iam.beforeWrite.push(() => grpcError(9, 'FAILED_PRECONDITION', 'Conditions are not supported for this role.'));
    const error = await rejection(other.port.addBinding(RESOURCE, ours));
    expect(error.code).toBe(ErrorCode.Precondition);
    expect(error.userMessage).toContain('Conditions are not supported for this role.');
    expect(other.iam.writes).toHaveLength(1);
  });

  it('does not retry PERMISSION_DENIED: it becomes PermissionDenied with Google’s message', async () => {
    const { iam, port } = setup();
    iam.readFailures.push(grpcError(7, 'PERMISSION_DENIED', "Permission 'run.services.getIamPolicy' denied"));
    const error = await rejection(port.addBinding(RESOURCE, ours));
    expect(error.code).toBe(ErrorCode.PermissionDenied);
    expect(error.userMessage).toContain("Permission 'run.services.getIamPolicy' denied");
    expect(error.userMessage).toContain(RESOURCE);
    expect(iam.reads).toHaveLength(1);
  });

  it('refuses a binding without a condition title (it could never be found again)', async () => {
    const { iam, port } = setup();
    const error = await rejection(port.addBinding(RESOURCE, { role: 'roles/run.invoker', members: ['user:a@acme.example'] }));
    expect(error.code).toBe(ErrorCode.Precondition);
    expect(iam.reads).toHaveLength(0);
  });
});

describe('runIamPolicy.removeBinding', () => {
  const ourBinding: Binding = { role: ours.role, members: ours.members, condition: ours.condition };

  it('removes exactly the bindings with that title, even one holding other members, and keeps the rest in order', async () => {
    const shared: Binding = { ...ourBinding, members: ['user:alice@acme.example', 'user:mallory@acme.example'] };
    const { iam, port } = setup([foreign[0]!, shared, foreign[1]!, foreign[2]!]);
    await expect(port.removeBinding(RESOURCE, 'runwarden-r1')).resolves.toBe('removed');
    const written = iam.writes[0]?.policy;
    expect(written?.version).toBe(3);
    expect(Buffer.from(written?.etag ?? '').toString()).toBe('etag-0');
    expect(iam.current().bindings).toEqual(foreign);
  });

  it('does not match by role or member, only by title', async () => {
    const lookalike: Binding = { ...ourBinding, condition: { ...ours.condition, title: 'runwarden-r10' } };
    const { iam, port } = setup([...foreign, lookalike, ourBinding]);
    await port.removeBinding(RESOURCE, 'runwarden-r1');
    expect(iam.current().bindings).toEqual([...foreign, lookalike]);
  });

  it('answers absent and writes nothing when no binding has the title', async () => {
    const { iam, port } = setup();
    await expect(port.removeBinding(RESOURCE, 'runwarden-r1')).resolves.toBe('absent');
    expect(iam.writes).toHaveLength(0);
  });

  it('retries on ABORTED and keeps a binding written concurrently', async () => {
    const { iam, port } = setup([...foreign, ourBinding]);
    const theirs: Binding = { role: 'roles/run.developer', members: ['user:dave@acme.example'], condition: null };
    iam.beforeWrite.push(() => {
      iam.foreignWrite([...foreign, ourBinding, theirs]);
      return undefined;
    });
    await expect(port.removeBinding(RESOURCE, 'runwarden-r1')).resolves.toBe('removed');
    expect(iam.current().bindings).toEqual([...foreign, theirs]);
  });
});

describe('runIamPolicy.getBindings', () => {
  it('maps the v3 policy to IamBindings', async () => {
    const { iam, port } = setup([foreign[0]!, foreign[1]!]);
    await expect(port.getBindings(RESOURCE)).resolves.toEqual([
      { role: 'roles/run.admin', members: ['group:platform@acme.example'], condition: undefined },
      {
        role: 'roles/run.invoker',
        members: ['serviceAccount:ci@acme-prod.iam.gserviceaccount.com'],
        condition: { title: 'ci-until-friday', description: '', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' },
      },
    ]);
    expect(iam.reads[0]?.options?.requestedPolicyVersion).toBe(3);
  });

  it('turns NOT_FOUND into ResourceNotFound naming the service', async () => {
    const { iam, port } = setup();
    iam.readFailures.push(grpcError(5, 'NOT_FOUND', `Resource '${RESOURCE}' was not found`));
    const error = await rejection(port.getBindings(RESOURCE));
    expect(error.code).toBe(ErrorCode.ResourceNotFound);
    expect(error.userMessage).toContain(RESOURCE);
  });
});

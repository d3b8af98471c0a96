/**
 * The posture conversion's write, through the real Cloud Run client against
 * the project's emulator: exactly the scanned members leave exactly that
 * binding; everything else in the policy stays as it was; a concurrent write
 * is retried; a binding that changed since the scan is refused, unwritten.
 */
import { createStandingBindings } from '../../../src/adapters/gcp/standingBindings';
import type { PlainBinding } from '../../../dev/emulator';
import type { StandingBindingsPort } from '../../../src/ports';
import { leaseHeld, useGcpEmulator } from './harness';

const SERVICE = 'projects/acme-prod/locations/us-central1/services/orders';
const CI = 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com';
const GRANT = { title: 'runwarden-r2a3b4c5d6', description: 'd', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' };
const POLICY: PlainBinding[] = [
  { role: 'roles/run.admin', members: ['group:platform@acme.example'] },
  { role: 'roles/run.invoker', members: ['user:alice@acme.example', 'group:eng@acme.example', CI] },
  { role: 'roles/run.invoker', members: ['user:alice@acme.example'], condition: GRANT },
];
const CHANGE = {
  role: 'roles/run.invoker',
  members: ['user:alice@acme.example', 'group:eng@acme.example'],
  expected: ['user:alice@acme.example', 'group:eng@acme.example', CI],
};

describe('standing binding removal (real client, gRPC emulator)', () => {
  const gcp = useGcpEmulator();
  let port: StandingBindingsPort;

  beforeEach(() => {
    port = createStandingBindings({ client: gcp().run, random: () => 0, sleep: async () => undefined });
    gcp().emulator.seedService({ name: SERVICE, bindings: POLICY });
  });

  it('removes exactly those members from that binding; other bindings and other members untouched', async () => {
    await expect(port.removeMembers(SERVICE, CHANGE, leaseHeld)).resolves.toEqual({ type: 'removed' });
    expect(gcp().emulator.policy(SERVICE).bindings).toEqual([POLICY[0], { role: 'roles/run.invoker', members: [CI] }, POLICY[2]]);
  });

  it('drops the binding when it empties', async () => {
    gcp().emulator.foreignSetBindings(SERVICE, [
      POLICY[0] as PlainBinding,
      { role: 'roles/run.invoker', members: ['user:alice@acme.example'] },
    ]);
    await expect(
      port.removeMembers(
        SERVICE,
        { role: 'roles/run.invoker', members: ['user:alice@acme.example'], expected: ['user:alice@acme.example'] },
        leaseHeld,
      ),
    ).resolves.toEqual({ type: 'removed' });
    expect(gcp().emulator.policy(SERVICE).bindings).toEqual([POLICY[0]]);
  });

  it('retries the whole read-modify-write after a concurrent write, keeping that write', async () => {
    const other: PlainBinding = { role: 'roles/run.viewer', members: ['user:dave@acme.example'] };
    gcp().emulator.beforeSetIamPolicy(() => gcp().emulator.foreignSetBindings(SERVICE, [...POLICY, other]), { times: 1 });
    await expect(port.removeMembers(SERVICE, CHANGE, leaseHeld)).resolves.toEqual({ type: 'removed' });
    expect(gcp().emulator.policy(SERVICE).bindings).toEqual([POLICY[0], { role: 'roles/run.invoker', members: [CI] }, POLICY[2], other]);
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(2);
  });

  it.each([
    [
      'a member was added to the binding',
      [POLICY[0], { role: 'roles/run.invoker', members: [...CHANGE.expected, 'user:mallory@acme.example'] }],
      [...CHANGE.expected, 'user:mallory@acme.example'],
    ],
    [
      'the binding became conditional',
      [POLICY[0], { role: 'roles/run.invoker', members: CHANGE.expected, condition: { ...GRANT, title: 'until-2030' } }],
      undefined,
    ],
    [
      'a member to remove left it and another member too',
      [POLICY[0], { role: 'roles/run.invoker', members: ['group:eng@acme.example'] }],
      ['group:eng@acme.example'],
    ],
  ])('refuses, writing nothing, when %s', async (_, bindings, found) => {
    gcp().emulator.foreignSetBindings(SERVICE, bindings as PlainBinding[]);
    const before = gcp().emulator.policy(SERVICE);
    const answer = await port.removeMembers(SERVICE, CHANGE, leaseHeld);
    expect(answer).toEqual({ type: 'changed', found: found === undefined ? undefined : [...found].sort() });
    expect(gcp().emulator.policy(SERVICE)).toEqual(before);
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toEqual([]);
  });

  it('is idempotent: a second attempt after the write finds it done and writes nothing', async () => {
    await port.removeMembers(SERVICE, CHANGE, leaseHeld);
    await expect(port.removeMembers(SERVICE, CHANGE, leaseHeld)).resolves.toEqual({ type: 'already_removed' });
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(1);
  });

  it('runs the lease check right before the write; a lost lease writes nothing', async () => {
    const lost = async (): Promise<void> => {
      throw new Error('lease lost');
    };
    await expect(port.removeMembers(SERVICE, CHANGE, lost)).rejects.toThrow();
    expect(gcp().emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toEqual([]);
  });
});

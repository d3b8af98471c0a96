/**
 * Extensions end to end (SPEC §9): `/warden extend` by the requester, decided
 * with the buttons of the extension's own message, applied by replacing the
 * binding in ONE SetIamPolicy (SPEC §8), lapsing at expiry.
 */
import { startHarness, service, PROJECT, APPROVALS_CHANNEL, type Harness } from '../../support/harness';
import type { AccessRequest } from '../../../src/domain/request';

jest.setTimeout(180_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL, U0ALICE]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/fixed-*"]
    maxDuration: 8h
    approvers: platform
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 2h
    approvers: platform
    maxExtensions: 1
  - kind: egress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 1d
    approvers: platform
    approvals: 2
    maxExtensions: 3
`;

let h: Harness;
const HELLO = service('hello');

beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: HELLO, bindings: [{ role: 'roles/run.admin', members: ['group:admins@acme.example'] }] });
  h.emulator.seedService({ name: service('fixed-api') });
  h.emulator.seedService({
    name: service('payments'),
    vpcConnector: `projects/${PROJECT}/locations/us-central1/connectors/c1`,
    egress: 'private-ranges-only',
  });
});

const iso = (date: Date | undefined): string => (date?.toISOString() ?? '').replace('.000Z', 'Z');
const ours = (resource: string) => h.emulator.policy(resource).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));

async function activeGrant(text = 'invoker hello 1h debugging'): Promise<AccessRequest> {
  const id = await h.submit('U0ALICE', text);
  await h.click('U0BOB', 'approve', id);
  return h.waitForStatus(id, 'active');
}

async function askExtension(id: string, text = '30m still debugging'): Promise<string> {
  return h.ask('U0ALICE', `extend ${id} ${text}`);
}

async function pressExtension(user: string, id: string, n: number, decision: 'approve' | 'deny') {
  const message = await h.slack.waitFor(() => h.extensionMessage(id, n), {
    description: `extension ${n} message of ${id}`,
    timeoutMs: 60_000,
  });
  return h.press(user, `runwarden_extension_${decision}`, `${id}.${n}`, message);
}

it('approved: the binding is replaced in one SetIamPolicy, expiresAt follows, the requester is told', async () => {
  const grant = await activeGrant();
  const reply = await askExtension(grant.id);
  expect(reply).toContain(`Extension 1 of request \`${grant.id}\``);
  const message = await h.slack.waitFor(() => h.extensionMessage(grant.id, 1), { description: 'extension message' });
  expect(message.text).toContain(grant.id);
  expect(JSON.stringify(message.blocks)).toContain('still debugging');
  const original = await h.slack.waitFor(
    () => (JSON.stringify(h.approvalMessage(grant.id)?.blocks).includes('Extension 1') ? h.approvalMessage(grant.id) : undefined),
    {
      description: 'the original message shows the extension',
      timeoutMs: 60_000,
    },
  );
  expect(JSON.stringify(original.blocks)).toContain('+30m');
  expect((await h.request(grant.id)).extensions).toEqual([
    expect.objectContaining({ duration: '30m', reason: 'still debugging', status: 'pending', approvals: [] }),
  ]);

  h.emulator.calls.length = 0;
  await pressExtension('U0BOB', grant.id, 1, 'approve');
  const extended = await h.waitForRequest(grant.id, (r) => r.extensions?.[0]?.status === 'applied' && r.op === undefined);
  const newExpiry = new Date((grant.expiresAt?.getTime() ?? 0) + 1800_000);
  expect(extended.expiresAt).toEqual(newExpiry);
  expect(extended.extensions?.[0]).toMatchObject({ status: 'applied', approvals: [{ approver: 'U0BOB' }], expiresAt: newExpiry });

  const writes = h.emulator.calls.filter((c) => c.method === 'SetIamPolicy');
  expect(writes).toHaveLength(1);
  const written = JSON.stringify(writes[0]?.request);
  expect(written).toContain(`runwarden-${grant.id}`);
  expect(ours(HELLO)).toEqual([
    expect.objectContaining({
      role: 'roles/run.invoker',
      members: ['user:alice@acme.example'],
      condition: expect.objectContaining({ title: `runwarden-${grant.id}`, expression: `request.time < timestamp("${iso(newExpiry)}")` }),
    }),
  ]);
  expect(h.emulator.policy(HELLO).bindings[0]).toEqual({ role: 'roles/run.admin', members: ['group:admins@acme.example'] });
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes('was applied; it now ends')), {
    description: 'extended DM',
  });
  const actions = (await h.runwarden.deps.store.events(grant.id)).map((e) => e.action);
  expect(actions).toEqual(expect.arrayContaining(['extension_requested', 'extension_message_posted', 'extension_approved', 'extended']));
  // the sweep leaves the extended grant alone until its new expiry
  h.clock.advance(3601);
  await h.sweep();
  expect((await h.request(grant.id)).status).toBe('active');
  h.clock.advance(1800);
  await h.sweep();
  await h.waitForStatus(grant.id, 'expired');
  expect(ours(HELLO)).toHaveLength(0);
});

it('denied: the expiry stays, the binding is untouched, the requester is told', async () => {
  const grant = await activeGrant();
  await askExtension(grant.id);
  h.emulator.calls.length = 0;
  await pressExtension('U0CAROL', grant.id, 1, 'deny');
  const denied = await h.waitForRequest(grant.id, (r) => r.extensions?.[0]?.status === 'denied');
  expect(denied.extensions?.[0]).toMatchObject({ status: 'denied', decidedBy: 'U0CAROL' });
  expect(denied.expiresAt).toEqual(grant.expiresAt);
  expect(h.emulator.calls.filter((c) => c.method === 'SetIamPolicy')).toHaveLength(0);
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes('denied the extension')), { description: 'denied DM' });
});

it('refuses the requester deciding their own extension, and records it', async () => {
  const grant = await activeGrant();
  await askExtension(grant.id);
  const press = await pressExtension('U0ALICE', grant.id, 1, 'approve');
  await h.slack.waitFor(
    () => h.slack.ephemerals.find((e) => e.user === 'U0ALICE' && e.text.includes('own request')) ?? h.slack.responses(press.tag)[0],
    {
      description: 'refusal to the requester',
    },
  );
  expect((await h.request(grant.id)).extensions?.[0]?.status).toBe('pending');
  expect((await h.runwarden.deps.store.events(grant.id)).map((e) => e.action)).toContain('extension_approve_refused');
});

it.each([
  ['by someone else than the requester', 'U0BOB', '30m mine now', 'Only the requester can extend'],
  ['longer than the rule’s maxDuration', 'U0ALICE', '3h a lot more', 'longer than the policy allows'],
])('refuses an extension %s, adding none', async (_name, user, text, says) => {
  const grant = await activeGrant();
  expect(await h.ask(user, `extend ${grant.id} ${text}`)).toContain(says);
  expect((await h.request(grant.id)).extensions ?? []).toEqual([]);
});

it('refuses more than maxExtensions, and says when a rule allows none', async () => {
  const grant = await activeGrant();
  await askExtension(grant.id);
  await pressExtension('U0BOB', grant.id, 1, 'approve');
  await h.waitForRequest(grant.id, (r) => r.extensions?.[0]?.status === 'applied' && r.op === undefined);
  expect(await askExtension(grant.id, '10m once more')).toContain('allows at most 1');
  expect((await h.request(grant.id)).extensions).toHaveLength(1);

  const fixed = await activeGrant('invoker fixed-api 1h debugging');
  expect(await askExtension(fixed.id)).toContain('does not allow extensions');
});

it('an extension still pending at expiry lapses: recorded, the requester told, the binding removed', async () => {
  const grant = await activeGrant();
  await askExtension(grant.id);
  await h.slack.waitFor(() => h.extensionMessage(grant.id, 1), { description: 'extension message' });
  h.clock.advance(3601);
  expect((await h.sweep()).body.expired).toBeGreaterThanOrEqual(1);
  const ended = await h.waitForStatus(grant.id, 'expired');
  expect(ended.extensions?.[0]).toMatchObject({ status: 'lapsed' });
  expect(ours(HELLO)).toHaveLength(0);
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes('lapsed')), { description: 'lapsed DM' });
  // a late click decides nothing
  await pressExtension('U0BOB', grant.id, 1, 'approve');
  expect((await h.request(grant.id)).extensions?.[0]?.status).toBe('lapsed');
  expect(ours(HELLO)).toHaveLength(0);
});

it('concurrent approval and expiry: the grant ends, the extension lapses, and no binding is left', async () => {
  const grant = await activeGrant();
  await askExtension(grant.id);
  await h.slack.waitFor(() => h.extensionMessage(grant.id, 1), { description: 'extension message' });
  h.clock.advance(3601);
  await Promise.all([pressExtension('U0BOB', grant.id, 1, 'approve'), h.sweep(), h.sweep()]);
  const ended = await h.waitForStatus(grant.id, 'expired');
  expect(ended.extensions?.[0]?.status).toBe('lapsed');
  expect(ours(HELLO)).toHaveLength(0);
});

it('concurrent approval and sweep before expiry: extended once, exactly one binding', async () => {
  const grant = await activeGrant();
  await askExtension(grant.id);
  await h.slack.waitFor(() => h.extensionMessage(grant.id, 1), { description: 'extension message' });
  await Promise.all([pressExtension('U0BOB', grant.id, 1, 'approve'), pressExtension('U0CAROL', grant.id, 1, 'approve'), h.sweep()]);
  const extended = await h.waitForRequest(grant.id, (r) => r.extensions?.[0]?.status === 'applied' && r.op === undefined);
  expect(extended.status).toBe('active');
  expect(extended.extensions?.[0]?.approvals).toHaveLength(1);
  expect(ours(HELLO)).toHaveLength(1);
  expect(ours(HELLO)[0]?.condition?.expression).toBe(`request.time < timestamp("${iso(extended.expiresAt)}")`);
});

it('a temporary egress change simply lasts longer, after the rule’s two approvals', async () => {
  const id = await h.submit('U0ALICE', 'egress payments all-traffic 1h partner debugging');
  await h.click('U0BOB', 'approve', id);
  await h.click('U0CAROL', 'approve', id);
  const grant = await h.waitForStatus(id, 'active');
  await askExtension(id, '2h partner still down');
  await pressExtension('U0BOB', id, 1, 'approve');
  await h.waitForRequest(id, (r) => r.extensions?.[0]?.approvals.length === 1);
  expect((await h.request(id)).extensions?.[0]?.status).toBe('pending');
  await pressExtension('U0CAROL', id, 1, 'approve');
  const extended = await h.waitForRequest(id, (r) => r.extensions?.[0]?.status === 'applied' && r.op === undefined);
  expect(extended.expiresAt).toEqual(new Date((grant.expiresAt?.getTime() ?? 0) + 7200_000));
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && m.text.includes('was applied; it now ends')), {
    description: 'extended DM',
  });
});

it('the expiry warning: one DM by the sweep, halfway through a short grant, with Extend where allowed', async () => {
  const grant = await activeGrant('invoker hello 20m short check');
  await h.sweep();
  expect((await h.request(grant.id)).expiryWarnedAt).toBeUndefined();
  h.clock.advance(10 * 60 + 1);
  await h.sweep();
  await h.sweep();
  const warned = await h.request(grant.id);
  expect(warned.expiryWarnedAt).toBeInstanceOf(Date);
  const warnings = await h.slack.waitFor(
    () => {
      const found = h.slack.dms('U0ALICE').filter((m) => m.text.includes(grant.id) && m.text.startsWith(':alarm_clock:'));
      return found.length > 0 ? found : undefined;
    },
    { description: 'expiry warning' },
  );
  expect(warnings).toHaveLength(1);
  expect(JSON.stringify(warnings[0]?.blocks)).toContain('"text":"Extend"');
  expect((await h.runwarden.deps.store.events(grant.id)).filter((e) => e.action === 'expiry_warned')).toHaveLength(1);

  const fixed = await activeGrant('invoker fixed-api 20m short check');
  h.clock.advance(10 * 60 + 1);
  await h.sweep();
  const noExtend = await h.slack.waitFor(
    () => h.slack.dms('U0ALICE').find((m) => m.text.includes(fixed.id) && m.text.startsWith(':alarm_clock:')),
    { description: 'warning' },
  );
  expect(JSON.stringify(noExtend.blocks)).not.toContain('runwarden_extend_open');
});

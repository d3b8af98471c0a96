/**
 * The core loop, end to end over HTTP: signed slash commands and button
 * clicks → Firestore emulator → real @google-cloud/run client → the
 * project's Cloud Run emulator; the sweep over its OIDC-protected route.
 */
import { startHarness, service, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
const HELLO = service('hello');

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: HELLO, bindings: [{ role: 'roles/run.admin', members: ['group:admins@acme.example'] }] });
  h.emulator.seedService({ name: service('pair-api') });
});

function ourBindings(resource: string) {
  return h.emulator.policy(resource).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
}

it('request → pending with an approval message that shows the request', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 2h debugging checkout latency');
  const request = await h.request(id);
  expect(request).toMatchObject({
    kind: 'invoker',
    status: 'pending',
    requester: 'U0ALICE',
    target: HELLO,
    reason: 'debugging checkout latency',
    role: 'roles/run.invoker',
    member: 'user:alice@acme.example',
    durationSeconds: 7200,
    approvals: [],
  });
  const message = h.approvalMessage(id);
  const blocks = JSON.stringify(message?.blocks);
  expect(blocks).toContain('runwarden_approve');
  expect(blocks).toContain('runwarden_deny');
  expect(blocks).toContain('user:alice@acme.example');
  const events = await h.runwarden.deps.store.events(id);
  expect(events.map((e) => e.action)).toEqual(['submitted', 'message_posted']);
});

it('approve → the exact conditional binding, version 3, and the requester is told; the sweep expires it', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 2h debugging');
  await h.click('U0BOB', 'approve', id);
  const active = await h.waitForStatus(id, 'active');
  const policy = h.emulator.policy(HELLO);
  expect(policy.version).toBe(3);
  expect(policy.bindings[0]).toEqual({ role: 'roles/run.admin', members: ['group:admins@acme.example'] });
  const ours = ourBindings(HELLO);
  expect(ours).toHaveLength(1);
  expect(ours[0]).toMatchObject({
    role: 'roles/run.invoker',
    members: ['user:alice@acme.example'],
    condition: {
      title: `runwarden-${id}`,
      expression: `request.time < timestamp("${active.expiresAt?.toISOString().replace('.000Z', 'Z') ?? ''}")`,
    },
  });
  // the expiry is the apply's start (whole seconds) plus 2h: between the request's creation and the apply record
  expect((active.expiresAt?.getTime() ?? 0) - active.createdAt.getTime()).toBeGreaterThanOrEqual(7200_000 - 1000);
  expect((active.expiresAt?.getTime() ?? 0) - (active.appliedAt?.getTime() ?? 0)).toBeLessThanOrEqual(7200_000);
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id)), { description: 'DM to requester' });

  h.clock.advance(7201);
  const swept = await h.sweep();
  expect(swept.status).toBe(200);
  expect(swept.body.expired).toBe(1);
  await h.waitForStatus(id, 'expired');
  expect(ourBindings(HELLO)).toHaveLength(0);
  expect(h.emulator.policy(HELLO).bindings).toEqual([{ role: 'roles/run.admin', members: ['group:admins@acme.example'] }]);
  const again = await h.sweep();
  expect(again.body.expired).toBe(0);
});

it('refuses self-approval and a non-approver, records both, and leaves the request pending', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 30m checking');
  await h.click('U0ALICE', 'approve', id);
  await h.click('U0DAVE', 'approve', id);
  await h.slack.waitFor(() => h.slack.ephemerals.filter((e) => e.user === 'U0DAVE' || e.user === 'U0ALICE').length >= 2 || undefined, {
    description: 'two refusals',
  });
  expect(h.slack.ephemerals.find((e) => e.user === 'U0ALICE')?.text).toMatch(/own request/);
  expect(h.slack.ephemerals.find((e) => e.user === 'U0DAVE')?.text).toMatch(/approver group/);
  const events = await h.runwarden.deps.store.events(id);
  expect(
    events
      .filter((e) => e.action === 'approve_refused')
      .map((e) => e.actor)
      .sort(),
  ).toEqual(['U0ALICE', 'U0DAVE']);
  expect((await h.request(id)).status).toBe('pending');
  expect(ourBindings(HELLO)).toHaveLength(0);
});

it('a refusal still reaches the clicker through the response_url when chat.postEphemeral fails', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 30m checking');
  h.slack.failNext('chat.postEphemeral', 'channel_not_found');
  const click = await h.click('U0ALICE', 'approve', id);
  const reply = await h.slack.waitFor(() => h.slack.responses(click.tag)[0], { description: 'refusal via response_url' });
  expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
  expect(reply.body.text).toMatch(/own request/);
  await h.ask('U0ALICE', `cancel ${id}`);
});

it('five concurrent Approve clicks apply exactly one binding', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h racing');
  const clicks = await Promise.all(['U0BOB', 'U0CAROL', 'U0BOB', 'U0CAROL', 'U0BOB'].map((u) => h.click(u, 'approve', id)));
  expect(clicks.every((c) => c.status === 200)).toBe(true);
  const active = await h.waitForStatus(id, 'active', 60_000);
  expect(active.approvals).toHaveLength(1);
  expect(ourBindings(HELLO)).toHaveLength(1);
  const setCalls = h.emulator.calls.filter((c) => c.method === 'SetIamPolicy');
  expect(setCalls).toHaveLength(1);
  const events = await h.runwarden.deps.store.events(id);
  expect(events.filter((e) => e.action === 'applied')).toHaveLength(1);
});

it('a concurrent foreign policy write during the approval: both bindings survive', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h racing a terraform apply');
  h.emulator.beforeSetIamPolicy(
    (resource) =>
      h.emulator.foreignSetBindings(resource, [
        ...h.emulator.policy(resource).bindings,
        { role: 'roles/run.developer', members: ['user:terraform@acme.example'] },
      ]),
    { times: 1, resource: HELLO },
  );
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  const roles = h.emulator.policy(HELLO).bindings.map((b) => b.role);
  expect(roles).toEqual(['roles/run.admin', 'roles/run.developer', 'roles/run.invoker']);
  expect(h.emulator.calls.filter((c) => c.method === 'SetIamPolicy').length).toBeGreaterThanOrEqual(2);
});

it('N of M: two distinct approvals are needed, the same approver counts once', async () => {
  const id = await h.submit('U0ALICE', 'invoker pair-api 1h needs two');
  await h.click('U0BOB', 'approve', id);
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id)), { description: 'first approval DM' });
  await h.click('U0BOB', 'approve', id);
  await h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === 'U0BOB' && /already approved/.test(e.text)), {
    description: 'refusal',
  });
  expect((await h.request(id)).status).toBe('pending');
  expect(ourBindings(service('pair-api'))).toHaveLength(0);
  await h.click('U0CAROL', 'approve', id);
  const active = await h.waitForStatus(id, 'active');
  expect(active.approvals.map((a) => a.approver)).toEqual(['U0BOB', 'U0CAROL']);
  expect(ourBindings(service('pair-api'))).toHaveLength(1);
});

it('deny ends the request, removes the buttons and tells the requester', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h please');
  await h.click('U0CAROL', 'deny', id);
  await h.waitForStatus(id, 'denied');
  await h.slack.waitFor(() => (JSON.stringify(h.approvalMessage(id)?.blocks).includes('runwarden_approve') ? undefined : true), {
    description: 'buttons removed',
  });
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && /denied/i.test(m.text)), {
    description: 'deny DM',
  });
  expect(ourBindings(HELLO)).toHaveLength(0);
});

it('cancel withdraws a pending request; nobody else can cancel it', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h oops');
  expect(await h.ask('U0BOB', `cancel ${id}`)).toMatch(/Only/);
  expect(await h.ask('U0ALICE', `cancel ${id}`)).toMatch(/cancel/i);
  await h.waitForStatus(id, 'cancelled');
  await h.click('U0BOB', 'approve', id);
  await h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === 'U0BOB' && /cancelled/.test(e.text)), { description: 'refusal' });
  expect(ourBindings(HELLO)).toHaveLength(0);
});

it('revoke ends an active grant early and removes only its binding', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 4h incident');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  // someone who may not read the request is told there is no such request (SPEC §4)
  expect(await h.ask('U0MALLORY', `revoke ${id}`)).toMatch(/There is no request/);
  await h.ask('U0ALICE', `revoke ${id}`);
  const revoked = await h.waitForStatus(id, 'revoked');
  expect(revoked.decidedBy).toBe('U0ALICE');
  expect(ourBindings(HELLO)).toHaveLength(0);
  expect(h.emulator.policy(HELLO).bindings).toHaveLength(1);
});

it('reason text trying to inject CEL never reaches the expression', async () => {
  const evil = 'x") || true || request.time > timestamp("2000-01-01T00:00:00Z';
  const id = await h.submit('U0ALICE', `invoker hello 1h ${evil}`);
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  const [binding] = ourBindings(HELLO);
  expect(binding?.condition?.expression).toMatch(/^request\.time < timestamp\("\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\)$/);
  expect(binding?.condition?.expression).not.toContain('||');
  expect(binding?.condition?.description).toContain('||');
});

it('an unknown service and a Google permission error get clear replies', async () => {
  expect(await h.ask('U0ALICE', 'invoker no-such-service 1h testing')).toMatch(/not found/i);
  const id = await h.submit('U0ALICE', 'invoker hello 1h denied by google');
  h.emulator.injectFault({
    method: 'SetIamPolicy',
    code: 7,
    message: "Permission 'run.services.setIamPolicy' denied on resource",
    times: 10,
  });
  await h.click('U0BOB', 'approve', id);
  const failed = await h.waitForStatus(id, 'failed');
  // Google's text names the bot's missing permission: audit trail and logs only; Slack gets a plain sentence and the id.
  expect(failed.outcome).toMatch(new RegExp(`runwarden is not allowed to change .*request \`${id}\``));
  const events = await h.runwarden.deps.store.events(id);
  expect(events.find((e) => e.action === 'failed')?.detail.error).toMatch(/run\.services\.setIamPolicy/);
  await h.slack.waitFor(() => (JSON.stringify(h.approvalMessage(id)?.blocks).includes('is not allowed to change') ? true : undefined), {
    description: 'failure shown in the approval message',
  });
  const everything = JSON.stringify({ messages: h.slack.messages(), ephemerals: h.slack.ephemerals, responses: h.slack.responses() });
  expect(everything).not.toContain('setIamPolicy');
});

it('an approve whose apply was interrupted is finished by the sweep', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h flaky network');
  h.emulator.injectFault({ method: 'SetIamPolicy', code: 14, message: 'unavailable', times: 8 });
  await h.click('U0BOB', 'approve', id);
  const request = await h.waitForLapsedApply(id);
  expect(request.status).toBe('approved');
  const swept = await h.sweep();
  expect(swept.body.applied).toBe(1);
  await h.waitForStatus(id, 'active');
  expect(ourBindings(HELLO)).toHaveLength(1);
});

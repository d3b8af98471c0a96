/**
 * `egress` end to end over signed Slack requests: the approval message shows
 * what approvers need, the UpdateService touches only
 * template.vpc_access.egress, temporary changes are reverted at expiry unless
 * someone changed the service meanwhile, and every refusal comes before
 * anyone is asked.
 */
import { APPROVALS_CHANNEL, service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
const PAYMENTS = service('payments-api');
const API = service('api');
const CONNECTOR = 'projects/acme-prod/locations/us-central1/connectors/prod-connector';
const EGRESS_MASK = ['template.vpc_access.egress'];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: PAYMENTS, vpcConnector: CONNECTOR, egress: 'private-ranges-only' });
  h.emulator.seedService({
    name: API,
    networkInterfaces: [{ network: 'prod-vpc', subnetwork: 'prod-subnet' }],
    egress: 'private-ranges-only',
  });
});

interface UpdateRequest {
  service?: { name?: string; template?: { vpcAccess?: { egress?: string } }; ingress?: string };
  updateMask?: { paths?: string[] };
}

function updates(name: string): UpdateRequest[] {
  return h.emulator.calls
    .filter((c) => c.method === 'UpdateService')
    .map((c) => c.request as UpdateRequest)
    .filter((r) => r.service?.name === name);
}

function blocksOf(id: string): string {
  return JSON.stringify(h.approvalMessage(id)?.blocks ?? []);
}

function latestRevision(name: string): string {
  const found = h.emulator.service(name);
  if (!found) throw new Error(`no emulated service ${name}`);
  return found.latestReadyRevision;
}

const eventsOf = (id: string) => h.runwarden.deps.store.events(id);

it('two approvals apply a temporary egress change with a one-field mask, and the sweep reverts it at expiry', async () => {
  const revisionBefore = latestRevision(PAYMENTS);
  const id = await h.submit('U0ALICE', 'egress payments-api all-traffic 2h reach the partner API over the VPC');

  const pending = await h.request(id);
  expect(pending).toMatchObject({
    kind: 'egress',
    status: 'pending',
    target: PAYMENTS,
    value: 'all-traffic',
    durationSeconds: 7200,
    approvalsRequired: 2,
  });
  expect(pending.context).toMatchObject({ current: 'private-ranges-only', vpcConnector: CONNECTOR, latestReadyRevision: revisionBefore });
  const blocks = blocksOf(id);
  expect(blocks).toContain('`private-ranges-only` → `all-traffic`');
  expect(blocks).toContain(CONNECTOR);
  expect(blocks).toContain(revisionBefore);
  expect(blocks).toContain('Waiting for 2 more approvals');

  await h.click('U0BOB', 'approve', id);
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && /1 of 2/.test(m.text)), {
    description: 'first approval DM',
  });
  expect((await h.request(id)).status).toBe('pending');
  expect(updates(PAYMENTS)).toHaveLength(0);

  await h.click('U0CAROL', 'approve', id);
  const active = await h.waitForStatus(id, 'active');

  const [applyCall, ...more] = updates(PAYMENTS);
  expect(more).toHaveLength(0);
  expect(applyCall?.updateMask?.paths).toEqual(EGRESS_MASK);
  expect(applyCall?.service?.template?.vpcAccess?.egress).toBe('ALL_TRAFFIC');
  expect(applyCall?.service?.ingress).toBeUndefined();

  const after = h.emulator.service(PAYMENTS);
  expect(after?.egress).toBe('all-traffic');
  expect(after?.vpcConnector).toBe(CONNECTOR);
  expect(after?.ingress).toBe('all');
  const newRevision = after?.latestReadyRevision ?? '';
  expect(newRevision).not.toBe(revisionBefore);

  expect(active.previousValue).toBe('private-ranges-only');
  expect(active.approvals.map((a) => a.approver)).toEqual(['U0BOB', 'U0CAROL']);
  expect(active.result).toMatchObject({ egress: 'all-traffic', previous: 'private-ranges-only', revision: newRevision });
  expect(active.appliedAt).toBeDefined();
  expect(active.expiresAt).toBeDefined();
  // the expiry is the apply time (whole seconds) plus the duration: after the request was made, no later than recorded applied
  expect((active.expiresAt?.getTime() ?? 0) - active.createdAt.getTime()).toBeGreaterThanOrEqual(7200_000 - 1000);
  expect((active.expiresAt?.getTime() ?? 0) - (active.appliedAt?.getTime() ?? 0)).toBeLessThanOrEqual(7200_000);
  const applied = (await eventsOf(id)).find((e) => e.action === 'applied');
  expect(applied?.detail).toMatchObject({ egress: 'all-traffic', previous: 'private-ranges-only', revision: newRevision });
  expect(applied?.detail.expiresAt).toBe(active.expiresAt?.toISOString());
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && /in force/.test(m.text)), {
    description: 'applied DM',
  });

  // not due yet: nothing happens
  h.clock.advance(3600);
  expect((await h.sweep()).body.expired).toBe(0);
  expect(updates(PAYMENTS)).toHaveLength(1);

  h.clock.advance(3601);
  const swept = await h.sweep();
  expect(swept.status).toBe(200);
  expect(swept.body.expired).toBe(1);
  const expired = await h.waitForStatus(id, 'expired');
  expect(h.emulator.service(PAYMENTS)?.egress).toBe('private-ranges-only');
  const revertCall = updates(PAYMENTS)[1];
  expect(updates(PAYMENTS)).toHaveLength(2);
  expect(revertCall?.updateMask?.paths).toEqual(EGRESS_MASK);
  expect(revertCall?.service?.template?.vpcAccess?.egress).toBe('PRIVATE_RANGES_ONLY');
  expect(expired.result).toMatchObject({
    egress: 'all-traffic',
    revertedTo: 'private-ranges-only',
    revertRevision: latestRevision(PAYMENTS),
  });
  const expiredEvent = (await eventsOf(id)).find((e) => e.action === 'expired');
  expect(expiredEvent).toMatchObject({ actor: 'runwarden', detail: { revertedTo: 'private-ranges-only' } });
  await h.slack.waitFor(
    () => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && /expired/.test(m.text) && m.text.includes('private-ranges-only')),
    { description: 'expiry DM' },
  );
  await h.slack.waitFor(() => (/Expired/.test(blocksOf(id)) ? true : undefined), { description: 'approval message shows expiry' });

  expect((await h.sweep()).body.expired).toBe(0);
  expect(updates(PAYMENTS)).toHaveLength(2);
});

it('drift: someone changed egress meanwhile, so the sweep leaves it, ends the request and tells requester and approvers', async () => {
  const id = await h.submit('U0ALICE', 'egress payments-api all-traffic 1h partner API');
  await h.click('U0BOB', 'approve', id);
  await h.click('U0CAROL', 'approve', id);
  await h.waitForStatus(id, 'active');
  expect(h.emulator.service(PAYMENTS)?.egress).toBe('all-traffic');

  h.emulator.foreignUpdateService(PAYMENTS, { egress: 'private-ranges-only' });
  const foreignRevision = latestRevision(PAYMENTS);
  h.clock.advance(3601);
  const swept = await h.sweep();
  expect(swept.body.drifted).toBe(1);
  expect(swept.body.expired).toBe(0);

  const ended = await h.waitForStatus(id, 'expired');
  expect(ended.result?.drift).toBe('private-ranges-only');
  expect(ended.outcome).toMatch(/private-ranges-only.*not the `all-traffic` runwarden set/);
  // only the apply reached Google; the foreign value and revision stand
  expect(updates(PAYMENTS)).toHaveLength(1);
  expect(latestRevision(PAYMENTS)).toBe(foreignRevision);
  const drift = (await eventsOf(id)).find((e) => e.action === 'drift_detected');
  expect(drift?.detail).toMatchObject({ observed: 'private-ranges-only' });
  expect((await eventsOf(id)).some((e) => e.action === 'expired')).toBe(false);

  const dm = await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && /no longer matches/.test(m.text)), {
    description: 'drift DM to the requester',
  });
  expect(dm.text).toContain('private-ranges-only');
  const message = h.approvalMessage(id);
  const thread = await h.slack.waitFor(
    () => h.slack.messages(APPROVALS_CHANNEL).find((m) => m.threadTs === message?.ts && /did not revert/.test(m.text)),
    { description: 'drift notice in the approval thread' },
  );
  expect(thread.text).toContain('<@U0BOB>');
  expect(thread.text).toContain('<@U0CAROL>');
  expect((await h.sweep()).body.drifted).toBe(0);
});

it('a permanent change (no duration) is applied, never reverted, on a service with network interfaces', async () => {
  const id = await h.submit('U0DAVE', 'egress api all-traffic send everything through the firewall');
  const blocks = blocksOf(id);
  expect(blocks).toContain('prod-vpc/prod-subnet');
  expect(blocks).toContain('permanent');
  await h.click('U0BOB', 'approve', id);
  const applied = await h.waitForStatus(id, 'applied');
  expect(applied.expiresAt).toBeUndefined();
  expect(applied.endedAt).toBeDefined();
  expect(applied.previousValue).toBe('private-ranges-only');
  expect(applied.result?.revision).toBe(latestRevision(API));
  const appliedEvent = (await eventsOf(id)).find((e) => e.action === 'applied');
  expect(appliedEvent?.detail).toMatchObject({ egress: 'all-traffic', revision: latestRevision(API) });
  expect(appliedEvent?.detail.expiresAt).toBeUndefined();
  expect(updates(API).map((u) => u.updateMask?.paths)).toEqual([EGRESS_MASK]);
  expect(h.emulator.service(API)?.egress).toBe('all-traffic');
  expect(h.emulator.service(API)?.networkInterfaces).toEqual([{ network: 'prod-vpc', subnetwork: 'prod-subnet' }]);
  await h.slack.waitFor(() => h.slack.dms('U0DAVE').find((m) => m.text.includes(id) && /was applied/.test(m.text)), {
    description: 'applied DM',
  });

  h.clock.advance(30 * 86_400);
  const swept = await h.sweep();
  expect(swept.body.expired).toBe(0);
  expect(updates(API)).toHaveLength(1);
  expect(h.emulator.service(API)?.egress).toBe('all-traffic');
  expect((await h.request(id)).status).toBe('applied');
  expect(await h.ask('U0DAVE', `revoke ${id}`)).toMatch(/already applied/);
});

describe('refusals come before any approval is asked', () => {
  async function refused(user: string, text: string): Promise<string> {
    const before = h.slack.messages(APPROVALS_CHANNEL).length;
    const reply = await h.ask(user, text);
    expect(reply).toMatch(/^:(no_entry|warning):/);
    expect(h.slack.messages(APPROVALS_CHANNEL)).toHaveLength(before);
    expect(h.emulator.calls.filter((c) => c.method === 'UpdateService')).toHaveLength(0);
    return reply;
  }

  it('an egress change on a service without VPC access', async () => {
    h.emulator.seedService({ name: service('plain') });
    expect(await refused('U0ALICE', 'egress plain all-traffic 1h testing')).toMatch(/plain has no VPC access configured/);
  });

  it('a change to the value the service already has', async () => {
    expect(await refused('U0ALICE', 'egress api private-ranges-only already the default')).toMatch(
      /already has egress `private-ranges-only`; there is nothing to change/,
    );
  });

  it('a value outside the grammar, with the usage line', async () => {
    const reply = await refused('U0ALICE', 'egress api everything 1h testing');
    expect(reply).toMatch(/`everything` is not an egress setting: use all-traffic or private-ranges-only/);
    expect(reply).toContain('Usage: `/warden egress <service> <all-traffic|private-ranges-only> [<duration>]');
  });

  it('a permanent change where the policy only allows a temporary one', async () => {
    expect(await refused('U0ALICE', 'egress payments-api all-traffic forever please')).toMatch(/must be temporary/);
  });
});

it("a failed long-running operation ends the request as failed: Google's message in the audit trail, a plain sentence with the id in the DM and the approval message", async () => {
  const revisionBefore = latestRevision(API);
  const id = await h.submit('U0ALICE', 'egress api all-traffic 1h partner API');
  const google = "Revision 'api-00002' is not ready: VPC connector prod-connector is in state ERROR";
  h.emulator.failNextOperation(API, google);
  await h.click('U0BOB', 'approve', id);
  const failed = await h.waitForStatus(id, 'failed');
  expect(failed.outcome).toBe(
    `Google Cloud refused the change to Cloud Run service ${API}; the operators have Google's answer in the logs. (request \`${id}\`)`,
  );
  expect(failed.appliedAt).toBeUndefined();
  expect(failed.previousValue).toBeUndefined();
  expect(updates(API)).toHaveLength(1);
  expect(h.emulator.service(API)?.egress).toBe('private-ranges-only');
  expect(latestRevision(API)).toBe(revisionBefore);
  const events = await eventsOf(id);
  expect(events.some((e) => e.action === 'applied')).toBe(false);
  expect(events.find((e) => e.action === 'failed')?.detail.error).toContain(google);
  const dm = await h.slack.waitFor(
    () => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && /failed/.test(m.text) && m.text.includes('refused the change')),
    {
      description: 'failure DM',
    },
  );
  expect(JSON.stringify(dm)).not.toContain('prod-connector');
  await h.slack.waitFor(() => (blocksOf(id).includes('Failed') && blocksOf(id).includes('refused the change') ? true : undefined), {
    description: 'failure in the approval message',
  });
  expect(blocksOf(id)).not.toContain('prod-connector');
  // a failed request is final: the sweep does not retry it
  h.clock.advance(7200);
  await h.sweep();
  expect(updates(API)).toHaveLength(1);
});

it('revoke sets a temporary change back early', async () => {
  const id = await h.submit('U0ALICE', 'egress api all-traffic 4h incident');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  expect(h.emulator.service(API)?.egress).toBe('all-traffic');
  await h.ask('U0ALICE', `revoke ${id}`);
  const revoked = await h.waitForStatus(id, 'revoked');
  expect(revoked.decidedBy).toBe('U0ALICE');
  expect(h.emulator.service(API)?.egress).toBe('private-ranges-only');
  expect(updates(API).map((u) => u.service?.template?.vpcAccess?.egress)).toEqual(['ALL_TRAFFIC', 'PRIVATE_RANGES_ONLY']);
  expect(updates(API).every((u) => JSON.stringify(u.updateMask?.paths) === JSON.stringify(EGRESS_MASK))).toBe(true);
});

it('an apply interrupted after Google made the change is finished by the sweep without a second UpdateService', async () => {
  const id = await h.submit('U0ALICE', 'egress api all-traffic 1h flaky poll');
  // the change is made, then polling its operation times out: the apply cannot know it succeeded
  h.emulator.injectFault({ method: 'GetOperation', code: 4, message: 'deadline exceeded', times: 1 });
  await h.click('U0BOB', 'approve', id);
  const request = await h.waitForLapsedApply(id);
  expect(request.status).toBe('approved');
  expect((await eventsOf(id)).some((e) => e.action === 'apply_interrupted')).toBe(true);
  // Google did apply it before the poll failed
  expect(h.emulator.service(API)?.egress).toBe('all-traffic');
  expect(updates(API)).toHaveLength(1);
  expect(h.emulator.calls.filter((c) => c.method === 'GetOperation')).toHaveLength(1);

  const swept = await h.sweep();
  expect(swept.body.applied).toBe(1);
  const active = await h.waitForStatus(id, 'active');
  expect(updates(API)).toHaveLength(1);
  expect(active.previousValue).toBe('private-ranges-only');
  expect(active.result).toMatchObject({ egress: 'all-traffic', previous: 'private-ranges-only', revision: latestRevision(API) });
  expect(active.expiresAt).toBeDefined();

  h.clock.advance(3601);
  expect((await h.sweep()).body.expired).toBe(1);
  await h.waitForStatus(id, 'expired');
  expect(h.emulator.service(API)?.egress).toBe('private-ranges-only');
});

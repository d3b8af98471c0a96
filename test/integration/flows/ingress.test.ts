/**
 * `ingress` end to end over signed Slack requests: an UpdateService whose
 * mask is only `ingress`, set back at expiry unless someone changed it, and
 * refusals before anyone is asked.
 */
import { APPROVALS_CHANNEL, service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
const WEB = service('web');
const EU = service('web-eu', 'europe-west1');

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: WEB, ingress: 'all' });
  h.emulator.seedService({ name: EU, ingress: 'internal' });
});

interface UpdateRequest {
  service?: { name?: string; ingress?: string; template?: unknown };
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

it('an ingress change: current next to requested in the approval message, mask `ingress` only, revision recorded, set back at expiry', async () => {
  const revision = h.emulator.service(WEB)?.latestReadyRevision ?? '';
  const id = await h.submit('U0DAVE', 'ingress web internal 1h lock down during the incident');
  const pending = await h.request(id);
  expect(pending).toMatchObject({
    kind: 'ingress',
    value: 'internal',
    durationSeconds: 3600,
    approvalsRequired: 1,
    context: { current: 'all' },
  });
  const blocks = blocksOf(id);
  expect(blocks).toContain('`all` → `internal`');
  expect(blocks).toContain(revision);
  // ingress needs no VPC access: the message says there is none
  expect(blocks).toContain('*VPC access*\\nnone');

  await h.click('U0CAROL', 'approve', id);
  const active = await h.waitForStatus(id, 'active');
  const [call, ...more] = updates(WEB);
  expect(more).toHaveLength(0);
  expect(call?.updateMask?.paths).toEqual(['ingress']);
  expect(call?.service?.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
  expect(call?.service?.template).toBeUndefined();
  expect(h.emulator.service(WEB)?.ingress).toBe('internal');
  expect(active.previousValue).toBe('all');
  expect(active.result).toMatchObject({ ingress: 'internal', previous: 'all', revision: h.emulator.service(WEB)?.latestReadyRevision });
  const applied = (await h.runwarden.deps.store.events(id)).find((e) => e.action === 'applied');
  expect(applied?.detail).toMatchObject({ ingress: 'internal', revision: h.emulator.service(WEB)?.latestReadyRevision });
  // the expiry is the apply time (whole seconds) plus the duration: after the request was made, no later than recorded applied
  expect((active.expiresAt?.getTime() ?? 0) - active.createdAt.getTime()).toBeGreaterThanOrEqual(3600_000 - 1000);
  expect((active.expiresAt?.getTime() ?? 0) - (active.appliedAt?.getTime() ?? 0)).toBeLessThanOrEqual(3600_000);

  h.clock.advance(3601);
  expect((await h.sweep()).body.expired).toBe(1);
  await h.waitForStatus(id, 'expired');
  expect(h.emulator.service(WEB)?.ingress).toBe('all');
  expect(updates(WEB).map((u) => [u.updateMask?.paths, u.service?.ingress])).toEqual([
    [['ingress'], 'INGRESS_TRAFFIC_INTERNAL_ONLY'],
    [['ingress'], 'INGRESS_TRAFFIC_ALL'],
  ]);
  await h.slack.waitFor(
    () => h.slack.dms('U0DAVE').find((m) => m.text.includes(id) && /expired/.test(m.text) && m.text.includes('`all`')),
    {
      description: 'expiry DM',
    },
  );
});

it('--project/--region name a service in another region', async () => {
  const id = await h.submit('U0DAVE', 'ingress web-eu internal-and-cloud-load-balancing 30m put the LB in front --region europe-west1');
  expect((await h.request(id)).target).toBe(EU);
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  expect(h.emulator.service(EU)?.ingress).toBe('internal-and-cloud-load-balancing');
  expect(updates(EU)[0]?.service?.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
  expect(h.emulator.service(WEB)?.ingress).toBe('all');
  // an approver ends it early: set back to what it was
  await h.ask('U0CAROL', `revoke ${id}`);
  const revoked = await h.waitForStatus(id, 'revoked');
  expect(revoked.decidedBy).toBe('U0CAROL');
  expect(h.emulator.service(EU)?.ingress).toBe('internal');
  expect(updates(EU).map((u) => u.service?.ingress)).toEqual(['INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER', 'INGRESS_TRAFFIC_INTERNAL_ONLY']);
});

it('drift: a different ingress at expiry is left alone and reported', async () => {
  const id = await h.submit('U0DAVE', 'ingress web internal 1h incident');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  h.emulator.foreignUpdateService(WEB, { ingress: 'internal-and-cloud-load-balancing' });
  h.clock.advance(3601);
  expect((await h.sweep()).body.drifted).toBe(1);
  const ended = await h.waitForStatus(id, 'expired');
  expect(ended.result?.drift).toBe('internal-and-cloud-load-balancing');
  expect(h.emulator.service(WEB)?.ingress).toBe('internal-and-cloud-load-balancing');
  expect(updates(WEB)).toHaveLength(1);
  await h.slack.waitFor(() => h.slack.dms('U0DAVE').find((m) => m.text.includes(id) && /no longer matches/.test(m.text)), {
    description: 'drift DM',
  });
  const ts = h.approvalMessage(id)?.ts;
  const thread = await h.slack.waitFor(
    () => h.slack.messages(APPROVALS_CHANNEL).find((m) => m.threadTs === ts && /did not revert/.test(m.text)),
    {
      description: 'drift notice to approvers',
    },
  );
  expect(thread.text).toMatch(/<@U0BOB>.*<@U0CAROL>/);
});

it("a failed long-running operation on ingress: failed, a plain sentence in Slack, Google's message in the audit trail, nothing changed", async () => {
  const id = await h.submit('U0DAVE', 'ingress web internal 1h incident');
  h.emulator.failNextOperation(WEB, 'Ingress settings cannot be changed while the service is being deleted', 9);
  await h.click('U0BOB', 'approve', id);
  const failed = await h.waitForStatus(id, 'failed');
  expect(failed.outcome).toMatch(new RegExp(`Google Cloud refused the change to .*request \`${id}\``));
  const events = await h.runwarden.deps.store.events(id);
  expect(events.find((e) => e.action === 'failed')?.detail.error).toMatch(
    /Ingress settings cannot be changed while the service is being deleted/,
  );
  expect(h.emulator.service(WEB)?.ingress).toBe('all');
  await h.slack.waitFor(() => (blocksOf(id).includes('refused the change') ? true : undefined), {
    description: 'failure in the approval message',
  });
  expect(blocksOf(id)).not.toContain('being deleted');
  const ts = h.approvalMessage(id)?.ts;
  await h.slack.waitFor(() => h.slack.messages(APPROVALS_CHANNEL).find((m) => m.threadTs === ts && /could not finish/.test(m.text)), {
    description: 'failure notice to approvers',
  });
});

describe('refusals before anyone is asked', () => {
  async function refused(text: string): Promise<string> {
    const before = h.slack.messages(APPROVALS_CHANNEL).length;
    const reply = await h.ask('U0DAVE', text);
    expect(reply).toMatch(/^:(no_entry|warning):/);
    expect(h.slack.messages(APPROVALS_CHANNEL)).toHaveLength(before);
    expect(h.emulator.calls.filter((c) => c.method === 'UpdateService')).toHaveLength(0);
    return reply;
  }

  it('the value the service already has', async () => {
    expect(await refused('ingress web all 1h open it')).toMatch(/already has ingress `all`; there is nothing to change/);
  });

  it('a value outside the grammar', async () => {
    expect(await refused('ingress web internal-only 1h lock')).toMatch(
      /`internal-only` is not an ingress setting: use all, internal or internal-and-cloud-load-balancing/,
    );
  });

  it('a permanent change where the rule has a maximum duration', async () => {
    expect(await refused('ingress web internal lock it for good')).toMatch(/must be temporary: give a duration of at most 1d/);
  });

  it('a duration over the maximum', async () => {
    expect(await refused('ingress web internal 2d lock')).toMatch(/1d/);
  });
});

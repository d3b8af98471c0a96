/**
 * Issue 16 §5 and §9: runwarden's UpdateService is a read-modify-write
 * guarded by the service's etag. An admin who changes the service between
 * runwarden's read and its write is never overwritten unseen: at apply the
 * value runwarden restores later is the admin's, at revert the admin's value
 * is drift (SPEC §10) and stays. A template that carries a revision name (a
 * deploy tool's `--revision-suffix`) gets a fresh, Cloud-Run-chosen name with
 * an egress change, at apply and at revert.
 */
import { service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
const WEB = service('web');
const API = service('api');
const CONNECTOR = 'projects/acme-prod/locations/us-central1/connectors/prod-connector';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: WEB, ingress: 'all' });
  h.emulator.seedService({ name: API, vpcConnector: CONNECTOR, egress: 'private-ranges-only' });
});

const actions = async (id: string): Promise<string[]> => (await h.runwarden.deps.store.events(id)).map((e) => e.action);

describe('an admin changes the service between runwarden’s read and its write', () => {
  it('at apply: runwarden reads again, records the admin’s value as the one to restore, and restores it at expiry', async () => {
    const id = await h.submit('U0ALICE', 'ingress web internal 1h lock down during the incident');
    const inFlight = h.emulator.hold('UpdateService', WEB);
    await h.click('U0BOB', 'approve', id);
    await inFlight.reached;
    h.emulator.foreignUpdateService(WEB, { ingress: 'internal-and-cloud-load-balancing' }); // the admin's change lands first
    inFlight.release();

    const active = await h.waitForStatus(id, 'active');
    expect(h.emulator.service(WEB)?.ingress).toBe('internal');
    expect(active.previousValue).toBe('internal-and-cloud-load-balancing');
    expect(active.result).toMatchObject({ ingress: 'internal', previous: 'internal-and-cloud-load-balancing' });

    h.clock.advance(3601);
    expect((await h.sweep()).body.expired).toBe(1);
    await h.waitForStatus(id, 'expired');
    expect(h.emulator.service(WEB)?.ingress).toBe('internal-and-cloud-load-balancing');
  });

  it('at revert: the admin’s value is drift — left as it is, the request ends saying so, requester and approvers told', async () => {
    const id = await h.submit('U0ALICE', 'ingress web internal 1h lock down during the incident');
    await h.click('U0BOB', 'approve', id);
    await h.waitForStatus(id, 'active');

    h.clock.advance(3601);
    const inFlight = h.emulator.hold('UpdateService', WEB);
    const sweep = h.sweep();
    await inFlight.reached;
    h.emulator.foreignUpdateService(WEB, { ingress: 'internal-and-cloud-load-balancing' });
    inFlight.release();
    const swept = await sweep;

    expect(swept.body.drifted).toBe(1);
    const ended = await h.waitForStatus(id, 'expired');
    expect(h.emulator.service(WEB)?.ingress).toBe('internal-and-cloud-load-balancing');
    expect(ended.outcome).toContain('internal-and-cloud-load-balancing');
    expect(ended.result).toMatchObject({ drift: 'internal-and-cloud-load-balancing' });
    expect(await actions(id)).toContain('drift_detected');
    await h.slack.waitFor(
      () => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && m.text.includes('internal-and-cloud-load-balancing')),
      {
        description: 'the requester told of the drift',
      },
    );
  });

  it('an egress change at apply: an admin who set the requested value first leaves runwarden nothing to change, and nothing to set back', async () => {
    const id = await h.submit('U0ALICE', 'egress api all-traffic 1h partner API');
    const inFlight = h.emulator.hold('UpdateService', API);
    await h.click('U0BOB', 'approve', id);
    await inFlight.reached;
    h.emulator.foreignUpdateService(API, { egress: 'all-traffic' });
    inFlight.release();

    const active = await h.waitForStatus(id, 'active');
    // the admin's value was the requested one: runwarden changed nothing, so its expiry changes nothing
    expect(active.result).toMatchObject({ egress: 'all-traffic', unchanged: 'true' });
    h.clock.advance(3601);
    await h.sweep();
    await h.waitForStatus(id, 'expired');
    expect(h.emulator.service(API)?.egress).toBe('all-traffic');
  });
});

describe('a template that carries a revision name (a deploy tool set template.revision)', () => {
  it('an egress change applies and reverts, each with a new revision named by Cloud Run', async () => {
    h.emulator.seedService({ name: API, vpcConnector: CONNECTOR, egress: 'private-ranges-only', templateRevision: 'api-build-1234' });
    const id = await h.submit('U0ALICE', 'egress api all-traffic 1h partner API');
    await h.click('U0BOB', 'approve', id);
    const active = await h.waitForStatus(id, 'active');
    expect(h.emulator.service(API)?.egress).toBe('all-traffic');
    expect(active.result?.revision).toBe(h.emulator.service(API)?.latestReadyRevision);
    expect(active.result?.revision).not.toContain('api-build-1234');

    h.clock.advance(3601);
    expect((await h.sweep()).body.expired).toBe(1);
    await h.waitForStatus(id, 'expired');
    expect(h.emulator.service(API)?.egress).toBe('private-ranges-only');
  });

  it('a deploy that names its revision while the change is in force: the revert still sets the egress back', async () => {
    const id = await h.submit('U0ALICE', 'egress api all-traffic 1h partner API');
    await h.click('U0BOB', 'approve', id);
    await h.waitForStatus(id, 'active');
    h.emulator.foreignUpdateService(API, { templateRevision: 'api-release-77' });

    h.clock.advance(3601);
    expect((await h.sweep()).body.expired).toBe(1);
    const ended = await h.waitForStatus(id, 'expired');
    expect(h.emulator.service(API)?.egress).toBe('private-ranges-only');
    expect(ended.result?.revertedTo).toBe('private-ranges-only');
  });
});

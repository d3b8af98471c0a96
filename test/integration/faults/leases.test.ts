/**
 * Issue 7 §1: a process that stalled (a hung Slack or Google call) and lost
 * its lease never writes to Google afterwards, and a write that was already
 * in flight when the lease lapsed does not survive. Two bot instances share
 * one Firestore, one Google emulator and one Slack: the stalled one (`a`) and
 * the one whose sweep takes over (`b`).
 */
import { titleFor } from '../../../src/domain/iamCondition';
import { service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let a: Harness;
let b: Harness;
const HELLO = service('hello');
const PAYMENTS = service('payments-api');
const CONNECTOR = 'projects/acme-prod/locations/us-central1/connectors/prod-connector';
const LEASE_SECONDS = 300;

beforeAll(async () => {
  a = await startHarness();
  b = await startHarness({ peer: a });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});
beforeEach(() => {
  a.emulator.reset();
  a.emulator.seedService({ name: HELLO });
  a.emulator.seedService({ name: PAYMENTS, vpcConnector: CONNECTOR, egress: 'private-ranges-only' });
});

const calls = (method: string): number => a.emulator.calls.filter((c) => c.method === method).length;
const actions = async (id: string): Promise<string[]> => (await a.runwarden.deps.store.events(id)).map((e) => e.action);
async function waitForAction(id: string, action: string): Promise<void> {
  await a.request(id); // the request exists
  const deadline = Date.now() + 30_000;
  while (!(await actions(id)).includes(action)) {
    if (Date.now() > deadline) throw new Error(`no ${action} event on ${id}: ${(await actions(id)).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('a hung Slack call, a lapsed lease, a sweep that applies and expires, then the call returns: the policy stays as the sweep left it', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 1h debugging');
  const hung = a.slack.hold('chat.update');
  await a.click('U0BOB', 'approve', id);
  await hung.reached;

  a.clock.advance(LEASE_SECONDS + 1);
  await b.sweep();
  a.clock.advance(3601);
  expect((await b.sweep()).body.expired).toBe(1);
  await a.waitForStatus(id, 'expired');
  expect(a.emulator.policy(HELLO).bindings.filter((x) => x.condition?.title === titleFor(id))).toHaveLength(0);

  const updates = a.slack.calls.filter((c) => c.method === 'chat.update').length;
  hung.release();
  // the stalled click's process runs to its end: its held chat.update is answered, and the "approved" notice it
  // owed is accounted for — sent, or (the grant having ended meanwhile) dropped as obsolete: one DM per outcome
  await a.slack.waitFor(() => a.slack.calls.filter((c) => c.method === 'chat.update').length > updates || undefined, {
    description: 'the held chat.update answered',
  });
  const accounted = async (): Promise<boolean> =>
    a.slack.dms('U0ALICE').some((m) => m.text.includes(id) && m.text.includes('applying it now')) ||
    (await a.runwarden.deps.store.events(id)).some((e) => e.action === 'delivery_obsolete' && e.detail.notice === 'approved');
  await a.request(id);
  for (const deadline = Date.now() + 30_000; !(await accounted());) {
    if (Date.now() > deadline)
      throw new Error(`the "approved" notice of ${id} was neither sent nor dropped: ${(await actions(id)).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(a.emulator.policy(HELLO).bindings.filter((x) => x.condition?.title === titleFor(id))).toHaveLength(0);
  expect(calls('SetIamPolicy')).toBe(2); // one add, one removal
  expect((await a.request(id)).status).toBe('expired');
});

it('a Google read that hangs past the lease: the stalled process writes nothing once it resumes (egress stays as the sweep left it)', async () => {
  const id = await a.submit('U0ALICE', 'egress payments-api all-traffic 1h partner debugging');
  await a.click('U0BOB', 'approve', id);
  const hung = a.emulator.hold('GetService', PAYMENTS);
  await a.click('U0CAROL', 'approve', id);
  await hung.reached;

  a.clock.advance(LEASE_SECONDS + 1);
  await b.sweep(); // b takes the apply over
  await a.waitForStatus(id, 'active');
  a.clock.advance(3601);
  expect((await b.sweep()).body.expired).toBe(1);
  await a.waitForStatus(id, 'expired');
  expect(a.emulator.service(PAYMENTS)?.egress).toBe('private-ranges-only');

  hung.release();
  await waitForAction(id, 'lease_lost');
  expect(a.emulator.service(PAYMENTS)?.egress).toBe('private-ranges-only');
  expect(calls('UpdateService')).toBe(2); // b's apply and b's revert; nothing from a
});

it('a write in flight when the lease lapsed, arriving after the sweep applied and reverted: Google refuses its stale etag, and the stalled process writes nothing', async () => {
  const id = await a.submit('U0ALICE', 'egress payments-api all-traffic 1h partner debugging');
  await a.click('U0BOB', 'approve', id);
  const inFlight = a.emulator.hold('UpdateService', PAYMENTS);
  await a.click('U0CAROL', 'approve', id);
  await inFlight.reached;

  a.clock.advance(LEASE_SECONDS + 1);
  await b.sweep();
  await a.waitForStatus(id, 'active');
  a.clock.advance(3601);
  await b.sweep();
  await a.waitForStatus(id, 'expired');
  expect(a.emulator.service(PAYMENTS)?.egress).toBe('private-ranges-only');

  inFlight.release(); // the stalled write arrives now, with the etag of the service before b's two writes
  await waitForAction(id, 'lease_lost'); // refused (ABORTED); its fresh read-modify-write stops at the lease check
  expect(a.emulator.service(PAYMENTS)?.egress).toBe('private-ranges-only');
  expect(await actions(id)).not.toContain('late_write_undone');
});

it('a write in flight when the lease lapsed that still lands (nobody wrote the service since: the takeover ended the request without writing) is undone and recorded', async () => {
  // an instance that gives up at once: its sweep ends the lapsed apply as failed, writing nothing
  const c = await startHarness({ peer: a, settings: { maxAttempts: 1 } });
  try {
    const id = await a.submit('U0ALICE', 'egress payments-api all-traffic 1h partner debugging');
    await a.click('U0BOB', 'approve', id);
    const inFlight = a.emulator.hold('UpdateService', PAYMENTS);
    await a.click('U0CAROL', 'approve', id);
    await inFlight.reached;

    a.clock.advance(LEASE_SECONDS + 1);
    await c.sweep();
    await a.waitForStatus(id, 'failed');
    expect(a.emulator.service(PAYMENTS)?.egress).toBe('private-ranges-only');

    inFlight.release(); // the stalled write lands now: all-traffic, on a failed request
    await waitForAction(id, 'late_write_undone');
    expect(a.emulator.service(PAYMENTS)?.egress).toBe('private-ranges-only');
    const undone = (await a.runwarden.deps.store.events(id)).find((e) => e.action === 'late_write_undone');
    expect(undone?.detail).toMatchObject({ egress: 'all-traffic', undone: 'set back to private-ranges-only' });
  } finally {
    await c.stop();
  }
});

it('a lease that lapses while its holder is alive: the sweep of another instance takes the apply over, once', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 1h debugging');
  const hung = a.emulator.hold('GetIamPolicy', HELLO);
  await a.click('U0BOB', 'approve', id);
  await hung.reached;
  const stalled = await a.request(id);
  expect(stalled.status).toBe('approved');

  // the lease is live: nobody takes it over
  expect((await b.sweep()).body).toMatchObject({ applied: 0 });
  a.clock.advance(LEASE_SECONDS + 1);
  const [first, second] = await Promise.all([b.sweep(), a.sweep()]);
  expect((first.body.applied ?? 0) + (second.body.applied ?? 0)).toBe(1);
  const active = await a.waitForStatus(id, 'active');
  hung.release();
  // a resumes, finds the binding b wrote (exactly what the record says), and its own result is refused
  await waitForAction(id, 'stale_result');
  expect(a.emulator.policy(HELLO).bindings.filter((x) => x.condition?.title === titleFor(id))).toHaveLength(1);
  expect(calls('SetIamPolicy')).toBe(1);
  expect((await a.request(id)).expiresAt).toEqual(active.expiresAt);
});

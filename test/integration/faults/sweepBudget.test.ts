/**
 * Issue 16 §7: a sweep is bounded by the deadlines it runs under. With Slack
 * hanging (every call held past the client's 10 s), a sweep answers by its
 * deadline with what it did, the steps still running counted in `deferred`
 * (they finish on their own, under their leases); and grants another
 * instance is working on (a live lease) are counted in `skipped`, not lost
 * from the counts.
 */
import { APPROVALS_CHANNEL, service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

const HELLO = service('hello');
const WEB = service('web');

describe('Slack hanging during a sweep', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ settings: { sweepBudgetSeconds: 1, sweepDeadlineSeconds: 3 } });
  });
  afterAll(async () => {
    h.slack.setLatency(0);
    await h.stop();
  });

  it('the sweep answers by its deadline while Slack still hangs, what it left counted in deferred; a later sweep finishes it', async () => {
    h.emulator.reset();
    h.emulator.seedService({ name: HELLO });
    h.emulator.seedService({ name: WEB });
    const ids = [await h.submit('U0ALICE', 'invoker hello 1h debugging'), await h.submit('U0ALICE', 'invoker web 1h debugging')];
    for (const id of ids) {
      await h.click('U0BOB', 'approve', id);
      await h.waitForStatus(id, 'active');
    }
    h.clock.advance(3601);
    h.slack.setLatency(60_000);
    const hanging = h.slack.calls.length;

    const swept = await h.sweep();
    expect(swept.status).toBe(200);
    expect(swept.body.deferred).toBeGreaterThan(0);
    // answered while Slack still held what the sweep had sent it
    expect(h.slack.calls.length).toBe(hanging);

    h.slack.setLatency(0);
    h.clock.advance(400); // the first sweep's leases and delivery claims have lapsed
    await h.sweep();
    for (const id of ids) await h.waitForStatus(id, 'expired');
    expect(h.emulator.policy(HELLO).bindings).toEqual([]);
    expect(h.emulator.policy(WEB).bindings).toEqual([]);
    // the first sweep's steps, cut short, end on their own once their Slack calls give up
    await (await h.runwarden.useCases()).idle(60_000);
  });
});

describe('grants under another instance’s lease', () => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    a = await startHarness();
    b = await startHarness({ peer: a });
  });
  afterAll(async () => {
    for (const h of [a, b]) await (await h?.runwarden.useCases())?.idle(30_000);
    await b?.stop();
    await a?.stop();
  });

  it('an apply another instance holds is counted skipped; so is a due grant it is ending', async () => {
    a.emulator.reset();
    a.emulator.seedService({ name: HELLO });
    a.emulator.seedService({ name: WEB });
    const applying = await a.submit('U0ALICE', 'invoker hello 1h debugging');
    const held = a.emulator.hold('SetIamPolicy', HELLO);
    await a.click('U0BOB', 'approve', applying);
    await held.reached; // a holds the apply's lease, its write in flight
    expect((await b.sweep()).body).toMatchObject({ skipped: 1, applied: 0 });

    held.release();
    await a.waitForStatus(applying, 'active');
    const ending = await a.submit('U0ALICE', 'invoker web 1h debugging');
    await a.click('U0BOB', 'approve', ending);
    await a.waitForStatus(ending, 'active');
    a.clock.advance(3601);
    const removals = [a.emulator.hold('SetIamPolicy', HELLO), a.emulator.hold('SetIamPolicy', WEB)];
    const first = a.sweep();
    for (const removal of removals) await removal.reached; // a's sweep is ending both grants, under its leases
    expect((await b.sweep()).body).toMatchObject({ skipped: 2, expired: 0 });
    for (const removal of removals) removal.release();
    await first;
    await a.waitForStatus(applying, 'expired');
    await a.waitForStatus(ending, 'expired');
    expect(a.slack.messages(APPROVALS_CHANNEL).length).toBeGreaterThan(0);
  });
});

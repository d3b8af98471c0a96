/**
 * App Home end to end (SPEC §9): a signed app_home_opened event publishes the
 * user's home (views.publish through the stand-in, which checks Slack's view
 * limits); its buttons act like the channel's; every transition publishes
 * the requester's home again, and the approvers' when their list changed.
 */
import type { Logger } from '../../../src/ports';
import { startHarness, service, PROJECT, APPROVALS_CHANNEL, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
# this file fills App Home past its lists: more open requests than the default limit
maxOpenRequests: 50
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    maxExtensions: 2
`;

let h: Harness;
/** what the bot logged, message by message */
const logged: Array<{ severity: string; message: string }> = [];
const recording = (): Logger => ({
  debug: (message) => logged.push({ severity: 'debug', message }),
  info: (message) => logged.push({ severity: 'info', message }),
  warn: (message) => logged.push({ severity: 'warn', message }),
  error: (message) => logged.push({ severity: 'error', message }),
  child: () => recording(),
});

beforeAll(async () => {
  h = await startHarness({ policy: POLICY, logger: recording() });
  h.emulator.seedService({ name: service('hello') });
  h.emulator.seedService({ name: service('orders') });
  // one service per grant where a test needs many grants of Alice at once (a second active grant of hers on one
  // service would be answered with the first: issue 19)
  for (let i = 0; i < 16; i++) h.emulator.seedService({ name: service(`svc-${i}`) });
});
afterAll(async () => {
  await h.stop();
});

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; value?: string; text?: { text: string } }>;
  accessory?: { action_id: string; value: string; text: { text: string } };
};
const blocksOf = (view: Record<string, unknown>): Block[] => view.blocks as Block[];
const buttonsOf = (view: Record<string, unknown>) =>
  blocksOf(view)
    .flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])])
    .filter((e) => e.action_id)
    .map((e) => [e.text?.text, e.action_id, e.value]);

it('shows the requester their pending request with Cancel, and the approver Approve / Deny; both refresh after a transition', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h checking the home tab');
  const alice = await h.openHome('U0ALICE');
  expect(alice.type).toBe('home');
  expect(buttonsOf(alice)).toContainEqual(['Cancel', 'runwarden_cancel', id]);
  expect(JSON.stringify(alice)).toContain('Your pending requests (1)');

  const bob = await h.openHome('U0BOB');
  expect(buttonsOf(bob)).toEqual(
    expect.arrayContaining([
      ['Approve', 'runwarden_approve', id],
      ['Deny', 'runwarden_deny', id],
    ]),
  );

  // Approve from App Home: no channel, no response_url; re-checked like the channel's button
  const bobBefore = h.slack.homePublishes('U0BOB');
  const aliceBefore = h.slack.homePublishes('U0ALICE');
  await h.press('U0BOB', 'runwarden_approve', id);
  await h.waitForStatus(id, 'active');
  await h.slack.waitFor(
    () => h.slack.homePublishes('U0ALICE') > aliceBefore && JSON.stringify(h.slack.home('U0ALICE')).includes('runwarden_revoke'),
    {
      description: 'the requester’s home shows the active grant',
    },
  );
  const active = h.slack.home('U0ALICE') ?? {};
  expect(buttonsOf(active)).toEqual(
    expect.arrayContaining([
      ['End now', 'runwarden_revoke', id],
      ['Extend', 'runwarden_extend_open', id],
    ]),
  );
  expect(JSON.stringify(active)).toMatch(/\*ends <!date\^\d+\^\{ago\}\|/); // the time left as a Slack {ago} token: right whenever the Home is read
  await h.slack.waitFor(
    () => h.slack.homePublishes('U0BOB') > bobBefore && !JSON.stringify(h.slack.home('U0BOB')).includes(`"value":"${id}"`),
    {
      description: 'the approver’s home no longer asks for a decision',
    },
  );
});

it('a refused click from App Home is told to the clicker by DM', async () => {
  const id = await h.submit('U0ALICE', 'invoker orders 1h self approval attempt');
  await h.press('U0ALICE', 'runwarden_approve', id);
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes('own request')), { description: 'refusal DM' });
  expect((await h.request(id)).status).toBe('pending');
  await h.press('U0ALICE', 'runwarden_cancel', id);
  await h.waitForStatus(id, 'cancelled');
  const home = await h.openHome('U0ALICE');
  expect(JSON.stringify(home)).toContain('Recent history');
  expect(JSON.stringify(home)).toContain(id);
});

it('Extend opens a modal; its submission is checked like the command and puts the extension up for decision', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h extend from home');
  await h.click('U0CAROL', 'approve', id);
  await h.waitForStatus(id, 'active');
  const opened = h.slack.modals().length;
  await h.press('U0ALICE', 'runwarden_extend_open', id);
  const modal = await h.slack.waitFor(() => h.slack.modals()[opened], { description: 'extend modal' });
  const labels = JSON.stringify(modal.view);
  expect(labels).toContain('"text":"Duration"');
  expect(labels).toContain('"text":"Reason"');

  const bad = await h.submitView('U0ALICE', modal.view, { runwarden_extend_duration: 'soon', runwarden_extend_reason: 'more time' });
  expect(bad).toMatchObject({ response_action: 'errors', errors: { runwarden_extend_duration: expect.stringContaining('soon') } });
  const tooLong = await h.submitView('U0ALICE', modal.view, { runwarden_extend_duration: '9h', runwarden_extend_reason: 'more time' });
  expect(tooLong).toMatchObject({
    response_action: 'errors',
    errors: { runwarden_extend_duration: expect.stringContaining('longer than the policy allows') },
  });
  expect((await h.request(id)).extensions ?? []).toHaveLength(0);

  const good = await h.submitView('U0ALICE', modal.view, { runwarden_extend_duration: '30m', runwarden_extend_reason: 'more time' });
  expect(good).toBeUndefined();
  await h.slack.waitFor(() => h.extensionMessage(id, 1), { description: 'extension message' });
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(`Extension 1 of request \`${id}\``)), {
    description: 'confirmation DM',
  });
  const bob = await h.openHome('U0BOB');
  expect(buttonsOf(bob)).toEqual(expect.arrayContaining([['Approve', 'runwarden_extension_approve', `${id}.1`]]));
});

it('stays within 100 blocks and summarises beyond its lists', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 14; i++) ids.push(await h.submit('U0ALICE', `invoker svc-${i} 1h many requests ${i}`));
  const home = await h.openHome('U0ALICE');
  expect(blocksOf(home).length).toBeLessThanOrEqual(100);
  expect(JSON.stringify(home)).toContain('more; `/warden list`');
});

it('a sweep that ends many of a user’s grants publishes their Home once, after its transitions', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const id = await h.submit('U0ALICE', `invoker svc-${i} 10m swept together ${i}`);
    await h.click('U0BOB', 'approve', id);
    ids.push(id);
  }
  for (const id of ids) await h.waitForStatus(id, 'active');
  // every click's Home refreshes have finished; what the sweep publishes is counted from here
  await (await h.runwarden.useCases()).idle(60_000);
  const before = { alice: h.slack.homePublishes('U0ALICE'), bob: h.slack.homePublishes('U0BOB'), carol: h.slack.homePublishes('U0CAROL') };
  h.clock.advance(601);

  const sweep = await h.sweep();

  expect(sweep.status).toBe(200);
  expect(sweep.body).toMatchObject({ expired: 6, errors: 0, deferred: 0 });
  expect(h.slack.homePublishes('U0ALICE') - before.alice).toBe(1);
  // expiry changes nothing that waits for approvers: their Homes are not republished
  expect(h.slack.homePublishes('U0BOB') - before.bob).toBe(0);
  expect(h.slack.homePublishes('U0CAROL') - before.carol).toBe(0);
  const home = JSON.stringify(h.slack.home('U0ALICE'));
  for (const id of ids) expect(home).not.toContain(`"value":"${id}"`); // no End now / Extend left for an ended grant
  expect(home).toContain('Recent history');
});

it('a sweep that times out several pending requests publishes each approver’s Home once', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push(await h.submit('U0ALICE', `invoker svc-${i} 1h left waiting ${i}`));
  const waiting = /Waiting for your approval \((\d+)\)/.exec(JSON.stringify(await h.openHome('U0BOB')))?.[1];
  expect(Number(waiting)).toBeGreaterThanOrEqual(ids.length);
  await (await h.runwarden.useCases()).idle(60_000);
  const before = { alice: h.slack.homePublishes('U0ALICE'), bob: h.slack.homePublishes('U0BOB'), carol: h.slack.homePublishes('U0CAROL') };
  h.clock.advance(3 * 86_400); // past the pending timeout (and every grant of the tests above)

  const sweep = await h.sweep();

  expect(sweep.status).toBe(200);
  expect(sweep.body).toMatchObject({ errors: 0, deferred: 0 });
  expect(sweep.body.timedOut).toBeGreaterThanOrEqual(ids.length);
  expect(h.slack.homePublishes('U0ALICE') - before.alice).toBe(1);
  expect(h.slack.homePublishes('U0BOB') - before.bob).toBe(1);
  expect(h.slack.homePublishes('U0CAROL') - before.carol).toBe(1);
  expect(JSON.stringify(h.slack.home('U0BOB'))).toContain('Waiting for your approval (0)');
});

/** Fails with `what` unless `promise` settles within `ms` (a held Slack call must not hold it). */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms)),
  );
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

it('neither the reply to a request nor its approval message waits for App Home; Homes published later show every request', async () => {
  await (await h.runwarden.useCases()).idle(60_000);
  // Slack holds every Home publish (and every retry of one) until released
  const held = Array.from({ length: 40 }, () => h.slack.hold('views.publish'));
  const givenUp = (): number => logged.filter((line) => line.message === 'could not publish App Home').length;
  const before = { givenUp: givenUp(), alice: h.slack.homePublishes('U0ALICE') };

  const first = await within(
    120_000,
    h.submit('U0ALICE', 'invoker svc-15 1h while Home publishes hang'),
    'the reply and the approval message',
  );
  await held[0]?.reached;
  // the reply came while the Home publishes still hung: it did not wait for them, nor for the bot to give up on them
  expect(givenUp()).toBe(before.givenUp);
  expect(h.slack.homePublishes('U0ALICE')).toBe(before.alice);
  // a burst on top, while they still hang
  const burst = await within(
    120_000,
    Promise.all(Array.from({ length: 8 }, (_, i) => h.submit('U0ALICE', `invoker orders 1h burst of requests ${i}`))),
    'the replies of a burst',
  );
  expect(givenUp()).toBe(before.givenUp);
  for (const hold of held) hold.release();

  const bob = JSON.stringify(await h.openHome('U0BOB'));
  for (const id of [first, ...burst]) expect(bob).toContain(id);
  const alice = JSON.stringify(await h.openHome('U0ALICE'));
  for (const id of [first, ...burst]) expect(alice).toContain(id);
});

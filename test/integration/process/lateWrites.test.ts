/**
 * Issue 16 §1, as production runs it: two `node dist/src/main.js` processes
 * share one Firestore; the one that approves an extension is killed (kill -9)
 * while its SetIamPolicy is in flight, and the write lands anyway. After the
 * lease, the other instance's sweep must leave Google and the record telling
 * the same story — no binding that outlives the grant, no drift that is not
 * drift.
 */
import { titleFor } from '../../../src/domain/iamCondition';
import { APPROVALS_CHANNEL, PROJECT, service } from '../../support/harness';
import { startProcessFleet, type BotProcess, type ProcessFleet } from '../../support/processHarness';

jest.setTimeout(240_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
maxOpenRequests: 100
approverGroups:
  platform: [U0BOB, U0CAROL]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    approvals: 1
    maxExtensions: 2
`;
const HELLO = service('hello');

let fleet: ProcessFleet;
const bots: BotProcess[] = [];

beforeAll(async () => {
  fleet = await startProcessFleet({ policy: POLICY });
});
afterAll(async () => {
  for (const bot of bots) bot.signal('SIGKILL');
  await fleet?.stop();
});
beforeEach(() => {
  fleet.slack.setLatency(0);
  fleet.emulator.reset();
  fleet.emulator.seedService({ name: HELLO });
});

async function start(): Promise<BotProcess> {
  const bot = await fleet.start();
  bots.push(bot);
  return bot;
}

const idIn = (reply: string): string => {
  const id = /`([23456789a-hjkmnp-z]{10})`/.exec(reply)?.[1];
  if (!id) throw new Error(`no request id in: ${reply}`);
  return id;
};
const ours = (id: string) => fleet.emulator.policy(HELLO).bindings.filter((b) => b.condition?.title === titleFor(id));
const withButton = (value: string) => () =>
  fleet.slack.messages(APPROVALS_CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(`"value":"${value}"`));

/** Polls `holds` (the emulator's state, which the Slack stand-in's waitFor does not watch) until true; fails after `timeoutMs`. */
async function until(holds: () => boolean, description: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An active grant of `duration` on hello, approved through `bot`. */
async function activeGrant(bot: BotProcess, duration: string): Promise<string> {
  const id = idIn(await fleet.ask(bot, 'U0ALICE', `invoker hello ${duration} checking the canary`));
  await fleet.slack.waitFor(withButton(id), { description: 'the approval message' });
  await fleet.click(bot, 'U0BOB', 'runwarden_approve', id);
  await fleet.waitForRequest(id, (r) => r.status === 'active' && r.op === undefined);
  return id;
}

/** The extension's approval reaches Google from `bot`, which is killed (kill -9) while its SetIamPolicy is held; the write then lands. */
async function extensionLandsAfterKill(bot: BotProcess, id: string): Promise<void> {
  await fleet.ask(bot, 'U0ALICE', `extend ${id} 30m still checking`);
  await fleet.slack.waitFor(withButton(`${id}.1`), { description: 'the extension message' });
  const inFlight = fleet.emulator.hold('SetIamPolicy', HELLO);
  await fleet.press(bot, 'U0BOB', 'runwarden_extension_approve', `${id}.1`);
  await inFlight.reached;
  bot.signal('SIGKILL');
  await bot.exited;
  const recorded = await fleet.request(id);
  expect(recorded.op).toMatchObject({ type: 'extend' });
  expect(recorded.writing?.expression).toBeDefined(); // recorded before the write
  inFlight.release();
  await until(() => ours(id)[0]?.condition?.expression === recorded.writing?.expression, 'the held write landing');
}

it('the extension write of a killed instance lands, the grant is due: the other instance’s sweep removes that binding, the extension lapses, and nobody is told of drift', async () => {
  const a = await start();
  const b = await start();
  const id = await activeGrant(a, '40s');
  await extensionLandsAfterKill(a, id);
  const landed = ours(id)[0]?.condition?.expression;

  const grant = await fleet.request(id);
  await fleet.waitForRequest(id, (r) => (r.expiresAt?.getTime() ?? Infinity) <= Date.now(), 60_000);
  expect(grant.expiresAt?.getTime()).toBeLessThanOrEqual(Date.now()); // due, as the wait above defines it (the same millisecond counts)
  await fleet.lapseLease(id);
  const swept = await fleet.sweep(b);
  expect(swept.status).toBe(200);
  expect(swept.body).toMatchObject({ expired: 1, drifted: 0 });

  const ended = await fleet.waitForRequest(id, (r) => r.status !== 'active' && r.op === undefined);
  expect(ended.status).toBe('expired');
  expect(ended.result?.drift).toBeUndefined();
  expect(ended.extensions?.[0]).toMatchObject({ status: 'lapsed' });
  expect(ended.extensions?.[0]?.outcome).toMatch(/before the extension was applied/);
  // the binding the killed instance wrote (30 minutes more) is runwarden's own: removed, not "left alone"
  expect(ours(id)).toEqual([]);
  const actions = (await fleet.store.events(id)).map((e) => e.action);
  expect(actions).not.toContain('drift_detected');
  expect(actions).toEqual(expect.arrayContaining(['revert_started', 'expired']));
  await fleet.slack.waitFor(() => fleet.slack.dms('U0ALICE').find((m) => m.text.includes(id) && m.text.includes('expired')), {
    description: 'the expiry told',
  });
  expect(fleet.slack.dms('U0ALICE').filter((m) => m.text.includes(id) && m.text.startsWith(':mag:'))).toEqual([]);
  expect(fleet.slack.messages(APPROVALS_CHANNEL).filter((m) => m.text.includes(id) && m.text.includes('did not revert'))).toEqual([]);
  expect(landed).toBeDefined();
});

it('the extension write of a killed instance lands, the grant is not due: the other instance’s sweep finishes the extension (the binding it finds is the one recorded as being written)', async () => {
  const a = await start();
  const b = await start();
  const id = await activeGrant(a, '1h');
  await extensionLandsAfterKill(a, id);
  const landed = ours(id)[0]?.condition?.expression;

  await fleet.lapseLease(id);
  const swept = await fleet.sweep(b);
  expect(swept.body).toMatchObject({ extended: 1, drifted: 0 });
  const extended = await fleet.waitForRequest(id, (r) => r.extensions?.[0]?.status === 'applied' && r.op === undefined);
  expect(extended.status).toBe('active');
  expect(ours(id)).toHaveLength(1);
  expect(ours(id)[0]?.condition?.expression).toBe(landed);
  expect(landed).toContain((extended.expiresAt?.toISOString() ?? '?').replace('.000Z', 'Z'));
  // and the drift check that follows finds the grant as runwarden left it
  expect((await fleet.sweep(b)).body).toMatchObject({ drifted: 0 });
  expect((await fleet.request(id)).status).toBe('active');
});

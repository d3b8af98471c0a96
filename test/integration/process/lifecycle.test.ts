/**
 * Issue 16 §12, with §3, §4 and §7: runwarden as production runs it — real
 * `node dist/src/main.js` processes, configured by their environment alone —
 * under the faults a deployment sees: a Slack that is slow from start-up, a
 * Firestore that freezes or cannot be reached, and Cloud Run's SIGTERM in the
 * middle of a sweep while Slack hangs (Cloud Run sends SIGKILL 10 s later).
 */
import { APPROVALS_CHANNEL, PROJECT, service } from '../../support/harness';
import { startProcessFleet, type BotProcess, type ProcessFleet } from '../../support/processHarness';
import { startTcpProxy, type TcpProxy } from '../../support/tcpProxy';

jest.setTimeout(180_000);

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
`;
const SERVICES = ['hello', 'web', 'api'].map((name) => service(name));

let fleet: ProcessFleet;

beforeAll(async () => {
  fleet = await startProcessFleet({ policy: POLICY });
});
afterAll(async () => {
  await fleet?.stop();
});
beforeEach(() => {
  fleet.slack.setLatency(0);
  fleet.emulator.reset();
  for (const name of SERVICES) fleet.emulator.seedService({ name });
});

const idIn = (reply: string): string => {
  const id = /`([23456789a-hjkmnp-z]{10})`/.exec(reply)?.[1];
  if (!id) throw new Error(`no request id in: ${reply}`);
  return id;
};
const ours = (resource: string) => fleet.emulator.policy(resource).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));

/** SIGKILL `timeoutMs` after now unless the process has exited by itself, as Cloud Run does 10 s after SIGTERM. */
async function exitedBeforeKill(
  bot: BotProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
  const kill = setTimeout(() => bot.signal('SIGKILL'), timeoutMs);
  try {
    return await bot.exited;
  } finally {
    clearTimeout(kill);
  }
}

it('Slack answering after 12 s from start-up: a fresh process acknowledges and answers its first commands', async () => {
  fleet.slack.setLatency(12_000);
  const bot = await fleet.start();
  try {
    const help = await fleet.slash(bot, 'U0ALICE', 'help');
    expect(help.status).toBe(200);
    expect(help.text).toContain('invoker');
    const list = await fleet.slash(bot, 'U0BOB', 'list');
    expect(list.status).toBe(200);
    const reply = await fleet.slack.waitFor(() => fleet.slack.responses(list.tag)[0], {
      description: 'the answer to list',
      timeoutMs: 30_000,
    });
    expect(reply.body.text).toBeDefined();
  } finally {
    bot.signal('SIGKILL');
    await bot.exited;
  }
});

describe('a Firestore that does not answer', () => {
  let proxy: TcpProxy;
  let bot: BotProcess;

  beforeAll(async () => {
    proxy = await startTcpProxy(process.env.FIRESTORE_EMULATOR_HOST ?? '');
    bot = await fleet.start({ FIRESTORE_EMULATOR_HOST: proxy.host });
    expect(await fleet.ask(bot, 'U0ALICE', 'list')).not.toContain('database'); // Firestore reached once
  });
  afterAll(async () => {
    bot?.signal('SIGKILL');
    await bot?.exited;
    await proxy?.stop();
  });
  afterEach(() => proxy.restore());

  it.each([
    ['frozen (connections accepted, nothing answered)', () => proxy.freeze()],
    ['unreachable (connections refused)', () => proxy.refuse()],
  ])('%s: a command is answered "nothing was changed — try again" while it lasts, with an ERROR log line', async (_what, fault) => {
    fault();
    const before = bot.logs.length;
    const reply = await fleet.ask(bot, 'U0ALICE', 'invoker hello 1h checking the canary', 60_000);
    expect(reply).toContain('nothing was changed — try again');
    expect(bot.logs.slice(before).some((line) => line.severity === 'ERROR')).toBe(true);
    proxy.restore();
    expect(idIn(await fleet.ask(bot, 'U0ALICE', 'invoker hello 1h checking the canary'))).toHaveLength(10);
  });
});

it('SIGTERM during a sweep while Slack hangs: the sweep answers, the process exits by itself before Cloud Run’s SIGKILL, and another instance finishes the rest', async () => {
  const bot = await fleet.start();
  const ids: string[] = [];
  for (const name of ['hello', 'web', 'api']) {
    const id = idIn(await fleet.ask(bot, 'U0ALICE', `invoker ${name} 3s checking the canary`));
    await fleet.slack.waitFor(
      () => fleet.slack.messages(APPROVALS_CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(`"value":"${id}"`)),
      { description: 'the approval message' },
    );
    await fleet.click(bot, 'U0BOB', 'runwarden_approve', id);
    await fleet.waitForRequest(id, (r) => r.status === 'active' && r.op === undefined);
    ids.push(id);
  }
  for (const id of ids) await fleet.waitForRequest(id, (r) => (r.expiresAt?.getTime() ?? Infinity) <= Date.now());

  fleet.slack.setLatency(60_000); // Slack hangs: every call times out on runwarden's side after 10 s
  const swept = fleet.sweep(bot);
  await bot.waitForLog((line) => line.message === 'request revert_started', 30_000, 'the sweep ending a grant');
  bot.signal('SIGTERM');
  const exit = await exitedBeforeKill(bot, 10_000);
  expect(exit).toMatchObject({ code: 0, signal: null });
  const answer = await swept;
  expect(answer.status).toBe(200);
  const stopped = bot.logs.find((line) => line.message === 'stopped' || String(line.message).startsWith('stop did not finish'));
  expect(stopped).toBeDefined();

  // another instance, Slack back: what the stopped one left (under its leases, or owed in the outbox) is finished
  fleet.slack.setLatency(0);
  const next = await fleet.start();
  try {
    for (const id of ids) {
      const request = await fleet.request(id);
      if (request.op) await fleet.lapseLease(id);
    }
    await fleet.sweep(next);
    for (const id of ids) await fleet.waitForRequest(id, (r) => r.status === 'expired' && r.op === undefined);
    for (const name of SERVICES) expect(ours(name)).toEqual([]);
  } finally {
    next.signal('SIGKILL');
    await next.exited;
  }
});

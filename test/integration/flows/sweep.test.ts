/**
 * The sweep: expiry by two concurrent sweeps happens once, stale pending
 * requests time out, approvers are reminded in the request's thread, and an
 * approval message that could not be posted is posted later.
 */
import { startHarness, service, APPROVALS_CHANNEL, type Harness } from '../../support/harness';

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
  h.emulator.seedService({ name: HELLO });
});

const ours = () => h.emulator.policy(HELLO).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
const sum = (counts: Record<string, number>[], key: string) => counts.reduce((n, c) => n + (c[key] ?? 0), 0);

it('two sweeps at once expire a grant exactly once', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 10m two schedulers');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  h.clock.advance(601);
  const writesBefore = h.emulator.calls.filter((c) => c.method === 'SetIamPolicy').length;
  const [a, b] = await Promise.all([h.sweep(), h.sweep()]);
  expect([a.status, b.status]).toEqual([200, 200]);
  expect(sum([a.body, b.body], 'expired')).toBe(1);
  await h.waitForStatus(id, 'expired');
  expect(ours()).toHaveLength(0);
  expect(h.emulator.calls.filter((c) => c.method === 'SetIamPolicy').length - writesBefore).toBe(1);
  const events = await h.runwarden.deps.store.events(id);
  expect(events.filter((e) => e.action === 'expired')).toHaveLength(1);
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && /expired/.test(m.text)), {
    description: 'expiry DM',
  });
});

it('reminds approvers who have not acted, in the request thread, once per interval', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 10m waiting for someone');
  h.clock.advance(3601);
  const first = await h.sweep();
  expect(first.body.reminded).toBe(1);
  const parent = h.approvalMessage(id);
  const reminder = await h.slack.waitFor(() => h.slack.messages(APPROVALS_CHANNEL).find((m) => m.threadTs === parent?.ts), {
    description: 'reminder in thread',
  });
  // the approvers who have not acted are mentioned; the requester is not asked to approve
  expect(reminder.text).toMatch(/^:bell: <@U0BOB> <@U0CAROL>:/);
  expect((await h.sweep()).body.reminded).toBe(0);
  await h.ask('U0ALICE', `cancel ${id}`);
});

it('times out a request nobody decided', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 10m nobody around');
  h.clock.advance(24 * 3600 + 1);
  const swept = await h.sweep();
  expect(swept.body.timedOut).toBe(1);
  await h.waitForStatus(id, 'timed_out');
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id)), { description: 'timeout DM' });
  await h.click('U0BOB', 'approve', id);
  await h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === 'U0BOB' && e.text.includes(id)), {
    description: 'late click refused',
  });
  expect(ours()).toHaveLength(0);
});

it('posts an approval message that Slack refused the first time', async () => {
  h.slack.failNext('chat.postMessage', 'ratelimited');
  const reply = await h.ask('U0ALICE', 'invoker hello 10m slack hiccup');
  const id = /`([a-z0-9]{10})`/.exec(reply)?.[1] ?? '';
  expect((await h.request(id)).message).toBeUndefined();
  const swept = await h.sweep();
  expect(swept.body.reposted).toBe(1);
  await h.slack.waitFor(() => h.approvalMessage(id), { description: 'reposted message' });
  expect((await h.request(id)).message?.channel).toBe(APPROVALS_CHANNEL);
  await h.ask('U0ALICE', `cancel ${id}`);
});

/**
 * Issue 7 §4: Slack messages are delivered, eventually. What a transition
 * owes Slack is written with it (the request's outbox) and delivered by the
 * process that made it or by any later sweep until Slack accepts it —
 * honouring Retry-After on HTTP 429 — and two sweeps at once never send the
 * same message twice. Two bot instances share one Firestore, one Google
 * emulator, one Slack stand-in and one clock.
 */
import { NO_FACTS } from '../../../src/domain/authority/facts';
import { REVOKE_ACTION, APPROVE_ACTION } from '../../../src/adapters/slack/ids';
import { transition } from '../../../src/domain/stateMachine';
import { APPROVALS_CHANNEL, service, startHarness, type Harness } from '../../support/harness';
import { KIND_RULES } from '../../../src/kinds/registry';

jest.setTimeout(180_000);

let a: Harness;
let b: Harness;
const HELLO = service('hello');

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
});

const offers = (id: string, action: string): boolean =>
  JSON.stringify(a.approvalMessage(id)?.blocks ?? []).includes(`"action_id":"${action}"`);
const dmsAbout = (id: string, pattern: RegExp) => a.slack.dms('U0ALICE').filter((m) => m.text.includes(id) && pattern.test(m.text));
/** chat.postMessage calls Slack accepted to `channel` that mention `id` (thread replies with `thread`) */
const posts = (channel: string, id: string, thread = false) =>
  a.slack.calls.filter(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.error === undefined &&
      c.args.channel === channel &&
      Boolean(c.args.thread_ts) === thread &&
      JSON.stringify(c.args).includes(id),
  );
const sum = (key: string, ...bodies: Record<string, number>[]) => bodies.reduce((n, body) => n + (body[key] ?? 0), 0);
/** waits until the request owes Slack nothing */
const settled = (id: string) => a.waitForRequest(id, (r) => r.outbox === undefined);

it('expiry with a failing chat.update and DM: a later sweep updates the message (no more "Revoke now") and tells the requester', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 10m debugging');
  await a.click('U0BOB', 'approve', id);
  await a.waitForStatus(id, 'active');
  await a.slack.waitFor(() => offers(id, REVOKE_ACTION), { description: 'Revoke now on the approval message' });
  await settled(id);

  a.clock.advance(601);
  // Slack fails this sweep's one attempt at each message (the sweep's endings leave their messages to its outbox
  // pass, after every due grant has ended: issue 20 §4)
  a.slack.failNext('chat.update', 'internal_error');
  a.slack.failNext('chat.postMessage', 'service_unavailable');
  const first = await a.sweep();
  await a.waitForStatus(id, 'expired');
  expect(offers(id, REVOKE_ACTION)).toBe(true);
  expect(dmsAbout(id, /expired/)).toHaveLength(0);

  a.clock.advance(60); // past any backoff (none after a first failure: tried again at the next sweep)
  const later = await b.sweep();
  expect(offers(id, REVOKE_ACTION)).toBe(false);
  expect(a.approvalMessage(id)?.text).toMatch(/expired/i);
  expect(dmsAbout(id, /expired/)).toHaveLength(1);
  expect(first.body).toMatchObject({ expired: 1, delivered: 0, deliveryFailed: 2 });
  expect(later.body).toMatchObject({ delivered: 2, deliveryFailed: 0 });
  expect((await a.request(id)).outbox).toBeUndefined();
  expect((await a.sweep()).body).toMatchObject({ delivered: 0 });
});

it('HTTP 429 with Retry-After on a DM: not tried again before Retry-After has passed, delivered after', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 10m rate limits');
  a.slack.rateLimitNext('chat.postMessage', 120);
  await a.click('U0BOB', 'deny', id);
  await a.waitForStatus(id, 'denied');
  const tries = () =>
    a.slack.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'DU0ALICE' && JSON.stringify(c.args).includes(id));
  await a.slack.waitFor(() => tries().length === 1, { description: 'the rate-limited DM' });
  expect(tries()[0]?.error).toBe('ratelimited');
  const waiting = await a.waitForRequest(id, (r) => r.outbox?.some((d) => d.lastError !== undefined) === true);

  await a.sweep();
  a.clock.advance(60);
  await b.sweep();
  expect(tries()).toHaveLength(1);
  expect(dmsAbout(id, /denied/)).toHaveLength(0);

  a.clock.advance(61);
  const after = await b.sweep();
  expect(dmsAbout(id, /denied/)).toHaveLength(1);
  expect(tries()).toHaveLength(2);
  expect(after.body).toMatchObject({ delivered: 1 });
  // it waited in the outbox, not counted as a failed attempt
  expect(waiting.outbox).toMatchObject([{ type: 'notify_requester', notice: 'denied', attempts: 0 }]);
});

it('two sweeps at once on a pending request whose approval message failed: it is posted exactly once', async () => {
  a.slack.failNext('chat.postMessage', 'internal_error');
  const reply = await a.ask('U0ALICE', 'invoker hello 10m slack hiccup');
  const id = /`([a-z0-9]{10})`/.exec(reply)?.[1] ?? '';
  // the submission's own attempt failed before it answered
  expect(posts(APPROVALS_CHANNEL, id)).toHaveLength(0);
  expect((await a.request(id)).message).toBeUndefined();

  const [x, y] = await Promise.all([a.sweep(), b.sweep()]);
  expect(posts(APPROVALS_CHANNEL, id)).toHaveLength(1);
  expect(offers(id, APPROVE_ACTION)).toBe(true);
  expect((await a.request(id)).message?.ts).toBe(a.approvalMessage(id)?.ts);
  expect(sum('reposted', x.body, y.body)).toBe(1);
  await a.ask('U0ALICE', `cancel ${id}`);
});

it('two sweeps at once when reminders are due: the approvers of each request are reminded exactly once', async () => {
  const ids = [];
  for (const n of [1, 2, 3]) ids.push(await a.submit('U0ALICE', `invoker hello 10m waiting for someone ${n}`));
  a.clock.advance(3601);
  const [x, y] = await Promise.all([a.sweep(), b.sweep()]);
  for (const id of ids) {
    await settled(id);
    expect(posts(APPROVALS_CHANNEL, id, true).filter((c) => String(c.args.text).startsWith(':bell:'))).toHaveLength(1);
  }
  expect(sum('reminded', x.body, y.body)).toBe(3);
  for (const id of ids) await a.ask('U0ALICE', `cancel ${id}`);
});

it('a process that committed a transition and died before telling Slack: the sweep of another instance delivers', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 10m about to be cancelled');
  await settled(id);
  // the transition is committed (as the process would) and nothing runs after it
  const committed = await a.runwarden.deps.store.transact(id, (current) =>
    transition(
      current,
      { type: 'cancel', actor: 'U0ALICE', grounds: { policy: a.runwarden.deps.policy(), facts: NO_FACTS, kinds: KIND_RULES } },
      a.clock.now(),
    ),
  );
  expect(committed.ok).toBe(true);
  expect(offers(id, APPROVE_ACTION)).toBe(true);
  expect(dmsAbout(id, /cancelled/)).toHaveLength(0);

  const swept = await b.sweep();
  expect(offers(id, APPROVE_ACTION)).toBe(false);
  expect(a.approvalMessage(id)?.text).toMatch(/cancelled/i);
  expect(dmsAbout(id, /cancelled/)).toHaveLength(1);
  expect(swept.body).toMatchObject({ delivered: 2 });
  const delivered = (await a.runwarden.deps.store.events(id)).filter((e) => e.action === 'delivered');
  expect(delivered.map((e) => e.detail.type)).toEqual(['refresh_message', 'notify_requester']);
});

it('a message Slack refuses for good is dropped, audited, and never tried again', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 10m archived channel');
  a.slack.failNext('chat.postMessage', 'channel_not_found');
  await a.click('U0BOB', 'deny', id);
  await a.waitForStatus(id, 'denied');
  const dropped = await a.waitForRequest(id, (r) => r.outbox === undefined);
  expect(dropped.outbox).toBeUndefined();
  const events = await a.runwarden.deps.store.events(id);
  expect(events.find((e) => e.action === 'delivery_dropped')?.detail).toMatchObject({
    type: 'notify_requester',
    notice: 'denied',
    why: 'permanent_error',
  });
  expect((await a.sweep()).body).toMatchObject({ delivered: 0, deliveryFailed: 0 });
  expect(dmsAbout(id, /denied/)).toHaveLength(0);
});

/**
 * Slack messages that arrive late must still be right, and must not wait for
 * ever (attack review of the outbox): a Retry-After is honoured only up to
 * DELIVERY_LIMITS.retryAfterMaxSeconds and a message Slack keeps refusing is
 * dropped, audited, after DELIVERY_LIMITS.maxAgeSeconds; refreshes of one
 * message reach Slack in order, the last one of the latest state; a notice no
 * longer true (an expiry warning for a grant that has ended) is dropped,
 * audited, not sent. Two bot instances share one Firestore, one Google
 * emulator, one Slack stand-in and one clock.
 */
import { NO_FACTS } from '../../../src/domain/authority/facts';
import { Firestore } from '@google-cloud/firestore';
import { APPROVE_ACTION, REVOKE_ACTION } from '../../../src/adapters/slack/ids';
import { DELIVERY_LIMITS } from '../../../src/domain/outbox';
import { transition } from '../../../src/domain/stateMachine';
import { service, startHarness, type Harness } from '../../support/harness';
import { KIND_RULES } from '../../../src/kinds/registry';

jest.setTimeout(180_000);

let a: Harness;
let b: Harness;
const HELLO = service('hello');
const PAIR = service('pair-one');

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
  a.emulator.seedService({ name: PAIR });
});

const offers = (id: string, action: string): boolean =>
  JSON.stringify(a.approvalMessage(id)?.blocks ?? []).includes(`"action_id":"${action}"`);
const dmsAbout = (id: string, pattern: RegExp) => a.slack.dms('U0ALICE').filter((m) => m.text.includes(id) && pattern.test(m.text));
const events = (id: string) => a.runwarden.deps.store.events(id);
/** waits until the request owes Slack nothing */
const settled = (id: string) => a.waitForRequest(id, (r) => r.outbox === undefined);

it('HTTP 429 with a one-year Retry-After: the DM waits at most DELIVERY_LIMITS.retryAfterMaxSeconds (30 min), then is delivered', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 10m huge retry-after');
  a.slack.rateLimitNext('chat.postMessage', 365 * 24 * 3600);
  await a.click('U0BOB', 'deny', id);
  await a.waitForStatus(id, 'denied');
  const waiting = await a.waitForRequest(id, (r) => r.outbox?.some((d) => d.lastError !== undefined) === true);
  expect(waiting.outbox?.[0]?.notBefore.getTime()).toBeLessThanOrEqual(
    a.clock.now().getTime() + DELIVERY_LIMITS.retryAfterMaxSeconds * 1000,
  );

  a.clock.advance(DELIVERY_LIMITS.retryAfterMaxSeconds + 1);
  expect((await a.sweep()).body).toMatchObject({ delivered: 1 });
  expect(dmsAbout(id, /denied/)).toHaveLength(1);
  expect((await a.request(id)).outbox).toBeUndefined();
});

it('Slack answers HTTP 429 (Retry-After: two days) for more than a day: tried every 30 min, then the DM is dropped, audited (too_old)', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 10m always rate limited');
  const TWO_DAYS = 2 * 24 * 3600;
  a.slack.rateLimitNext('chat.postMessage', TWO_DAYS);
  await a.click('U0BOB', 'deny', id);
  await a.waitForStatus(id, 'denied');
  await a.waitForRequest(id, (r) => r.outbox?.some((d) => d.lastError !== undefined) === true);
  for (let hour = 2; hour <= 26; hour += 2) {
    a.slack.rateLimitNext('chat.postMessage', TWO_DAYS);
    a.clock.advance(2 * 3600);
    const swept = await a.sweep();
    expect((swept.body.deliveryFailed ?? 0) + (swept.body.deliveryDropped ?? 0)).toBe(1);
    if (swept.body.deliveryDropped === 1) break;
  }
  expect((await a.request(id)).outbox).toBeUndefined();
  expect((await events(id)).find((e) => e.action === 'delivery_dropped')?.detail).toMatchObject({
    type: 'notify_requester',
    notice: 'denied',
    why: 'too_old',
    attempts: 0,
  });
  expect(dmsAbout(id, /denied/)).toHaveLength(0);
});

it('a rate-limited expiry warning still owed when the grant has expired is dropped as obsolete, audited; the "expired" DM still arrives', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 10m stale warning');
  await a.click('U0BOB', 'approve', id);
  await a.waitForStatus(id, 'active');
  await settled(id);
  a.clock.advance(301); // a 10-minute grant is warned at its half
  a.slack.rateLimitNext('chat.postMessage', 600);
  expect((await a.sweep()).body).toMatchObject({ warned: 1 });
  await a.waitForRequest(id, (r) => r.outbox?.some((d) => d.notice === 'expiring' && d.lastError !== undefined) === true);
  a.clock.advance(400); // past expiry, before Retry-After
  expect((await a.sweep()).body).toMatchObject({ expired: 1 });
  await a.waitForStatus(id, 'expired');
  a.clock.advance(400); // past Retry-After
  await a.sweep();
  await settled(id);

  const warnings = dmsAbout(id, /:alarm_clock:/);
  expect(warnings.map((m) => ({ text: m.text, extend: JSON.stringify(m).includes('xtend') }))).toEqual([]);
  expect(dmsAbout(id, /expired/)).toHaveLength(1);
  // (the "approved; applying it now" notice is dropped as obsolete too, once the grant is in force: one DM per outcome)
  expect((await events(id)).find((e) => e.action === 'delivery_obsolete' && e.detail.notice === 'expiring')?.detail).toMatchObject({
    notice: 'expiring',
    why: 'the request is expired',
  });
});

it('a slow refresh of an older state does not land after a newer one: the message of an active grant ends offering Revoke now, not Approve', async () => {
  const id = await a.submit('U0ALICE', 'invoker pair-one 10m stale refresh');
  await settled(id);
  // instance a: Bob's approval (1 of 2) — its message refresh is claimed and sent, and Slack is slow to answer
  const slow = a.slack.hold('chat.update');
  const bobClick = a.click('U0BOB', 'approve', id);
  await slow.reached;
  // instance b: Carol's approval (2 of 2) — applied; b has told Alice it is in force (its message refresh came before that DM)
  await b.click('U0CAROL', 'approve', id);
  await b.waitForStatus(id, 'active');
  await a.slack.waitFor(() => dmsAbout(id, /in force/).length === 1, { description: 'the "in force" DM sent by b' });
  // Slack answers the older update only now
  slow.release();
  await bobClick;
  await settled(id);
  await a.sweep();
  await b.sweep();
  expect((await a.request(id)).status).toBe('active');
  expect(offers(id, APPROVE_ACTION)).toBe(false);
  expect(offers(id, REVOKE_ACTION)).toBe(true);
  await a.ask('U0ALICE', `revoke ${id}`);
  await a.waitForStatus(id, 'revoked');
});

it('200 documents the sweep cannot deliver (malformed) at the front of the owed queue do not crowd out a request that owes a message: the sweep pages past them', async () => {
  const id = await a.submit('U0ALICE', 'invoker hello 10m behind a crowd');
  await settled(id);
  const firestore = new Firestore({ projectId: a.projectId });
  const crowd = Array.from({ length: 200 }, (_, i) => `crowd${String(i).padStart(5, '0')}`);
  try {
    const batch = firestore.batch();
    for (const doc of crowd) batch.set(firestore.collection('requests').doc(doc), { kind: 'teleport', outboxDueAt: new Date(0) });
    await batch.commit();
    // a transition committed by a process that died before telling Slack
    const committed = await a.runwarden.deps.store.transact(id, (current) =>
      transition(
        current,
        { type: 'cancel', actor: 'U0ALICE', grounds: { policy: a.runwarden.deps.policy(), facts: NO_FACTS, kinds: KIND_RULES } },
        a.clock.now(),
      ),
    );
    expect(committed.ok).toBe(true);

    const swept = await b.sweep();
    expect(dmsAbout(id, /cancelled/)).toHaveLength(1);
    expect(offers(id, APPROVE_ACTION)).toBe(false);
    expect(swept.body).toMatchObject({ delivered: 2, malformed: 200 });
    expect((await a.request(id)).outbox).toBeUndefined();
  } finally {
    const cleanup = firestore.batch();
    for (const doc of crowd) cleanup.delete(firestore.collection('requests').doc(doc));
    await cleanup.commit();
    await firestore.terminate();
  }
});

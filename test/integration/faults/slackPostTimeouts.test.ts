/**
 * Issue 16 §8: a chat.postMessage that timed out on runwarden's side (the
 * Web API client gives up after 10 s) but reached Slack. Every message
 * runwarden posts carries its request and delivery in Slack message
 * metadata; a post whose outcome was not confirmed is looked for before it is
 * posted again, and once one is recorded the channel is searched for copies,
 * which are removed — so no approval message with live buttons is left
 * orphaned, and a click on a copy removes it.
 */
import { APPROVALS_CHANNEL, service, startHarness, type Harness } from '../../support/harness';
import { DELIVERY_LIMITS } from '../../../src/domain/outbox';

jest.setTimeout(120_000);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: service('hello') });
});

const copiesOf = (id: string) =>
  h.slack.messages(APPROVALS_CHANNEL).filter((m) => !m.threadTs && JSON.stringify(m.blocks ?? []).includes(`"value":"${id}"`));
const actions = async (id: string): Promise<string[]> => (await h.runwarden.deps.store.events(id)).map((e) => e.action);

/** Submits while the approval message's post is held past the client's deadline; resolves once the timeout is recorded. */
async function submitWithHeldPost(): Promise<{ id: string; held: { release(): void } }> {
  const held = h.slack.hold('chat.postMessage', { channel: APPROVALS_CHANNEL });
  const reply = await h.ask('U0ALICE', 'invoker hello 1h checking the canary');
  const id = /`([a-z0-9]{10})`/.exec(reply)?.[1];
  if (!id) throw new Error(`no request id in: ${reply}`);
  await h.waitForRequest(id, (r) => r.outbox?.some((d) => d.type === 'post_message' && d.unconfirmedSince !== undefined) === true);
  return { id, held };
}

it('the timed-out post lands after the retry posted another: the copy is found and removed, one message stays, the recorded one', async () => {
  const { id, held } = await submitWithHeldPost();
  await h.sweep(); // the retry looks first, finds nothing yet, posts
  const recorded = await h.waitForRequest(id, (r) => r.message !== undefined);
  held.release(); // the first attempt lands now, unrecorded
  await h.slack.waitFor(() => copiesOf(id).length === 2 || undefined, { description: 'the late copy in the channel' });

  h.clock.advance(DELIVERY_LIMITS.duplicateCheckSeconds + 1);
  await h.sweep();
  await h.slack.waitFor(() => copiesOf(id).length === 1 || undefined, { description: 'the copy removed' });
  expect(copiesOf(id).map((m) => m.ts)).toEqual([recorded.message?.ts]);
  expect(h.slack.deletedMessages(APPROVALS_CHANNEL)).toHaveLength(1);
  expect(await actions(id)).toContain('duplicates_removed');

  // the one message left is the one runwarden keeps up to date
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  await h.slack.waitFor(() => /Revoke/.test(JSON.stringify(copiesOf(id)[0]?.blocks ?? [])) || undefined, {
    description: 'the recorded message refreshed',
  });
});

it('the timed-out post landed before the retry: it is found and recorded, not posted again', async () => {
  const { id, held } = await submitWithHeldPost();
  held.release();
  await h.slack.waitFor(() => copiesOf(id).length === 1 || undefined, { description: 'the late post in the channel' });
  await h.sweep();
  const recorded = await h.waitForRequest(id, (r) => r.message !== undefined);
  expect(recorded.message?.ts).toBe(copiesOf(id)[0]?.ts);
  expect(copiesOf(id)).toHaveLength(1);
  expect((await h.runwarden.deps.store.events(id)).find((e) => e.action === 'message_posted')?.detail).toMatchObject({ found: true });
});

it('a click on the orphaned copy counts as a click on the request, and the copy is removed at once', async () => {
  const { id, held } = await submitWithHeldPost();
  await h.sweep();
  const recorded = await h.waitForRequest(id, (r) => r.message !== undefined);
  held.release();
  const copy = await h.slack.waitFor(() => copiesOf(id).find((m) => m.ts !== recorded.message?.ts), { description: 'the late copy' });

  await h.press('U0BOB', 'runwarden_approve', id, { channel: copy.channel, ts: copy.ts });
  await h.waitForStatus(id, 'active');
  await h.slack.waitFor(() => (copiesOf(id).length === 1 ? true : undefined), { description: 'the clicked copy removed' });
  expect(copiesOf(id)[0]?.ts).toBe(recorded.message?.ts);
  await h.waitForRequest(
    id,
    (r) => r.outbox === undefined || r.outbox.every((d) => d.type !== 'remove_duplicates' || d.stray === undefined),
  );
  expect(await actions(id)).toEqual(expect.arrayContaining(['stray_message_clicked', 'duplicates_removed']));
});

it('every message runwarden posts carries its request and delivery as Slack metadata', async () => {
  const reply = await h.ask('U0ALICE', 'invoker hello 1h checking the canary');
  const id = /`([a-z0-9]{10})`/.exec(reply)?.[1] ?? '';
  await h.slack.waitFor(() => h.approvalMessage(id), { description: 'the approval message' });
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').some((m) => m.text.includes(id) && /in force/.test(m.text)) || undefined, {
    description: 'the applied DM',
  });
  const mine = [...h.slack.messages(APPROVALS_CHANNEL), ...h.slack.dms('U0ALICE')].filter(
    (m) => m.text.includes(id) || JSON.stringify(m.blocks ?? []).includes(id),
  );
  expect(mine.length).toBeGreaterThanOrEqual(2);
  for (const message of mine) {
    expect(message.metadata).toMatchObject({ event_type: 'runwarden_message', event_payload: { request_id: id } });
  }
});

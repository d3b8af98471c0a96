/**
 * Issue 16 §3: nothing on a Slack request's path waits for a Slack call
 * before the acknowledgement. A fresh instance whose Slack answers slowly
 * (auth.test, views.open held) still acknowledges every request within
 * Slack's 3 seconds — HTTP 200, never the receiver's 404 — and answers it.
 */
import { startHarness, type Harness } from '../../support/harness';

jest.setTimeout(60_000);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

it('auth.test held on a fresh instance: the first slash commands are acknowledged and answered', async () => {
  const identity = h.slack.hold('auth.test');
  try {
    const answers = await Promise.all([h.slash('U0ALICE', 'help'), h.slash('U0BOB', 'list')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0]?.text).toContain('invoker');
    await h.slack.waitFor(() => h.slack.responses(answers[1]?.tag)[0], { description: 'the answer to list' });
  } finally {
    identity.release();
  }
});

it('views.open held: `/warden` is acknowledged at once, and the form opens once Slack answers', async () => {
  const opening = h.slack.hold('views.open');
  const before = h.slack.modals().length;
  try {
    const answer = await h.slash('U0ALICE', '');
    expect(answer.status).toBe(200);
    await opening.reached;
  } finally {
    opening.release();
  }
  await h.slack.waitFor(() => h.slack.modals()[before], { description: 'the request form' });
});

it('views.open refused after the acknowledgement: the user is told to use the command line, through the response_url', async () => {
  h.slack.failNext('views.open', 'expired_trigger_id');
  const answer = await h.slash('U0ALICE', '');
  expect(answer.status).toBe(200);
  const reply = await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: 'the fallback answer' });
  expect(reply.body.text).toContain('/warden help');
});

/**
 * Socket Mode, end to end (SPEC §2: SLACK_APP_TOKEN): runwarden opens its
 * connection with apps.connections.open and the app-level token, waits for
 * Slack's `hello`, and receives every payload as an envelope that it
 * acknowledges — against the Socket Mode stand-in (dev/sandbox/
 * socketModeStandIn.ts), which speaks Slack's protocol. A slash command, a
 * button click and a modal submission do what they do over HTTP; an envelope
 * delivered twice files one request; a connection dropped mid-approval loses
 * nothing; `disconnect` is followed by a new connection on a new ticket.
 */
import { createRunwarden } from '../../../src/app/wiring';
import { silentLogger } from '../../../src/app/logger';
import type { Logger } from '../../../src/ports';
import { loadPolicy } from '../../../src/domain/policy/loadPolicy';
import { blockActionsBody, FORM_CONTENT_TYPE, slashCommandBody } from '../../../dev/sandbox/slackPayloads';
import { startSocketModeStandIn } from '../../../dev/sandbox/socketModeStandIn';
import { startSlackStandIn } from '../../../dev/sandbox/slackStandIn';
import { APP_TOKEN, APPROVALS_CHANNEL, BOT_TOKEN, service, startHarness, TEST_POLICY, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
const HELLO = service('hello');
/** what the bot logged (messages only) */
const logged: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: (message) => void logged.push(message),
  warn: (message) => void logged.push(message),
  error: (message) => void logged.push(message),
  child: () => logger,
};

beforeAll(async () => {
  h = await startHarness({ socketMode: true, logger });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: HELLO });
});

function socket() {
  if (!h.socket) throw new Error('the harness runs without Socket Mode');
  return h.socket;
}
const ourBindings = () => h.emulator.policy(HELLO).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
async function pendingOf(user: string, reason: string) {
  const listing = await h.runwarden.deps.store.listByRequester(user, ['pending', 'approved', 'active']);
  return listing.requests.filter((r) => r.reason === reason);
}

it('connects with the app-level token: apps.connections.open, then the WebSocket and Slack’s hello; /healthz and /jobs/sweep on its own port', async () => {
  expect(socket().connectionsOpened).toBeGreaterThanOrEqual(1);
  expect(socket().openConnections).toBe(1);
  expect((await fetch(`${h.botUrl}/healthz`)).status).toBe(200);
  const swept = await h.sweep();
  expect(swept.status).toBe(200);
  expect((await h.sweep(null)).status).toBe(401);
});

it('a slash command arrives as a slash_commands envelope, is acknowledged, and files the request', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h over socket mode');
  expect(await h.request(id)).toMatchObject({ status: 'pending', requester: 'U0ALICE', target: HELLO });
  const envelope = socket().sent.find((e) => e.type === 'slash_commands' && e.payload.text === 'invoker hello 1h over socket mode');
  expect(envelope).toMatchObject({ accepts_response_payload: true });
  expect(socket().acks.map((a) => a.envelope_id)).toContain(envelope?.envelope_id);
});

it('a button click arrives as an interactive envelope and applies the approved change', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h click over socket mode');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  expect(ourBindings()).toEqual([expect.objectContaining({ role: 'roles/run.invoker', members: ['user:alice@acme.example'] })]);
  expect(
    socket().sent.some((e) => e.type === 'interactive' && e.payload.type === 'block_actions' && e.accepts_response_payload === false),
  ).toBe(true);
});

it('a modal submission (the request form) files the request; its errors come back in the acknowledgement', async () => {
  const modal = await h.openForm('U0ALICE');
  const view = await h.chooseKind('U0ALICE', modal, 'invoker');
  const values = {
    runwarden_form_kind: 'invoker',
    runwarden_form_target: HELLO,
    runwarden_form_duration: '1h',
    runwarden_form_reason: 'form over socket mode',
  };
  expect(await h.submitView('U0ALICE', view, { ...values, runwarden_form_duration: 'soon' }, modal.id)).toMatchObject({
    response_action: 'errors',
  });
  expect(await h.submitView('U0ALICE', view, values, modal.id)).toBeUndefined();
  await h.slack.waitFor(
    () =>
      h.slack
        .messages(APPROVALS_CHANNEL)
        .find((m) => m.text.includes('form over socket mode') || JSON.stringify(m.blocks ?? []).includes('form over socket mode')),
    { description: 'the approval message' },
  );
  expect(await pendingOf('U0ALICE', 'form over socket mode')).toHaveLength(1);
});

it('an envelope delivered again (no acknowledgement seen) files one request: a slash command, and a modal submission', async () => {
  const body = slashCommandBody({
    text: 'invoker hello 1h redelivered command',
    userId: 'U0ALICE',
    responseUrl: h.slack.responseUrl('redelivered'),
  });
  await socket().deliverBody(body, FORM_CONTENT_TYPE);
  const first = socket().sent.at(-1);
  if (!first) throw new Error('nothing sent');
  await socket().redeliver(first);
  await h.slack.waitFor(() => h.slack.responses('redelivered').length >= 2 && h.slack.responses('redelivered'), {
    description: 'both replies',
  });
  const replies = h.slack.responses('redelivered').map((r) => r.body.text);
  expect(replies[0]).toBe(replies[1]);
  expect(await pendingOf('U0ALICE', 'redelivered command')).toHaveLength(1);

  const modal = await h.openForm('U0ALICE');
  const view = await h.chooseKind('U0ALICE', modal, 'invoker');
  const confirmations = h.slack.dms('U0ALICE').length;
  await h.submitView(
    'U0ALICE',
    view,
    {
      runwarden_form_kind: 'invoker',
      runwarden_form_target: HELLO,
      runwarden_form_duration: '1h',
      runwarden_form_reason: 'redelivered form',
    },
    modal.id,
  );
  const submission = socket().sent.at(-1);
  if (!submission) throw new Error('nothing sent');
  expect(submission.payload.type).toBe('view_submission');
  await socket().redeliver(submission);
  // the duplicate either files a second request or says it was a duplicate: wait for whichever happens
  const deadline = Date.now() + 30_000;
  let filed = await pendingOf('U0ALICE', 'redelivered form');
  while (
    filed.length < 2 &&
    !logged.includes('a request form submission was delivered again; the first delivery handles it') &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    filed = await pendingOf('U0ALICE', 'redelivered form');
  }
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').length > confirmations, { description: 'the confirmation' });
  expect(await pendingOf('U0ALICE', 'redelivered form')).toHaveLength(1);
  expect(h.slack.dms('U0ALICE')).toHaveLength(confirmations + 1);
});

it('a connection dropped mid-approval loses nothing: runwarden reconnects, and the click sent again applies the change once', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h dropped mid-approval');
  const message = h.approvalMessage(id);
  if (!message) throw new Error('no approval message');
  const opened = socket().connectionsOpened;
  const click = blockActionsBody({
    userId: 'U0BOB',
    actionId: 'runwarden_approve',
    value: id,
    channelId: message.channel,
    messageTs: message.ts,
    responseUrl: h.slack.responseUrl('drop'),
  });
  // the connection is cut right after the click is sent: Slack never sees an acknowledgement
  await expect(socket().deliverBody(click, FORM_CONTENT_TYPE, { dropAfterSend: true })).rejects.toThrow(/not acknowledged/);
  await socket().waitForConnection(opened);
  // Slack (or Bob, seeing an error) sends the click again on the new connection
  await socket().deliverBody(click, FORM_CONTENT_TYPE);
  const active = await h.waitForStatus(id, 'active');
  expect(active.approvals.map((a) => a.approver)).toEqual(['U0BOB']);
  expect(ourBindings()).toHaveLength(1);
  await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id)), { description: 'the requester is told' });
});

it('follows Slack’s `disconnect`: a new connection on a new ticket, and commands keep working', async () => {
  const opened = socket().connectionsOpened;
  socket().requestDisconnect('refresh_requested');
  await socket().waitForConnection(opened);
  expect(socket().openConnections).toBe(1);
  const id = await h.submit('U0ALICE', 'invoker hello 1h after a refresh');
  expect((await h.request(id)).status).toBe('pending');
});

// (a token that is not an app-level token never gets this far: start-up refuses it, test/unit/app/config.test.ts)
it('does not start with an app token Slack refuses, and says why', async () => {
  const standIn = await startSocketModeStandIn({ appToken: APP_TOKEN, botToken: BOT_TOKEN });
  const slack = await startSlackStandIn({ botToken: BOT_TOKEN, extraRoutes: standIn.routes });
  const loaded = loadPolicy(TEST_POLICY);
  if (!loaded.ok) throw new Error('policy');
  try {
    {
      const runwarden = createRunwarden({
        port: 0,
        slashCommand: '/warden',
        appToken: 'xapp-1-A0WARDEN-1-revoked',
        botToken: BOT_TOKEN,
        slackApiUrl: `${slack.url}/api/`,
        projectId: `socket-${Date.now()}`,
        jobs: { certsUrl: 'http://127.0.0.1:1/certs' },
        policy: loaded.policy,
        logger: silentLogger,
      });
      await expect(runwarden.start()).rejects.toThrow('invalid_auth');
      await runwarden.stop();
    }
  } finally {
    await Promise.allSettled([slack.stop(), standIn.stop()]);
  }
});

import { WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { startSlackStandIn, type SlackStandIn } from '../../../dev/sandbox/slackStandIn';

const TOKEN = 'xoxb-sandbox-token';

describe('Slack stand-in driven by the real @slack/web-api client', () => {
  let standIn: SlackStandIn;
  let client: WebClient;
  const logged: string[] = [];

  beforeEach(async () => {
    logged.splice(0);
    standIn = await startSlackStandIn({
      botToken: TOKEN,
      users: [{ id: 'U0ALICE', email: 'alice@acme.example', name: 'alice' }, { id: 'U0NOMAIL' }],
      userGroups: { S0SECURITY: ['U0CAROL', 'U0DAVE'] },
      log: (line) => logged.push(line),
      extraRoutes: { '/_sandbox/oidc-token': async (req) => ({ status: 200, body: { token: `minted-for-${req.method}` } }) },
    });
    client = new WebClient(TOKEN, { slackApiUrl: `${standIn.url}/api/`, retryConfig: { retries: 0 } });
  });
  afterEach(() => standIn.stop());

  const errorOf = async (call: Promise<unknown>): Promise<string> => {
    try {
      await call;
    } catch (error) {
      return (error as WebAPIPlatformError).data?.error ?? String(error);
    }
    throw new Error('the call succeeded');
  };

  it('answers auth.test as the sandbox bot', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({ ok: true, user_id: 'U0WARDEN', bot_id: 'B0WARDEN', team_id: 'T0SANDBOX' });
  });

  it('posts a message with blocks and updates it in place', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Request *abc*' } }];
    const posted = await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'Request abc', blocks });
    const second = await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'another' });
    expect(posted.channel).toBe('C0APPROVALS');
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(posted.ts));

    await client.chat.update({ channel: 'C0APPROVALS', ts: posted.ts ?? '', text: 'Request abc — approved by U0BOB' });

    const [message] = standIn.messages('C0APPROVALS');
    expect(message).toMatchObject({ channel: 'C0APPROVALS', ts: posted.ts, text: 'Request abc — approved by U0BOB', blocks });
    expect(message?.history).toEqual([expect.objectContaining({ text: 'Request abc — approved by U0BOB', via: 'chat.update' })]);
    expect(standIn.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage', 'chat.update']);
    expect(standIn.calls[0]?.args).toMatchObject({ channel: 'C0APPROVALS', blocks });
    expect(logged).toEqual([
      expect.stringContaining('#C0APPROVALS posted'),
      expect.stringContaining('another'),
      expect.stringMatching(/#C0APPROVALS updated .*approved by U0BOB/),
    ]);
  });

  it('refuses to update a message that does not exist', async () => {
    await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'x' });
    expect(await errorOf(client.chat.update({ channel: 'C0APPROVALS', ts: '1.000001', text: 'y' }))).toBe('message_not_found');
    expect(standIn.calls.at(-1)?.error).toBe('message_not_found');
  });

  it('opens a DM channel and records the messages posted to it', async () => {
    expect(await errorOf(client.chat.postMessage({ channel: 'DU0ALICE', text: 'too early' }))).toBe('channel_not_found');
    const opened = await client.conversations.open({ users: 'U0ALICE' });
    const channel = (opened.channel as { id: string }).id;
    expect(channel).toBe('DU0ALICE');
    await client.chat.postMessage({ channel, text: 'Your request abc was approved' });
    expect(standIn.dms('U0ALICE')).toEqual([expect.objectContaining({ channel: 'DU0ALICE', text: 'Your request abc was approved' })]);
    expect(standIn.dms('U0BOB')).toEqual([]);
  });

  it('records ephemeral messages', async () => {
    const result = await client.chat.postEphemeral({ channel: 'C0APPROVALS', user: 'U0MALLORY', text: 'You are not an approver' });
    expect(result.message_ts).toBeDefined();
    expect(standIn.ephemerals).toEqual([
      expect.objectContaining({ channel: 'C0APPROVALS', user: 'U0MALLORY', text: 'You are not an approver' }),
    ]);
  });

  it('looks up profile emails and user-group members', async () => {
    const alice = await client.users.info({ user: 'U0ALICE' });
    expect(alice.user?.profile?.email).toBe('alice@acme.example');
    const noMail = await client.users.info({ user: 'U0NOMAIL' });
    expect(noMail.user?.profile?.email).toBeUndefined();
    expect(await errorOf(client.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');

    expect((await client.usergroups.users.list({ usergroup: 'S0SECURITY' })).users).toEqual(['U0CAROL', 'U0DAVE']);
    expect(await errorOf(client.usergroups.users.list({ usergroup: 'S0NONE' }))).toBe('no_such_subteam');

    standIn.setUser({ id: 'U0ERIN', email: 'erin@acme.example' });
    standIn.setUserGroup('S0NEW', ['U0ERIN']);
    expect((await client.users.info({ user: 'U0ERIN' })).user?.profile?.email).toBe('erin@acme.example');
    expect((await client.usergroups.users.list({ usergroup: 'S0NEW' })).users).toEqual(['U0ERIN']);
  });

  it('rejects a wrong or missing token', async () => {
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: `${standIn.url}/api/`, retryConfig: { retries: 0 } });
    expect(await errorOf(wrong.chat.postMessage({ channel: 'C0APPROVALS', text: 'x' }))).toBe('invalid_auth');
    const none = new WebClient(undefined, { slackApiUrl: `${standIn.url}/api/`, retryConfig: { retries: 0 } });
    expect(await errorOf(none.auth.test())).toBe('not_authed');
    expect(standIn.messages()).toEqual([]);
  });

  it('fails the next call of a method once when told to', async () => {
    standIn.failNext('chat.postMessage', 'ratelimited');
    expect(await errorOf(client.chat.postMessage({ channel: 'C0APPROVALS', text: 'first' }))).toBe('ratelimited');
    await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'second' });
    expect(standIn.messages().map((m) => m.text)).toEqual(['second']);
  });

  it('records views.publish and views.open', async () => {
    const view = { type: 'home' as const, blocks: [] };
    await client.views.publish({ user_id: 'U0ALICE', view });
    await client.views.open({ trigger_id: '1.2.3', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] } });
    expect(standIn.calls.map((c) => [c.method, (c.args.view as { type: string }).type])).toEqual([
      ['views.publish', 'home'],
      ['views.open', 'modal'],
    ]);
  });

  it('enforces a view hash as Slack does: each version has one, an update with an older one is refused with hash_conflict', async () => {
    const modal = (title: string) => ({ type: 'modal' as const, title: { type: 'plain_text' as const, text: title }, blocks: [] });
    const opened = await client.views.open({ trigger_id: '1.2.3', view: modal('first') });
    const id = opened.view?.id ?? '';
    const h0 = opened.view?.hash ?? '';
    expect(h0).toMatch(/^\d+\.[0-9a-f]{8}$/);
    const second = await client.views.update({ view_id: id, hash: h0, view: modal('second') });
    const h1 = second.view?.hash ?? '';
    expect(h1).not.toBe(h0);
    // the stale hash is refused and nothing changes
    expect(await errorOf(client.views.update({ view_id: id, hash: h0, view: modal('stale') }))).toBe('hash_conflict');
    expect(standIn.modals()[0]).toMatchObject({ hash: h1, view: { id, hash: h1, title: { text: 'second' } } });
    // without a hash an update is unconditional
    await client.views.update({ view_id: id, view: modal('third') });
    expect(standIn.modals()[0]?.view).toMatchObject({ title: { text: 'third' } });
    expect(standIn.modals()[0]?.history.map((v) => (v.title as { text: string }).text)).toEqual(['first', 'second']);
    // App Home publishes too
    const home = await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
    expect(await errorOf(client.views.publish({ user_id: 'U0ALICE', hash: '1.00000000', view: { type: 'home', blocks: [] } }))).toBe(
      'hash_conflict',
    );
    await client.views.publish({ user_id: 'U0ALICE', hash: home.view?.hash ?? '', view: { type: 'home', blocks: [] } });
    expect(standIn.homePublishes('U0ALICE')).toBe(2);
  });

  it('waitFor resolves when a matching message arrives, and rejects clearly on timeout', async () => {
    const arrived = standIn.waitFor(() => standIn.messages('C0APPROVALS').find((m) => m.text.includes('abc')));
    await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'unrelated' });
    await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'request abc' });
    await expect(arrived).resolves.toMatchObject({ text: 'request abc' });

    await expect(standIn.waitFor(() => standIn.dms('U0NOBODY')[0], { timeoutMs: 50, description: 'a DM to U0NOBODY' })).rejects.toThrow(
      /timed out after 50 ms waiting for a DM to U0NOBODY/,
    );
  });

  it('records response_url replies and applies replace_original to the source message', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'pending', blocks: [{ type: 'divider' }] });
    const plain = standIn.responseUrl('slash-1');
    const bound = standIn.responseUrl('click-1', { channel: 'C0APPROVALS', ts: posted.ts ?? '' });

    const reply = await fetch(plain, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Request abc submitted', response_type: 'ephemeral' }),
    });
    expect(reply.status).toBe(200);
    await fetch(bound, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'approved', replace_original: true }),
    });

    expect(standIn.responses('slash-1')).toEqual([
      expect.objectContaining({ tag: 'slash-1', body: { text: 'Request abc submitted', response_type: 'ephemeral' } }),
    ]);
    expect(standIn.responses()).toHaveLength(2);
    expect(standIn.messages('C0APPROVALS')[0]).toMatchObject({
      text: 'approved',
      blocks: [],
      history: [expect.objectContaining({ via: 'response_url' })],
    });

    const bad = await fetch(plain, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json' });
    expect(bad.status).toBe(400);
  });

  it('serves its state for the CLI and the extra routes it was given', async () => {
    await client.chat.postMessage({ channel: 'C0APPROVALS', text: 'hello' });
    const state = (await (await fetch(`${standIn.url}/_sandbox/state`)).json()) as {
      messages: Array<{ text: string }>;
      ephemerals: unknown[];
      responses: unknown[];
    };
    expect(state.messages.map((m) => m.text)).toEqual(['hello']);
    expect(state).toMatchObject({ ephemerals: [], responses: [] });

    expect(await (await fetch(`${standIn.url}/_sandbox/oidc-token`)).json()).toEqual({ token: 'minted-for-GET' });
    expect((await fetch(`${standIn.url}/nowhere`)).status).toBe(404);
  });
});

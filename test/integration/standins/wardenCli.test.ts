import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, LogLevel, type BlockAction, type ButtonAction } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { main, type CliIo } from '../../../dev/cli/warden-cli';
import { startSlackStandIn, type SlackStandIn } from '../../../dev/sandbox/slackStandIn';

const TOKEN = 'xoxb-cli-test';
const SECRET = 'cli-test-signing-secret';

/**
 * The CLI against the stand-in and a tiny Bolt app standing in for runwarden:
 * Bolt's real signature check, command and action routing prove that the
 * payloads and signatures the CLI sends are what Slack sends.
 */
describe('warden CLI', () => {
  let standIn: SlackStandIn;
  let app: App;
  let dir: string;
  let sandboxFile: string;
  const sweepAuth: string[] = [];

  beforeAll(async () => {
    standIn = await startSlackStandIn({
      botToken: TOKEN,
      extraRoutes: { '/_sandbox/oidc-token': async () => ({ status: 200, body: { token: 'minted-oidc-token' } }) },
    });
    app = new App({
      token: TOKEN,
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: `${standIn.url}/api/`, retryConfig: { retries: 0 } },
      customRoutes: [
        {
          path: '/jobs/sweep',
          method: ['POST'],
          handler: (req, res) => {
            sweepAuth.push(String(req.headers.authorization));
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ expired: 1, timedOut: 0 }));
          },
        },
      ],
    });
    app.command('/warden', async ({ ack, command, respond, client }) => {
      await ack();
      await respond({ text: `got "${command.text}" from ${command.user_id} in ${command.channel_id}` });
      const id = command.text.split(' ')[1] ?? 'none';
      await client.chat.postMessage({
        channel: 'C0APPROVALS',
        text: `Request ${id} awaits approval`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${command.user_id}* asks for ${id}` } },
          {
            type: 'actions',
            block_id: 'runwarden_decision',
            elements: [
              { type: 'button', action_id: 'runwarden_approve', value: id, text: { type: 'plain_text', text: 'Approve' } },
              { type: 'button', action_id: 'runwarden_deny', value: id, text: { type: 'plain_text', text: 'Deny' } },
            ],
          },
        ],
      });
    });
    app.action<BlockAction<ButtonAction>>('runwarden_approve', async ({ ack, body, client }) => {
      await ack();
      const channel = body.channel?.id ?? '';
      await client.chat.update({
        channel,
        ts: body.message?.ts ?? '',
        text: `Request ${body.actions[0]?.value} approved by ${body.user.id}`,
        blocks: [],
      });
      await client.chat.postEphemeral({ channel, user: body.user.id, text: 'Your approval was recorded' });
    });
    app.action<BlockAction<ButtonAction>>('runwarden_deny', async ({ ack, body, respond }) => {
      await ack();
      await respond({ replace_original: true, text: `Request ${body.actions[0]?.value} denied by ${body.user.id}` });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    dir = await mkdtemp(join(tmpdir(), 'warden-cli-'));
    sandboxFile = join(dir, 'sandbox.json');
    await writeFile(
      sandboxFile,
      JSON.stringify({
        botUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        signingSecret: SECRET,
        slashCommand: '/warden',
        slackStandInUrl: standIn.url,
        oidc: {},
      }),
    );
  });
  afterAll(async () => {
    await app.stop();
    await standIn.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
    const code = await main([...argv, '--sandbox', sandboxFile], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('sends a signed slash command and prints the reply and what the bot posted', async () => {
    const result = await run('invoker', 'req1', '30m', 'read logs', '--member', 'user:x@acme.example', '--user', 'U0ALICE');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('HTTP 200');
    expect(result.out).toContain('got "invoker req1 30m read logs --member user:x@acme.example" from U0ALICE in C0SANDBOX');
    expect(result.out).toMatch(/posted #C0APPROVALS .*Request req1 awaits approval/);
    expect(result.out).toContain('[Approve] [Deny]');
  });

  it('clicks Approve as another user and prints the ephemeral reply and the updated message', async () => {
    const result = await run('approve', 'req1', '--user=U0BOB');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('U0BOB clicks "Approve" on request req1');
    expect(result.out).toContain('Your approval was recorded');
    expect(result.out).toMatch(/updated #C0APPROVALS .*Request req1 approved by U0BOB/);
  });

  it('clicks Deny; a replace_original reply on the response_url updates the message', async () => {
    await run('invoker', 'req2', '1h', 'x', '--user', 'U0ALICE');
    const result = await run('deny', 'req2', '--user', 'U0CAROL');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Request req2 denied by U0CAROL');
    expect(standIn.messages('C0APPROVALS').find((m) => m.text.includes('req2'))?.text).toBe('Request req2 denied by U0CAROL');
  });

  it('lists what the bot posted', async () => {
    const result = await run('messages');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Channel messages:');
    expect(result.out).toMatch(/#C0APPROVALS .*\(updated 1×\) Request req1 approved by U0BOB/);
    expect(result.out).toContain('Ephemeral messages:');
  });

  it('filters messages by request, user and time, marks thread replies and renders mentions and dates', async () => {
    const id = 'abcdefghjk';
    const client = new WebClient(TOKEN, { slackApiUrl: `${standIn.url}/api/`, retryConfig: { retries: 0 } });
    // noon UTC today, so that it reads "today" at any hour the suite runs (now + 2 h was "tomorrow" after 22:00 UTC)
    const noon = new Date();
    noon.setUTCHours(12, 0, 0, 0);
    const expires = Math.floor(noon.getTime() / 1000);
    const parent = await client.chat.postMessage({
      channel: 'C0APPROVALS',
      text: `Request \`${id}\` by <@U0ALICE>: expires <!date^${expires}^{date_short_pretty} {time}|later>`,
    });
    await client.chat.postMessage({
      channel: 'C0APPROVALS',
      thread_ts: parent.ts ?? '',
      text: 'Step 2: <!subteam^S0SECURITY>, please decide',
    });
    await client.chat.postMessage({ channel: 'U0BOB', text: 'unrelated DM to bob' });

    const about = await run('messages', id);
    expect(about.code).toBe(0);
    expect(about.out).toContain(`(only messages about request ${id})`);
    expect(about.out).toContain(`Request \`${id}\` by @U0ALICE: expires today `);
    expect(about.out).toMatch(/ UTC\n|UTC$/m);
    expect(about.out).not.toContain('<!date^');
    expect(about.out).toContain(`↳ reply in the thread of ${parent.ts}`);
    expect(about.out).toContain('Step 2: @S0SECURITY, please decide');
    expect(about.out).not.toContain('req1');
    expect(about.out).not.toContain('unrelated DM');

    const bob = await run('messages', '--user', 'U0BOB');
    expect(bob.out).toContain('unrelated DM to bob');
    expect(bob.out).not.toContain(id);

    const recent = await run('messages', '--since', '1d');
    expect(recent.out).toContain('unrelated DM to bob');
    const future = await run('messages', '--since', new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    expect(future.out).toContain('No channel messages.');
    expect(future.out).not.toContain('unrelated DM to bob');
    expect(await run('messages', '--since', 'soon')).toMatchObject({ code: 1, err: expect.stringContaining('--since needs a duration') });
  });

  it('calls the sweep with the token the sandbox mints', async () => {
    const result = await run('sweep');
    expect(result.code).toBe(0);
    expect(result.out).toContain('HTTP 200');
    expect(result.out).toContain('"expired": 1');
    expect(sweepAuth).toEqual(['Bearer minted-oidc-token']);
  });

  it('explains what is wrong instead of failing obscurely', async () => {
    expect(await run('approve', 'nope', '--user', 'U0BOB')).toMatchObject({
      code: 1,
      err: expect.stringContaining('no message with an Approve button for request nope'),
    });
    const missing = await main(['messages', '--sandbox', join(dir, 'absent.json')], { out: () => undefined, err: () => undefined });
    expect(missing).toBe(1);
    const help: string[] = [];
    expect(await main(['--help'], { out: (line) => help.push(line), err: () => undefined })).toBe(0);
    expect(help.join('\n')).toContain('warden approve <request id>');
  });
});

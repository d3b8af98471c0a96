import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, LogLevel, type BlockAction, type ButtonAction, type StaticSelectAction } from '@slack/bolt';
import {
  CANCEL_ACTION,
  EXTEND_DURATION_BLOCK,
  EXTEND_OPEN_ACTION,
  EXTEND_REASON_BLOCK,
  EXTEND_VIEW,
  FORM_DURATION_BLOCK,
  FORM_KIND_ACTION,
  FORM_KIND_BLOCK,
  FORM_REASON_BLOCK,
  FORM_TARGET_ACTION,
  FORM_TARGET_BLOCK,
  FORM_VIEW,
} from '../../../src/adapters/slack/ids';
import { extendModal } from '../../../src/adapters/slack/views/extendModal';
import { requestForm } from '../../../src/adapters/slack/views/requestForm';
import { main, type CliIo } from '../../../dev/cli/warden-cli';
import { startSlackStandIn, type SlackStandIn } from '../../../dev/sandbox/slackStandIn';

const TOKEN = 'xoxb-cli-views-test';
const SECRET = 'cli-views-test-signing-secret';

function homeFor(user: string, pending: string[]): { type: 'home'; blocks: unknown[] } {
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Your access' } },
      ...pending.map((id) => ({
        type: 'section',
        block_id: `pending_${id}`,
        text: { type: 'mrkdwn', text: `*${id}* pending for ${user}` },
        accessory: { type: 'button', action_id: CANCEL_ACTION, value: id, text: { type: 'plain_text', text: 'Cancel' } },
      })),
      {
        type: 'actions',
        block_id: 'active_req-5',
        elements: [{ type: 'button', action_id: EXTEND_OPEN_ACTION, value: 'req-5', text: { type: 'plain_text', text: 'Extend' } }],
      },
    ],
  };
}

/**
 * The form, suggestion and App Home commands against the stand-in and a tiny
 * Bolt app using runwarden's ids and its real request form view: Bolt's
 * signature check and view/options/event routing prove the payloads are Slack's.
 */
describe('warden CLI: form, suggestions, App Home', () => {
  let standIn: SlackStandIn;
  let app: App;
  let dir: string;
  let sandboxFile: string;
  const submitted: Array<Record<string, unknown>> = [];
  const homeClicks: Array<{ container: unknown; value: string | undefined }> = [];
  const pending = ['req-9'];
  const extended: Array<Record<string, string | undefined>> = [];

  beforeAll(async () => {
    standIn = await startSlackStandIn({ botToken: TOKEN });
    app = new App({
      token: TOKEN,
      signingSecret: SECRET,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: `${standIn.url}/api/`, retryConfig: { retries: 0 } },
    });
    app.command('/warden', async ({ ack, command, client }) => {
      await ack();
      if (command.text === '') await client.views.open({ trigger_id: command.trigger_id, view: requestForm() as never });
    });
    app.action<BlockAction<StaticSelectAction>>(FORM_KIND_ACTION, async ({ ack, body, client }) => {
      await ack();
      await client.views.update({
        view_id: body.view?.id ?? '',
        view: requestForm(body.actions[0]?.selected_option.value as 'invoker') as never,
      });
    });
    app.options(FORM_TARGET_ACTION, async ({ ack, payload }) => {
      const kind = (payload as { view?: { state?: { values?: Record<string, Record<string, { selected_option?: { value?: string } }>> } } })
        .view?.state?.values?.[FORM_KIND_BLOCK]?.[FORM_KIND_ACTION]?.selected_option?.value;
      await ack({
        options: ['hello', 'hello-api']
          .filter((s) => s.includes(payload.value))
          .map((s) => ({ text: { type: 'plain_text', text: `${s} (${kind})` }, value: s })),
      });
    });
    app.view(FORM_VIEW, async ({ ack, view, body, client }) => {
      submitted.push(view.state.values);
      const reason = view.state.values[FORM_REASON_BLOCK];
      const text = reason ? Object.values(reason)[0]?.value : undefined;
      if (!text) return void (await ack({ response_action: 'errors', errors: { [FORM_REASON_BLOCK]: 'Say why you need it.' } }));
      await ack();
      await client.chat.postMessage({ channel: body.user.id, text: `Request req-10 sent for approval: ${text}` });
    });
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({ user_id: event.user, view: homeFor(event.user, pending) as never });
    });
    app.action<BlockAction<ButtonAction>>(CANCEL_ACTION, async ({ ack, body, client }) => {
      await ack();
      homeClicks.push({ container: body.container, value: body.actions[0]?.value });
      pending.splice(0, pending.length);
      await client.views.publish({ user_id: body.user.id, view: homeFor(body.user.id, pending) as never });
    });
    app.action<BlockAction<ButtonAction>>(EXTEND_OPEN_ACTION, async ({ ack, body, client }) => {
      await ack();
      await client.views.open({ trigger_id: body.trigger_id, view: extendModal(body.actions[0]?.value ?? '') as never });
    });
    app.view(EXTEND_VIEW, async ({ ack, view, body, client }) => {
      const value = (block: string): string | undefined => Object.values(view.state.values[block] ?? {})[0]?.value ?? undefined;
      extended.push({ id: view.private_metadata, duration: value(EXTEND_DURATION_BLOCK), reason: value(EXTEND_REASON_BLOCK) });
      if (value(EXTEND_DURATION_BLOCK) === 'forever')
        return void (await ack({ response_action: 'errors', errors: { [EXTEND_DURATION_BLOCK]: 'Not a duration.' } }));
      await ack();
      await client.chat.postMessage({ channel: body.user.id, text: `Extension 1 of request ${view.private_metadata} sent for approval` });
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    dir = await mkdtemp(join(tmpdir(), 'warden-cli-views-'));
    sandboxFile = join(dir, 'sandbox.json');
    await writeFile(
      sandboxFile,
      JSON.stringify({
        botUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        signingSecret: SECRET,
        slackStandInUrl: standIn.url,
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

  it('opens the request form and prints it', async () => {
    const result = await run('form', '--user', 'U0ALICE');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('HTTP 200');
    expect(result.out).toMatch(/\[modal V\d+\] /);
    expect(result.out).toContain(`<static_select ${FORM_KIND_BLOCK}>`);
  });

  it('an empty command opens the request form and prints it at once, as /warden alone does', async () => {
    const started = Date.now();
    const result = await run('', '--user', 'U0ALICE');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/\[modal V\d+\] /);
    expect(result.out).toContain(`<static_select ${FORM_KIND_BLOCK}>`);
    expect(result.out).not.toContain('no reply on the response_url');
    expect(Date.now() - started).toBeLessThan(25_000); // it used to wait out the 30 s reply timeout
  });

  it('submits the form with the state values Slack sends and prints the confirmation DM', async () => {
    const result = await run(
      'form',
      '--kind',
      'invoker',
      '--target',
      'hello',
      '--duration',
      '2h',
      '--reason=read logs',
      '--user',
      'U0ALICE',
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('[DM to U0ALICE]');
    expect(result.out).toContain('Request req-10 sent for approval: read logs');
    const values = submitted.at(-1) ?? {};
    expect(values[FORM_KIND_BLOCK]).toEqual({
      [FORM_KIND_ACTION]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'invoker' }, value: 'invoker' } },
    });
    expect(Object.values(values[FORM_TARGET_BLOCK] as object)[0]).toMatchObject({
      type: 'external_select',
      selected_option: { value: 'hello' },
    });
    expect(Object.values(values[FORM_DURATION_BLOCK] as object)[0]).toEqual({ type: 'plain_text_input', value: '2h' });
  });

  it('prints the inline errors of a refused submission', async () => {
    const result = await run('form', '--kind', 'invoker', '--target', 'hello', '--duration', '2h', '--user', 'U0ALICE');
    expect(result.code).toBe(0);
    expect(result.out).toContain('(the form shows errors)');
    expect(result.out).not.toContain('response_action');
    expect(result.out).toMatch(/error in Reason.*: Say why you need it\./);
    expect(await run('form', '--colour', 'red')).toMatchObject({ code: 1, err: expect.stringContaining('unexpected "--colour"') });
  });

  it('prints the Target options the bot suggests', async () => {
    const result = await run('suggest', 'invoker', 'hello-', '--user', 'U0ALICE');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('U0ALICE types "hello-" into Target');
    expect(result.out).toContain('hello-api (invoker)');
    expect(result.out).not.toMatch(/^ {2}hello \(invoker\)/m);
  });

  it('opens the App Home, clicks Cancel there with a view container, and lists modals and homes', async () => {
    const opened = await run('home', '--user', 'U0ALICE');
    expect(opened).toMatchObject({ code: 0, err: '' });
    expect(opened.out).toContain('[App Home of U0ALICE]');
    expect(opened.out).toContain(`[Cancel](${CANCEL_ACTION} req-9)`);
    const clicked = await run('home-click', 'cancel', 'req-9', '--user', 'U0ALICE');
    expect(clicked).toMatchObject({ code: 0, err: '' });
    expect(clicked.out).toContain('U0ALICE clicks "Cancel" on req-9 in the App Home');
    expect(clicked.out).toContain('[App Home of U0ALICE (republished)]');
    expect(homeClicks).toEqual([{ container: { type: 'view', view_id: 'VHU0ALICE' }, value: 'req-9' }]);
    expect(await run('home-click', 'cancel', 'req-9', '--user', 'U0ALICE')).toMatchObject({
      code: 1,
      err: expect.stringContaining("no cancel button for req-9 in U0ALICE's App Home"),
    });
    const listed = await run('messages');
    expect(listed.out).toContain('Modals:');
    expect(listed.out).toContain('App Homes:');
    expect(listed.out).toContain('Your access');
  });

  it('clicks Extend in the App Home and submits the Extend modal with a duration and a reason', async () => {
    await run('home', '--user', 'U0ALICE');
    const refused = await run('home-click', 'extend', 'req-5', '--duration', 'forever', '--reason', 'more time', '--user', 'U0ALICE');
    expect(refused.code).toBe(0);
    expect(refused.out).toContain('U0ALICE submits the Extend modal: duration="forever" reason="more time"');
    expect(refused.out).toMatch(/error in Duration: Not a duration\./);
    const sent = await run('home-click', 'extend', 'req-5', '--duration=30m', '--reason', 'still debugging', '--user', 'U0ALICE');
    expect(sent).toMatchObject({ code: 0, err: '' });
    expect(sent.out).toContain('Extension 1 of request req-5 sent for approval');
    expect(extended.at(-1)).toEqual({ id: 'req-5', duration: '30m', reason: 'still debugging' });
    expect(await run('home-click', 'cancel', 'req-9', '--reason', 'x', '--user', 'U0ALICE')).toMatchObject({
      code: 1,
      err: expect.stringContaining('only home-click extend takes'),
    });
  });
});

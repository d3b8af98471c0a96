/**
 * The listener router (src/adapters/slack/listeners/slackListeners.ts) on a
 * real Bolt App: every payload reaches the listener registered for its id and
 * no other; a payload whose id nobody registered reaches none (and is not
 * acknowledged), as with Bolt's own per-id listeners.
 */
import App from '@slack/bolt/dist/App';
import type { Receiver, ReceiverEvent } from '@slack/bolt';
import { createSlackListeners } from '../../../../src/adapters/slack/listeners/slackListeners';

const receiver: Receiver = { init: () => undefined, start: () => Promise.resolve(), stop: () => Promise.resolve() };

function app(): App {
  return new App({ receiver, authorize: () => Promise.resolve({ botToken: 'xoxb-test' }), convoStore: false });
}

function blockAction(actionId: string): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T0' },
    user: { id: 'U0ALICE' },
    trigger_id: '1.2.3',
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: 'abc123', action_ts: '1' }],
  };
}

function viewPayload(type: 'view_submission' | 'view_closed', callbackId: string): Record<string, unknown> {
  return {
    type,
    team: { id: 'T0' },
    user: { id: 'U0ALICE' },
    view: { id: 'V1', callback_id: callbackId, state: { values: {} }, private_metadata: '' },
  };
}

async function deliver(bolt: App, body: Record<string, unknown>): Promise<{ acked: number }> {
  let acked = 0;
  const event: ReceiverEvent = { body, ack: () => Promise.resolve(void (acked += 1)) };
  await bolt.processEvent(event);
  return { acked };
}

describe('createSlackListeners', () => {
  test('a block action reaches the listener of its action_id and no other', async () => {
    const bolt = app();
    const listeners = createSlackListeners(bolt);
    const seen: string[] = [];
    listeners.action('approve', async ({ ack, action }) => void (await ack(), seen.push(`approve:${action.action_id}`)));
    listeners.action('deny', async ({ ack }) => void (await ack(), seen.push('deny')));

    expect(await deliver(bolt, blockAction('deny'))).toEqual({ acked: 1 });
    expect(await deliver(bolt, blockAction('approve'))).toEqual({ acked: 1 });
    expect(seen).toEqual(['deny', 'approve:approve']);
  });

  test('an action_id nobody registered reaches no listener and is not acknowledged', async () => {
    const bolt = app();
    const listeners = createSlackListeners(bolt);
    const seen: string[] = [];
    listeners.action('approve', async ({ ack }) => void (await ack(), seen.push('approve')));

    expect(await deliver(bolt, blockAction('approve-but-longer'))).toEqual({ acked: 0 });
    expect(seen).toEqual([]);
  });

  test('a view submission reaches the listener of its callback_id; a view_closed reaches none', async () => {
    const bolt = app();
    const listeners = createSlackListeners(bolt);
    const seen: string[] = [];
    listeners.view('form', async ({ ack, view }) => void (await ack(), seen.push(`form:${view.id}`)));
    listeners.view('extend', async ({ ack }) => void (await ack(), seen.push('extend')));

    expect(await deliver(bolt, viewPayload('view_submission', 'form'))).toEqual({ acked: 1 });
    expect(await deliver(bolt, viewPayload('view_closed', 'form'))).toEqual({ acked: 0 });
    expect(await deliver(bolt, viewPayload('view_submission', 'other'))).toEqual({ acked: 0 });
    expect(seen).toEqual(['form:V1']);
  });

  test('a slash command reaches the command listener, not the action or view routers', async () => {
    const bolt = app();
    const listeners = createSlackListeners(bolt);
    const seen: string[] = [];
    listeners.action('approve', async ({ ack }) => void (await ack(), seen.push('action')));
    listeners.view('form', async ({ ack }) => void (await ack(), seen.push('view')));
    listeners.command('/warden', async ({ ack, command }) => void (await ack(), seen.push(`command:${command.text}`)));

    const command = {
      command: '/warden',
      text: 'help',
      team_id: 'T0',
      user_id: 'U0ALICE',
      channel_id: 'C0',
      trigger_id: '1.2.3',
      response_url: 'https://hooks.slack.invalid/1',
    };
    expect(await deliver(bolt, command)).toEqual({ acked: 1 });
    expect(seen).toEqual(['command:help']);
  });

  test('a block_suggestion reaches the options listener of its action_id; another command reaches no command listener', async () => {
    const bolt = app();
    const listeners = createSlackListeners(bolt);
    const seen: string[] = [];
    listeners.options('target', async ({ ack, payload }) => void (await ack({ options: [] }), seen.push(`options:${payload.value}`)));
    listeners.command('/warden', async ({ ack }) => void (await ack(), seen.push('warden')));

    const suggestion = {
      type: 'block_suggestion',
      team: { id: 'T0' },
      user: { id: 'U0ALICE' },
      action_id: 'target',
      block_id: 'b',
      value: 'pay',
      view: { id: 'V1' },
    };
    expect(await deliver(bolt, suggestion)).toEqual({ acked: 1 });
    expect(await deliver(bolt, { ...suggestion, action_id: 'other' })).toEqual({ acked: 0 });
    const other = {
      command: '/other',
      text: 'help',
      team_id: 'T0',
      user_id: 'U0ALICE',
      channel_id: 'C0',
      trigger_id: '1.2.3',
      response_url: 'https://hooks.slack.invalid/1',
    };
    expect(await deliver(bolt, other)).toEqual({ acked: 0 });
    expect(seen).toEqual(['options:pay']);
  });

  test('routes registered while `ready` loads (the first request) serve that very request', async () => {
    const bolt = app();
    let loads = 0;
    const seen: string[] = [];
    const listeners = createSlackListeners(bolt, async () => {
      if (loads++ === 0) listeners.action('approve', async ({ ack }) => void (await ack(), seen.push('approve')));
    });

    expect(await deliver(bolt, blockAction('approve'))).toEqual({ acked: 1 });
    expect(await deliver(bolt, blockAction('approve'))).toEqual({ acked: 1 });
    expect(seen).toEqual(['approve', 'approve']);
  });

  test('two listeners for one id is a wiring mistake, refused at start-up', () => {
    const listeners = createSlackListeners(app());
    listeners.action('approve', () => Promise.resolve());
    expect(() => listeners.action('approve', () => Promise.resolve())).toThrow('two action listeners for approve');
    listeners.view('form', () => Promise.resolve());
    expect(() => listeners.view('form', () => Promise.resolve())).toThrow('two view listeners for form');
  });
});

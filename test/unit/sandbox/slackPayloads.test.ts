import {
  blockActionsBody,
  blockActionsPayload,
  SANDBOX_SLACK_DEFAULTS,
  slackTs,
  slashCommandBody,
} from '../../../dev/sandbox/slackPayloads';

describe('slashCommandBody', () => {
  it('carries every field Slack sends for a slash command', () => {
    const params = new URLSearchParams(
      slashCommandBody({
        text: 'invoker hello 30m need logs --member user:a@acme.example',
        userId: 'U0ALICE',
        responseUrl: 'http://127.0.0.1:1/response/x',
      }),
    );
    expect(Object.fromEntries(params)).toEqual({
      token: expect.any(String),
      team_id: 'T0SANDBOX',
      team_domain: expect.any(String),
      channel_id: 'C0SANDBOX',
      channel_name: expect.any(String),
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/warden',
      text: 'invoker hello 30m need logs --member user:a@acme.example',
      api_app_id: expect.any(String),
      is_enterprise_install: 'false',
      response_url: 'http://127.0.0.1:1/response/x',
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]{32}$/),
    });
  });

  it('takes command, channel, team and trigger id as parameters and round-trips odd text', () => {
    const text = 'a&b=c %20 "quoted" ünï +plus';
    const params = new URLSearchParams(
      slashCommandBody({
        command: '/jit',
        text,
        userId: 'U1',
        userName: 'bob',
        channelId: 'D123',
        teamId: 'T9',
        responseUrl: 'u',
        triggerId: 't.1',
      }),
    );
    expect(params.get('text')).toBe(text);
    expect(params.get('command')).toBe('/jit');
    expect(params.get('channel_id')).toBe('D123');
    expect(params.get('channel_name')).toBe('directmessage');
    expect(params.get('team_id')).toBe('T9');
    expect(params.get('user_name')).toBe('bob');
    expect(params.get('trigger_id')).toBe('t.1');
  });
});

describe('blockActionsBody', () => {
  const input = {
    userId: 'U0BOB',
    actionId: SANDBOX_SLACK_DEFAULTS.approveActionId,
    value: 'req_7x2k',
    channelId: 'C0APPROVALS',
    messageTs: '1700000000.000100',
    messageText: 'Access request req_7x2k',
    responseUrl: 'http://127.0.0.1:1/response/click',
    teamId: 'T0SANDBOX',
    triggerId: '123.456.abc',
    now: new Date('2026-01-02T03:04:05.678Z'),
  };

  it('is a single url-encoded `payload` field holding the JSON payload', () => {
    const params = new URLSearchParams(blockActionsBody(input));
    expect([...params.keys()]).toEqual(['payload']);
    expect(JSON.parse(params.get('payload') ?? '')).toEqual(blockActionsPayload(input));
  });

  it('has the shape of a real block_actions payload for a message button', () => {
    const payload = JSON.parse(new URLSearchParams(blockActionsBody(input)).get('payload') ?? '') as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB', username: 'bob', name: 'bob', team_id: 'T0SANDBOX' },
      api_app_id: expect.any(String),
      token: expect.any(String),
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0APPROVALS', is_ephemeral: false },
      trigger_id: '123.456.abc',
      team: { id: 'T0SANDBOX', domain: expect.any(String) },
      channel: { id: 'C0APPROVALS', name: expect.any(String) },
      message: { type: 'message', ts: '1700000000.000100', text: 'Access request req_7x2k' },
      response_url: 'http://127.0.0.1:1/response/click',
      actions: [
        {
          action_id: 'runwarden_approve',
          block_id: 'runwarden_decision',
          value: 'req_7x2k',
          type: 'button',
          text: { type: 'plain_text', text: expect.any(String) },
          action_ts: '1767323045.678000',
        },
      ],
    });
  });

  it('lets the caller choose action id, block id, label and the message blocks', () => {
    const blocks = [{ type: 'actions', block_id: 'custom', elements: [] }];
    const payload = blockActionsPayload({ ...input, actionId: 'x_deny', blockId: 'custom', buttonText: 'Deny', messageBlocks: blocks });
    expect(payload.actions).toEqual([
      expect.objectContaining({ action_id: 'x_deny', block_id: 'custom', text: expect.objectContaining({ text: 'Deny' }) }),
    ]);
    expect(payload.message).toEqual(expect.objectContaining({ blocks }));
  });
});

describe('slackTs', () => {
  it('formats seconds and microseconds', () => {
    expect(slackTs(new Date(1700000000123))).toBe('1700000000.123000');
    expect(slackTs(new Date(1700000000000))).toBe('1700000000.000000');
  });
});

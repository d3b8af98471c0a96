import { describeAnswer } from '../../../dev/cli/describeAnswer';

describe('describeAnswer', () => {
  it('shows an inline slash-command reply as Slack would, not as JSON', () => {
    const text =
      ':warning: Give a reason: the approvers see it, and it is recorded.\nUsage: `/warden invoker <service> <duration> <reason…>`';
    const lines = describeAnswer({ status: 200, text: JSON.stringify({ response_type: 'ephemeral', text }) });
    expect(lines).toEqual([
      'HTTP 200 (ephemeral reply):',
      '    :warning: Give a reason: the approvers see it, and it is recorded.',
      '    Usage: `/warden invoker <service> <duration> <reason…>`',
    ]);
  });

  it('labels an in-channel reply', () => {
    expect(describeAnswer({ status: 200, text: '{"response_type":"in_channel","text":"hi"}' })[0]).toBe('HTTP 200 (in-channel reply):');
  });

  it('prints an empty ack as the status alone', () => {
    expect(describeAnswer({ status: 200, text: '  ' })).toEqual(['HTTP 200']);
  });

  it('prints any other body as it came', () => {
    expect(describeAnswer({ status: 401, text: 'invalid signature' })).toEqual(['HTTP 401: invalid signature']);
    expect(describeAnswer({ status: 200, text: '{"ok":true}' })).toEqual(['HTTP 200: {"ok":true}']);
  });

  it('announces a modal answered with inline errors (the caller lists them by label)', () => {
    expect(describeAnswer({ status: 200, text: '{"response_action":"errors","errors":{"reason":"Give a reason"}}' })).toEqual([
      'HTTP 200 (the form shows errors):',
    ]);
  });
});

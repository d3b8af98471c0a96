import { envelopeProblem } from '../../../../src/adapters/slack/listeners/envelope';
import { blockActionsPayload } from '../../../../dev/sandbox/slackPayloads';

describe('envelopeProblem', () => {
  it('passes what Slack sends', () => {
    expect(envelopeProblem(blockActionsPayload({ userId: 'U0BOB', actionId: 'approve', value: 'abc' }))).toBeUndefined();
    expect(envelopeProblem({ command: '/warden', text: 'help', user_id: 'U0BOB', team_id: 'T0' })).toBeUndefined();
    expect(
      envelopeProblem({ type: 'view_submission', user: { id: 'U0BOB' }, view: { id: 'V1', callback_id: 'request_form' } }),
    ).toBeUndefined();
    expect(envelopeProblem({ type: 'event_callback', event: { type: 'app_home_opened', user: 'U0BOB' } })).toBeUndefined();
  });

  it('names what is missing', () => {
    expect(envelopeProblem({ type: 'view_submission', user: { id: 'U0BOB' } })).toMatch(/^a view_submission: view: /);
    expect(envelopeProblem({ type: 'block_actions', user: { id: 'U0BOB' }, actions: [] })).toMatch(/^block_actions: actions: /);
    expect(envelopeProblem({ type: 'block_suggestion', user: 'U0BOB' })).toMatch(/^an interactive payload: user: /);
    expect(envelopeProblem({ type: 'event_callback', event: 'x' })).toMatch(/^an Events API callback: event: /);
    expect(envelopeProblem('text')).toBe('the body is not an object');
  });
});

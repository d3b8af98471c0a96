/**
 * Signed but malformed Slack payloads (found by an attack review: a
 * view_submission without a view made Bolt throw, HTTP 500) are acknowledged
 * and ignored — nothing routed, nothing recorded — and the bot keeps working.
 */
import { blockActionsPayload, FORM_CONTENT_TYPE, JSON_CONTENT_TYPE } from '../../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../../../dev/sandbox/slackSigner';
import { SIGNING_SECRET, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const interactive = (payload: Record<string, unknown>) =>
  postToSlackEndpoint(
    `${h.botUrl}/slack/events`,
    SIGNING_SECRET,
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    FORM_CONTENT_TYPE,
  );

it.each([
  ['a view_submission without a view', { type: 'view_submission', user: { id: 'U0MALLORY' }, team: { id: 'T0SANDBOX' } }],
  [
    'a view_submission whose view has no callback_id',
    { type: 'view_submission', user: { id: 'U0MALLORY' }, team: { id: 'T0SANDBOX' }, view: { id: 'V1' } },
  ],
  ['a view_closed without a view', { type: 'view_closed', user: { id: 'U0MALLORY' }, team: { id: 'T0SANDBOX' } }],
  ['block_actions without a user', { ...blockActionsPayload({ userId: 'U0MALLORY', actionId: 'x', value: 'y' }), user: undefined }],
  ['block_actions with no actions', { ...blockActionsPayload({ userId: 'U0MALLORY', actionId: 'x', value: 'y' }), actions: [] }],
  ['block_suggestion with a user that is a string', { type: 'block_suggestion', user: 'U0MALLORY', action_id: 'x', value: 'he' }],
])('%s is acknowledged and ignored', async (_name, payload) => {
  const answer = await interactive(payload);
  expect(answer.status).toBe(200);
  expect(answer.text).toBe('');
});

it('an Events API callback whose event is not an object is acknowledged and ignored', async () => {
  const body = JSON.stringify({ type: 'event_callback', team_id: 'T0SANDBOX', event: 'app_home_opened' });
  const answer = await postToSlackEndpoint(`${h.botUrl}/slack/events`, SIGNING_SECRET, body, JSON_CONTENT_TYPE);
  expect(answer.status).toBe(200);
});

it('the bot keeps working, and a malformed payload without a valid signature is still refused', async () => {
  expect(await h.ask('U0ALICE', 'help')).toContain('/warden');
  const unsigned = await postToSlackEndpoint(
    `${h.botUrl}/slack/events`,
    'not-the-secret',
    new URLSearchParams({ payload: '{"type":"view_submission"}' }).toString(),
    FORM_CONTENT_TYPE,
  );
  expect(unsigned.status).toBe(401);
});

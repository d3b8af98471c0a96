/**
 * The HTTP surface refuses what it must: forged or stale Slack signatures,
 * and every kind of bad OIDC token on /jobs/sweep.
 */
import { FORM_CONTENT_TYPE, slashCommandBody } from '../../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../../../dev/sandbox/slackSigner';
import { AUDIENCE, SCHEDULER, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

describe('Slack signatures', () => {
  const body = (): string => slashCommandBody({ text: 'help', userId: 'U0ALICE', responseUrl: h.slack.responseUrl('sig') });

  it('accepts a correctly signed request', async () => {
    const answer = await h.slash('U0ALICE', 'help');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('/warden invoker');
  });

  it('refuses a forged signature with 401', async () => {
    const answer = await postToSlackEndpoint(`${h.botUrl}/slack/events`, 'not-the-secret', body(), FORM_CONTENT_TYPE);
    expect(answer.status).toBe(401);
  });

  it('refuses a tampered signature with 401', async () => {
    const answer = await postToSlackEndpoint(`${h.botUrl}/slack/events`, 'test-signing-secret', body(), FORM_CONTENT_TYPE, {
      signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000',
    });
    expect(answer.status).toBe(401);
  });

  it('refuses a stale timestamp (outside the 5-minute window) with 401', async () => {
    const answer = await postToSlackEndpoint(`${h.botUrl}/slack/events`, 'test-signing-secret', body(), FORM_CONTENT_TYPE, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(answer.status).toBe(401);
  });

  // Bolt refuses only old timestamps: one signed 10 minutes ahead stayed replayable for 15 minutes.
  it('refuses a timestamp more than 5 minutes in the future with 401, even correctly signed', async () => {
    const answer = await postToSlackEndpoint(`${h.botUrl}/slack/events`, 'test-signing-secret', body(), FORM_CONTENT_TYPE, {
      timestamp: Math.floor(Date.now() / 1000) + 10 * 60,
    });
    expect(answer.status).toBe(401);
  });

  it('accepts a timestamp slightly ahead (clock skew within the window)', async () => {
    const answer = await postToSlackEndpoint(`${h.botUrl}/slack/events`, 'test-signing-secret', body(), FORM_CONTENT_TYPE, {
      timestamp: Math.floor(Date.now() / 1000) + 60,
    });
    expect(answer.status).toBe(200);
  });
});

describe('/jobs/sweep OIDC', () => {
  const now = (): number => Math.floor(Date.now() / 1000);

  it('accepts Cloud Scheduler’s token and returns JSON counts', async () => {
    const answer = await h.sweep();
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expect.objectContaining({ expired: 0, applied: 0, timedOut: 0 }));
  });

  it.each<[string, () => string | null, number]>([
    ['no token', () => null, 401],
    ['garbage', () => 'not-a-jwt', 401],
    ['a token signed by another key', () => h.issuer.mint({ aud: AUDIENCE, email: SCHEDULER }, { signWith: 'other-key' }), 401],
    ['an unsigned token', () => h.issuer.mint({ aud: AUDIENCE, email: SCHEDULER }, { alg: 'none' }), 401],
    ['an expired token', () => h.issuer.mint({ aud: AUDIENCE, email: SCHEDULER, iat: now() - 7200, exp: now() - 3600 }), 401],
    ['the wrong audience', () => h.issuer.mint({ aud: 'https://elsewhere.example', email: SCHEDULER }), 401],
    ['the wrong issuer', () => h.issuer.mint({ aud: AUDIENCE, email: SCHEDULER, iss: 'https://evil.example' }), 401],
    ['an unverified email', () => h.issuer.mint({ aud: AUDIENCE, email: SCHEDULER, email_verified: false }), 403],
    ['an unlisted email', () => h.issuer.mint({ aud: AUDIENCE, email: 'intruder@acme-prod.iam.gserviceaccount.com' }), 403],
  ])('refuses %s', async (_what, token, status) => {
    const answer = await h.sweep(token());
    expect(answer.status).toBe(status);
  });

  it('serves /healthz without authentication', async () => {
    const response = await fetch(`${h.botUrl}/healthz`);
    expect(response.status).toBe(200);
  });
});

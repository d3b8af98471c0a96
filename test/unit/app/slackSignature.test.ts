/**
 * Slack request signatures (src/app/slackSignature.ts): the current secret,
 * the previous one during a rotation, and the 5-minute replay window in both
 * directions (Bolt alone refused only old timestamps).
 */
import { checkSlackSignature } from '../../../src/app/slackSignature';
import { signSlackRequest } from '../../../dev/sandbox/slackSigner';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const seconds = Math.floor(NOW / 1000);
const BODY = 'token=x&command=%2Fwarden&text=help';
const secrets = { current: 'new-secret', previous: 'old-secret' };

function headers(secret: string, at = seconds, body = BODY): { signature: string; timestamp: string } {
  const signed = signSlackRequest(secret, body, at);
  return { signature: signed['x-slack-signature'], timestamp: signed['x-slack-request-timestamp'] };
}

describe('checkSlackSignature', () => {
  it('accepts the current secret', () => {
    expect(checkSlackSignature(secrets, headers('new-secret'), BODY, NOW)).toEqual({ ok: true, signedWith: 'current' });
  });

  it('accepts the previous secret while it is set, and says so', () => {
    expect(checkSlackSignature(secrets, headers('old-secret'), BODY, NOW)).toEqual({ ok: true, signedWith: 'previous' });
  });

  it('refuses the previous secret once it is removed', () => {
    expect(checkSlackSignature({ current: 'new-secret' }, headers('old-secret'), BODY, NOW)).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
  });

  it('refuses any other secret, and a body changed after signing', () => {
    expect(checkSlackSignature(secrets, headers('forged'), BODY, NOW).ok).toBe(false);
    expect(checkSlackSignature(secrets, headers('new-secret'), `${BODY}&user_id=U0MALLORY`, NOW).ok).toBe(false);
  });

  test.each([
    ['now', seconds, true],
    ['exactly 5 minutes ahead', seconds + 300, true],
    ['5 minutes and a second ahead', seconds + 301, false],
    ['a day ahead', seconds + 86_400, false],
    ['exactly 5 minutes old', seconds - 300, true],
    ['5 minutes and a second old', seconds - 301, false],
  ])('a timestamp %s → %s, whichever secret signed it', (_what, at, expected) => {
    expect(checkSlackSignature(secrets, headers('new-secret', at), BODY, NOW).ok).toBe(expected);
    expect(checkSlackSignature(secrets, headers('old-secret', at), BODY, NOW).ok).toBe(expected);
  });

  test.each<[string, { signature: string | string[] | undefined; timestamp: string | string[] | undefined }]>([
    ['no signature', { signature: undefined, timestamp: String(seconds) }],
    ['no timestamp', { signature: headers('new-secret').signature, timestamp: undefined }],
    ['a timestamp that is not a number', { signature: headers('new-secret').signature, timestamp: 'soon' }],
    [
      'the headers given twice',
      { signature: [headers('new-secret').signature, headers('new-secret').signature], timestamp: String(seconds) },
    ],
    ['another signature version', { signature: headers('new-secret').signature.replace('v0=', 'v1='), timestamp: String(seconds) }],
  ])('refuses %s', (_what, given) => {
    expect(checkSlackSignature(secrets, given, BODY, NOW).ok).toBe(false);
  });

  it('never accepts an empty secret', () => {
    expect(checkSlackSignature({ current: '' }, headers(''), BODY, NOW).ok).toBe(false);
  });
});

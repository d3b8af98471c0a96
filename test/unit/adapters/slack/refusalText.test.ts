/**
 * The one mapper from refusal codes to Slack text: every code has words, in
 * every moment it can come from, and never leaks a placeholder.
 */
import { refusalText } from '../../../../src/adapters/slack/views/refusalText';
import { MOMENTS, REFUSAL_CODES, type Refusal } from '../../../../src/domain/authority';

const facts: Omit<Refusal, 'code'> = {
  requestId: 'abcdefghjk',
  kind: 'invoker',
  target: 'projects/acme-prod/locations/us-central1/services/hello',
  glob: 'projects/acme-prod/locations/*/services/*',
  rule: 'prod',
  group: 'platform',
  seconds: 7200,
  limitSeconds: 3600,
  count: 3,
  limit: 2,
  member: 'user:bob@acme.example',
  status: 'denied',
  n: 1,
};

describe('every refusal code has words', () => {
  test.each(REFUSAL_CODES.flatMap((code) => MOMENTS.map((moment) => [code, moment] as const)))('%s at %s', (code, moment) => {
    const text = refusalText({ ...facts, code, moment, because: { code: 'duration_too_long', ...facts } });
    expect(text.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
  });
});

test('the configured slash command names the command to use', () => {
  expect(refusalText({ code: 'already_active', requestId: 'abcdefghjk' }, '/access')).toContain('`/access revoke abcdefghjk`');
});

test('a request the policy no longer allows says why, in the words of the refusal it would get now', () => {
  expect(
    refusalText({
      code: 'no_longer_allowed',
      moment: 'approve',
      requestId: 'abcdefghjk',
      because: { code: 'duration_too_long', seconds: 7200, limitSeconds: 3600, glob: 'projects/acme-prod/**' },
    }),
  ).toBe('Request `abcdefghjk` can no longer be approved: 2h is longer than the 1h this rule allows for projects/acme-prod/**.');
});

/**
 * A failed Slack Web API call, as @slack/web-api 8 throws it, becomes the
 * typed error the outbox acts on: a rate limit keeps Slack's Retry-After, an
 * error no retry cures is runwarden_slack_refused, anything else is worth
 * another attempt (runwarden_upstream_error).
 */
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { slackCallError } from '../../../../src/adapters/slack/slackCallError';
import { ErrorCode, RateLimitedError } from '../../../../src/domain/errors';

describe('slackCallError', () => {
  it('HTTP 429 (rejectRateLimitedCalls): a RateLimitedError with Retry-After in seconds', () => {
    const error = slackCallError('chat.postMessage', new WebAPIRateLimitedError(120));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ code: ErrorCode.RateLimited, retryAfterSeconds: 120 });
  });

  it.each([Number.POSITIVE_INFINITY, Number.NaN, -1, 1.5])(
    'HTTP 429 with a Retry-After of %s (not whole seconds): an ordinary failure, worth another attempt',
    (retryAfter) => {
      const error = slackCallError('chat.postMessage', new WebAPIRateLimitedError(retryAfter));
      expect(error).not.toBeInstanceOf(RateLimitedError);
      expect(error.code).toBe(ErrorCode.Upstream);
    },
  );

  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_blocks', 'msg_too_long', 'message_not_found'])(
    'Slack answered %s: refused for good',
    (code) => {
      const error = slackCallError('chat.update', new WebAPIPlatformError({ ok: false, error: code }));
      expect(error.code).toBe(ErrorCode.SlackRefused);
      expect(error.operatorMessage).toBe(`chat.update failed: ${code}`);
    },
  );

  it.each([
    ['a transient Slack error', new WebAPIPlatformError({ ok: false, error: 'internal_error' })],
    ['ratelimited in a 200 body', new WebAPIPlatformError({ ok: false, error: 'ratelimited' })],
    ['an auth problem an operator can fix', new WebAPIPlatformError({ ok: false, error: 'invalid_auth' })],
    ['an HTTP 400', new WebAPIHTTPError(400, 'Bad Request', {})],
  ])('%s: worth another attempt', (_what, thrown) => {
    expect(slackCallError('chat.postMessage', thrown).code).toBe(ErrorCode.Upstream);
  });

  it.each([
    ['an HTTP 503', new WebAPIHTTPError(503, 'Service Unavailable', {})],
    ['a timeout', new WebAPIRequestError(new Error('The operation was aborted due to timeout'))],
  ])('%s: worth another attempt, and Slack may have done it all the same', (_what, thrown) => {
    expect(slackCallError('chat.postMessage', thrown).code).toBe(ErrorCode.SlackUnconfirmed);
  });
});

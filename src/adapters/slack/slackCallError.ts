/**
 * What a failed Slack Web API call means for a message runwarden owes, as a
 * typed error: RateLimitedError (HTTP 429, with Slack's Retry-After in
 * seconds; the WebClient is built with `rejectRateLimitedCalls`, so it throws
 * `slack_webapi_rate_limited_error` carrying `retryAfter` instead of sleeping),
 * runwarden_slack_refused (Slack will refuse it again, whatever the time:
 * the errors of chat.postMessage / chat.update that depend only on the
 * message or its channel, https://docs.slack.dev/reference/methods/chat.postMessage),
 * runwarden_slack_unconfirmed (no answer — a timeout, a dropped connection —
 * or an HTTP 5xx: Slack may have done it all the same, so a post is looked
 * for before it is sent again), or runwarden_upstream_error (anything else:
 * internal_error, an auth problem an operator can fix — worth another attempt).
 */
import { z } from 'zod';
import { ErrorCode, RateLimitedError, WardenError } from '../../domain/errors';

/** Slack errors that no retry can cure. */
export const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_arg_name',
  'too_many_attachments',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'user_not_found',
  'messages_tab_disabled',
  'restricted_action',
]);

/** Retry-After is whole seconds (RFC 9110 §10.2.3); anything else is not a rate limit runwarden can honour, so an ordinary failure. */
const rateLimited = z.object({ code: z.literal('slack_webapi_rate_limited_error'), retryAfter: z.number().int().nonnegative().finite() });
const platform = z.object({ code: z.literal('slack_webapi_platform_error'), data: z.object({ error: z.string() }) });
/** No answer (a timeout, a dropped connection) or a 5xx: Slack may have done it all the same. */
const unanswered = z.union([
  z.object({ code: z.literal('slack_webapi_request_error') }),
  z.object({ code: z.literal('slack_webapi_http_error'), statusCode: z.number().int().min(500) }),
]);

/** Any error thrown by a WebClient call → RateLimitedError, or a WardenError coded SlackRefused / Upstream. */
export function slackCallError(method: string, error: unknown): WardenError {
  const limited = rateLimited.safeParse(error);
  if (limited.success)
    return new RateLimitedError(limited.data.retryAfter, `${method}: rate limited, Retry-After ${limited.data.retryAfter} s`);
  const refused = platform.safeParse(error);
  const text = refused.success ? refused.data.data.error : error instanceof Error ? error.message : String(error);
  const permanent = refused.success && PERMANENT_SLACK_ERRORS.has(refused.data.data.error);
  const unconfirmed = !refused.success && unanswered.safeParse(error).success;
  return new WardenError(
    permanent ? ErrorCode.SlackRefused : unconfirmed ? ErrorCode.SlackUnconfirmed : ErrorCode.Upstream,
    'runwarden could not reach Slack just now; the message will follow.',
    `${method} failed: ${text}`,
    { cause: error },
  );
}

/**
 * Slack signs `v0:<timestamp>:<body>` and asks receivers to refuse requests
 * whose timestamp is more than five minutes away from now, to stop replays
 * (https://api.slack.com/authentication/verifying-requests-from-slack). Bolt
 * refuses only OLD timestamps; a request signed with a timestamp far in the
 * future would stay replayable until then. This wraps the receiver's request
 * listener and answers 401 to those, before Bolt sees them.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../ports';

/** Slack's replay window, in seconds. */
export const SLACK_REPLAY_WINDOW_SECONDS = 5 * 60;

/** Whether a `X-Slack-Request-Timestamp` header (seconds since the epoch) lies more than the window ahead of `nowMs`. */
export function isFutureTimestamp(header: string | string[] | undefined, nowMs: number): boolean {
  if (typeof header !== 'string' || !/^\d{1,12}$/.test(header.trim())) return false; // Bolt refuses malformed ones itself
  return Number(header.trim()) > Math.floor(nowMs / 1000) + SLACK_REPLAY_WINDOW_SECONDS;
}

export function refuseFutureTimestamps(listener: RequestListener, logger: Logger, now: () => number = Date.now): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (isFutureTimestamp(req.headers['x-slack-request-timestamp'], now())) {
      logger.warn('refused a Slack request signed with a timestamp in the future', { path: req.url });
      res.writeHead(401);
      res.end();
      return;
    }
    listener(req, res);
  };
}

/**
 * Slack request signatures on POST /slack/events (SPEC §3): Slack signs
 * `v0:<timestamp>:<body>` with HMAC-SHA256 and the app's signing secret
 * (https://api.slack.com/authentication/verifying-requests-from-slack).
 * A request passes when its timestamp is within five minutes of now — in
 * either direction: Bolt refuses only old ones, and a request signed far in
 * the future would stay replayable until then — and its signature matches the
 * current signing secret or, while a rotation is under way, the previous one
 * (SLACK_SIGNING_SECRET_PREVIOUS, docs/runbook.md). This module is the only
 * place signatures are checked: Bolt's own check is turned off (server.ts).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { bufferIncomingMessage, defaultBodyLimit, isRawBodyError } from '@slack/bolt/dist/receivers/HTTPModuleFunctions';
import { verifySlackRequest } from '@slack/bolt/dist/receivers/verify-request';
import type { Logger } from '../ports';

/** Slack's replay window, in seconds. */
export const SLACK_REPLAY_WINDOW_SECONDS = 5 * 60;

export interface SigningSecrets {
  current: string;
  /** also accepted until it is removed (a rotation) */
  previous?: string | undefined;
}

export type SignatureCheck = { ok: true; signedWith: 'current' | 'previous' } | { ok: false; reason: string };

/**
 * Checks one request's `X-Slack-Signature` / `X-Slack-Request-Timestamp`
 * (header values as received) against `body` (the raw body, as sent).
 * `nowMs`: milliseconds since the epoch. Pure; the reason never holds a secret.
 */
export function checkSlackSignature(
  secrets: SigningSecrets,
  headers: { signature: string | string[] | undefined; timestamp: string | string[] | undefined },
  body: string,
  nowMs: number,
): SignatureCheck {
  const { signature, timestamp } = headers;
  if (typeof signature !== 'string' || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'no v0 signature' };
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'no request timestamp' };
  const seconds = Number(timestamp);
  if (Math.abs(seconds - Math.floor(nowMs / 1000)) > SLACK_REPLAY_WINDOW_SECONDS)
    return { ok: false, reason: 'timestamp outside the 5-minute window' };
  const candidates: Array<['current' | 'previous', string | undefined]> = [
    ['current', secrets.current],
    ['previous', secrets.previous],
  ];
  for (const [which, secret] of candidates) {
    if (!secret) continue;
    try {
      verifySlackRequest({
        signingSecret: secret,
        body,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': seconds },
        nowMilliseconds: nowMs,
      });
      return { ok: true, signedWith: which };
    } catch {
      // try the next secret
    }
  }
  return { ok: false, reason: 'signature mismatch' };
}

/** `ssl_check=1` form posts carry no signature (Slack's check of the certificate); Bolt answers them itself. */
function isSslCheck(req: IncomingMessage, body: string): boolean {
  return req.headers['content-type'] === 'application/x-www-form-urlencoded' && parseQuery(body).ssl_check === '1';
}

export interface SlackEndpointGuardOptions {
  /** the events path (Bolt's `endpoints`) */
  path: string;
  secrets: SigningSecrets;
  logger: Logger;
  now?: () => number;
  bodyLimit?: number;
}

/**
 * Wraps Bolt's HTTP request listener: every POST to `path` is read whole
 * (Bolt reuses the buffered body), checked, and passed on only when it
 * verifies — else 401 (413 when too large). An `ssl_check` is passed on with
 * anything else in its body dropped, so nothing unsigned reaches a listener.
 * Other routes (/healthz, /jobs/*) pass through untouched; the path test is
 * Bolt's own (pathname of the URL, method upper-cased).
 */
export function guardSlackEndpoint(listener: RequestListener, options: SlackEndpointGuardOptions): RequestListener {
  const now = options.now ?? Date.now;
  const refuse = (res: ServerResponse, status: number): void => {
    if (!res.headersSent) res.writeHead(status);
    res.end();
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== options.path || (req.method ?? '').toUpperCase() !== 'POST') {
      listener(req, res);
      return;
    }
    void (async () => {
      let buffered;
      try {
        buffered = await bufferIncomingMessage(req, options.bodyLimit ?? defaultBodyLimit);
      } catch (error) {
        const tooLarge = isRawBodyError(error) && (error.type === 'entity.too.large' || error.statusCode === 413);
        options.logger.warn('refused a Slack request: its body could not be read', { reason: tooLarge ? 'too large' : String(error) });
        refuse(res, tooLarge ? 413 : 400);
        return;
      }
      const body = buffered.rawBody.toString('utf8');
      if (isSslCheck(req, body)) {
        buffered.rawBody = Buffer.from('ssl_check=1');
        listener(buffered, res);
        return;
      }
      const headers = { signature: req.headers['x-slack-signature'], timestamp: req.headers['x-slack-request-timestamp'] };
      const check = checkSlackSignature(options.secrets, headers, body, now());
      if (!check.ok) {
        options.logger.warn('refused a Slack request: signature not verified', { reason: check.reason });
        refuse(res, 401);
        return;
      }
      if (check.signedWith === 'previous') {
        options.logger.info('a Slack request was signed with the previous signing secret (SLACK_SIGNING_SECRET_PREVIOUS)', {});
      }
      listener(buffered, res);
    })().catch((error: unknown) => {
      options.logger.error('a Slack request failed before it reached its listener', { error: String(error) });
      refuse(res, 500);
    });
  };
}

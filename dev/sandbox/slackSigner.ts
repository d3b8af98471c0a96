/**
 * Signs requests the way Slack does (v0 HMAC-SHA256 of `v0:<ts>:<body>`), so
 * tests and the sandbox CLI can call the bot's `/slack/events` exactly as
 * Slack would.
 */
import { createHmac } from 'node:crypto';

export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

export function signSlackRequest(secret: string, body: string, timestampSeconds: number): SlackSignatureHeaders {
  const timestamp = String(Math.floor(timestampSeconds));
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`, 'utf8').digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': timestamp };
}

export interface PostToSlackEndpointOptions {
  /** seconds since the epoch; default now (tests pass an old one to check the replay window) */
  timestamp?: number;
  /** replaces the computed signature (tests pass a wrong one) */
  signature?: string;
  /** extra headers, e.g. x-slack-retry-num */
  headers?: Record<string, string>;
}

export async function postToSlackEndpoint(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  options: PostToSlackEndpointOptions = {},
): Promise<{ status: number; text: string }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signed = signSlackRequest(secret, body, timestamp);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...signed,
      ...(options.signature === undefined ? {} : { 'x-slack-signature': options.signature }),
      ...options.headers,
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

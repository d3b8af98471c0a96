import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidSlackRequest } from '@slack/bolt';
import { postToSlackEndpoint, signSlackRequest } from '../../../dev/sandbox/slackSigner';

// The worked example from Slack's "Verifying requests from Slack" guide.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = 1531420618;
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
  '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
  '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

describe('signSlackRequest', () => {
  it('reproduces the signature of Slack’s documented example', () => {
    expect(signSlackRequest(SECRET, BODY, TIMESTAMP)).toEqual({
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'x-slack-request-timestamp': '1531420618',
    });
  });

  it('is the hex HMAC-SHA256 of v0:<ts>:<body>, computed independently', () => {
    const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D&é=ü';
    const expected = createHmac('sha256', 'another secret').update(`v0:1700000000:${body}`).digest('hex');
    expect(signSlackRequest('another secret', body, 1700000000)['x-slack-signature']).toBe(`v0=${expected}`);
  });

  it('is accepted by Bolt’s own verifier, and a changed body is not', () => {
    const now = 1_700_000_000;
    const headers = signSlackRequest('s3cret', 'a=1', now);
    const verify = (body: string): boolean =>
      isValidSlackRequest({
        signingSecret: 's3cret',
        body,
        headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': now },
        nowMilliseconds: now * 1000,
      });
    expect(verify('a=1')).toBe(true);
    expect(verify('a=2')).toBe(false);
  });
});

describe('postToSlackEndpoint', () => {
  const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => received.splice(0));

  it('posts the body with a valid signature and returns status and text', async () => {
    const answer = await postToSlackEndpoint(url, 'secret', 'text=hello', 'application/x-www-form-urlencoded', { timestamp: 1700000000 });
    expect(answer).toEqual({ status: 200, text: 'thanks' });
    expect(received[0]?.body).toBe('text=hello');
    expect(received[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(received[0]?.headers['x-slack-request-timestamp']).toBe('1700000000');
    expect(received[0]?.headers['x-slack-signature']).toBe(signSlackRequest('secret', 'text=hello', 1700000000)['x-slack-signature']);
  });

  it('uses the current time by default and lets a test force a wrong signature', async () => {
    await postToSlackEndpoint(url, 'secret', '{}', 'application/json', { signature: 'v0=bad' });
    const stamp = Number(received[0]?.headers['x-slack-request-timestamp']);
    expect(Math.abs(stamp - Date.now() / 1000)).toBeLessThan(600);
    expect(received[0]?.headers['x-slack-signature']).toBe('v0=bad');
  });
});

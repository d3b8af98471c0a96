/**
 * Load for the comparison benchmark: signed `/warden help` slash commands
 * (Slack's v0 signature, dev/sandbox/slackSigner.ts) posted to an app's
 * /slack/events with a fixed number in flight over keep-alive connections.
 * Bodies are signed before the clock starts, so the load generator spends its
 * CPU on sending, not on HMACs.
 */
import { Agent, request } from 'node:http';
import { FORM_CONTENT_TYPE, slashCommandBody } from '../dev/sandbox/slackPayloads';
import { signSlackRequest } from '../dev/sandbox/slackSigner';
import { nowMs } from './stats';

export interface LoadResult {
  /** ms, one per request, send → complete response */
  latencies: number[];
  /** ms from the first send to the last response */
  wallMs: number;
  /** responses other than HTTP 200 with the help text */
  failures: number;
}

interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

function signedHelp(secret: string, count: number): SignedRequest[] {
  const timestamp = Date.now() / 1000;
  return Array.from({ length: count }, (_, i) => {
    const body = slashCommandBody({ text: 'help', userId: 'U0ALICE', responseUrl: `https://hooks.slack.invalid/commands/T0/${i}` });
    return {
      body,
      headers: {
        'content-type': FORM_CONTENT_TYPE,
        'content-length': String(Buffer.byteLength(body)),
        ...signSlackRequest(secret, body, timestamp),
      },
    };
  });
}

function post(agent: Agent, port: number, signed: SignedRequest): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers: signed.headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && text.includes('/warden')));
      res.on('error', () => resolve(false));
    });
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => resolve(false));
    req.end(signed.body);
  });
}

/** Sends `total` help commands, `concurrency` at a time, to 127.0.0.1:port. */
export async function helpLoad(port: number, secret: string, total: number, concurrency: number): Promise<LoadResult> {
  const pool = signedHelp(secret, Math.min(total, 256));
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const signed = pool[next % pool.length] as SignedRequest;
      next += 1;
      const t0 = nowMs();
      const ok = await post(agent, port, signed);
      latencies.push(nowMs() - t0);
      if (!ok) failures += 1;
    }
  };
  const start = nowMs();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = nowMs() - start;
  agent.destroy();
  return { latencies, wallMs, failures };
}

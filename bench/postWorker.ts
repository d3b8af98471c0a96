/**
 * A load generator on its own event loop (a worker thread): posts pre-signed
 * requests to 127.0.0.1:<port>/slack/events, `concurrency` in flight, and
 * reports each one's time to the complete HTTP answer. The benchmarks that
 * also serve the Slack stand-in and the gRPC emulator in their main thread use
 * it, so a busy stand-in never delays the clock of an acknowledgement.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData, Worker } from 'node:worker_threads';

export interface SignedPost {
  body: string;
  headers: Record<string, string>;
}

export interface PostJob {
  port: number;
  concurrency: number;
  posts: SignedPost[];
  /** ms after which a request counts as unanswered */
  timeoutMs: number;
}

export interface PostResult {
  /** ms per request, send → complete answer, in the order they completed */
  latencies: number[];
  /** HTTP status per request (0: no answer) */
  statuses: number[];
  /** ms from the first send to the last answer */
  wallMs: number;
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

function post(agent: Agent, port: number, signed: SignedPost, timeoutMs: number): Promise<number> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers: signed.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
      res.on('error', () => done(0));
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on('error', () => done(0));
    req.end(signed.body);
  });
}

async function runJob(job: PostJob): Promise<PostResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  const statuses: number[] = [];
  let next = 0;
  const t0 = nowMs();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.posts.length) {
        const signed = job.posts[next] as SignedPost;
        next += 1;
        const sent = nowMs();
        statuses.push(await post(agent, job.port, signed, job.timeoutMs));
        latencies.push(nowMs() - sent);
      }
    }),
  );
  agent.destroy();
  return { latencies, statuses, wallMs: nowMs() - t0 };
}

/** Runs `job` in a worker thread (this same module) and resolves with its result. */
export function postInWorker(job: PostJob): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: job });
    worker.once('message', (result: PostResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`post worker exited with ${code}`));
    });
  });
}

if (parentPort && workerData) {
  const port = parentPort;
  void runJob(workerData as PostJob).then((result) => port.postMessage(result));
}

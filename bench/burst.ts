/**
 * A burst on one instance: `requests` signed `/warden invoker …` slash
 * commands from 50 different people, `concurrency` in flight, sent to one
 * runwarden process started as the image starts it (`node dist/image/main.js`,
 * NODE_OPTIONS and the compile cache from the Dockerfile — the heap the deployment gives it) against
 * the local stand-ins. Each command is a real submission: the policy is read,
 * the Cloud Run service looked up, the request recorded, the approval message
 * posted, App Home published. The approvers are a Slack user group (as in most
 * workspaces), so authority needs `usergroups.users.list`.
 *
 * Printed per burst (two bursts back to back, the second on the memory the
 * first left): HTTP acknowledgement latency (Slack gives 3 s) p50/p95/p99/max
 * and any answer other than 200, the time until every approval message and
 * every reply had reached the Slack stand-in, the bot's RSS before, its peak
 * and after `settleMs` of quiet, the peak JavaScript heap, whether the process
 * is still alive, and the Slack calls the burst made (views.publish,
 * usergroups.users.list, chat.postMessage).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { FORM_CONTENT_TYPE, slashCommandBody } from '../dev/sandbox/slackPayloads';
import { signSlackRequest } from '../dev/sandbox/slackSigner';
import { freePort } from '../dev/sandbox/firestoreEmulator';
import type { StandInUser } from '../dev/sandbox/slackStandIn';
import { startAppProcess, type AppProcess } from './appProcess';
import { deployedNode, describeDeployedNode } from './deployedNode';
import { probeEnv, readPeaks, readSlackAnswers } from './probe';
import { BENCH_SIGNING_SECRET, startStandIns, type StandIns } from './standIns';
import { postInWorker, type SignedPost } from './postWorker';
import { heading, nowMs, summarize, table } from './stats';

export interface BurstOptions {
  requests: number;
  concurrency: number;
  bursts: number;
  /** ms of quiet after a burst's work is done before RSS is read again */
  settleMs: number;
}

export const DEFAULT_BURST: BurstOptions = { requests: 200, concurrency: 50, bursts: 2, settleMs: 15_000 };

const PROJECT = 'acme-prod';
const CHANNEL = 'C0APPROVALS';
const PEOPLE = 50;
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const engineers: StandInUser[] = Array.from({ length: PEOPLE }, (_, i) => {
  const n = String(i).padStart(2, '0');
  return { id: `U0ENG${n}`, name: `eng${n}`, email: `eng${n}@acme.example` };
});
const approvers: StandInUser[] = [
  { id: 'U0BOB', name: 'bob', email: 'bob@acme.example' },
  { id: 'U0CAROL', name: 'carol', email: 'carol@acme.example' },
];

/** Production-like: approvers and on-call are Slack user groups; anyone may ask for prod services. */
const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, channel: ${CHANNEL} }
domains: [acme.example]
approverGroups:
  platform: [S0PLATFORM]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    roles: [roles/run.invoker]
    maxDuration: 8h
    approvers: platform
    approvals: 1
    requesters: ["*"]
    breakGlass:
      requesters: [S0ONCALL]
      maxDuration: 1h
`;

const service = (n: number): string => `burst-${String(n).padStart(3, '0')}`;

function signedSubmits(standIns: StandIns, burst: number, count: number): SignedPost[] {
  const timestamp = Date.now() / 1000;
  return Array.from({ length: count }, (_, i) => {
    const user = engineers[i % PEOPLE] as StandInUser;
    const body = slashCommandBody({
      text: `invoker ${service(i)} 1h burst ${burst} request ${i}: reading the logs`,
      userId: user.id,
      userName: user.name,
      responseUrl: standIns.slack.responseUrl(`burst-${burst}-${i}`),
    });
    return {
      body,
      headers: {
        'content-type': FORM_CONTENT_TYPE,
        'content-length': String(Buffer.byteLength(body)),
        ...signSlackRequest(BENCH_SIGNING_SECRET, body, timestamp),
      },
    };
  });
}

function slackCalls(standIns: StandIns, method: string): number {
  return standIns.slack.calls.filter((call) => call.method === method).length;
}

/** Waits until `done()` or `timeoutMs`; the ms it took, or undefined on timeout. */
async function until(done: () => boolean, timeoutMs: number): Promise<number | undefined> {
  const t0 = nowMs();
  while (!done()) {
    if (nowMs() - t0 > timeoutMs) return undefined;
    await sleep(50);
  }
  return nowMs() - t0;
}

function alive(app: AppProcess): boolean {
  try {
    app.rss();
    return true;
  } catch {
    return false;
  }
}

async function oneBurst(standIns: StandIns, app: AppProcess, probeFile: string, burst: number, options: BurstOptions): Promise<string[]> {
  const pool = signedSubmits(standIns, burst, options.requests);
  const before = {
    rss: app.rss(),
    posted: standIns.slack.messages(CHANNEL).length,
    publish: slackCalls(standIns, 'views.publish'),
    groups: slackCalls(standIns, 'usergroups.users.list'),
    post: slackCalls(standIns, 'chat.postMessage'),
  };
  const responsesBefore = standIns.slack.responses().length;
  const answeredBefore = readSlackAnswers(probeFile).length;
  let maxRss = before.rss;
  const sampler = setInterval(() => {
    if (alive(app)) maxRss = Math.max(maxRss, app.rss());
  }, 100);
  const t0 = nowMs();
  // the load runs on its own event loop: the stand-ins served by this thread never delay its clock
  const load = await postInWorker({ port: app.port, concurrency: options.concurrency, posts: pool, timeoutMs: 30_000 });
  const statuses = new Map<number, number>();
  for (const status of load.statuses) statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const settled = await until(
    () =>
      !alive(app) ||
      (standIns.slack.messages(CHANNEL).length - before.posted >= options.requests &&
        standIns.slack.responses().length - responsesBefore >= options.requests),
    180_000,
  );
  const workMs = nowMs() - t0;
  clearInterval(sampler);
  await sleep(options.settleMs);
  const stillAlive = alive(app);
  const ack = summarize('ack', load.latencies, load.wallMs);
  const inBot = summarize('in the bot', readSlackAnswers(probeFile).slice(answeredBefore));
  const refused = [...statuses.entries()]
    .filter(([status]) => status !== 200)
    .map(([status, n]) => `${n}× HTTP ${status || 'none'}`)
    .join(', ');
  return [
    String(burst),
    `${ack.p50.toFixed(0)} / ${ack.p95.toFixed(0)} / ${ack.p99.toFixed(0)} / ${ack.max.toFixed(0)}`,
    `${inBot.p50.toFixed(0)} / ${inBot.p99.toFixed(0)} / ${inBot.max.toFixed(0)}`,
    refused || '—',
    settled === undefined
      ? `not all in 180 s (${standIns.slack.messages(CHANNEL).length - before.posted} posted, ${standIns.slack.responses().length - responsesBefore} replies)`
      : `${(workMs / 1000).toFixed(1)} s`,
    mib(before.rss),
    mib(maxRss),
    stillAlive ? mib(app.rss()) : 'process gone',
    String(slackCalls(standIns, 'views.publish') - before.publish),
    String(slackCalls(standIns, 'usergroups.users.list') - before.groups),
    String(slackCalls(standIns, 'chat.postMessage') - before.post),
  ];
}

export async function runBurst(options: BurstOptions = DEFAULT_BURST): Promise<void> {
  console.log(
    heading(`A burst on one instance: ${options.requests} slash-command submissions, ${options.concurrency} in flight, ×${options.bursts}`),
  );
  const dir = mkdtempSync(resolve(tmpdir(), 'runwarden-burst-'));
  const policyFile = resolve(dir, 'policy.yaml');
  writeFileSync(policyFile, POLICY);
  const standIns = await startStandIns({
    users: [...engineers, ...approvers],
    userGroups: { S0PLATFORM: approvers.map((u) => u.id), S0ONCALL: ['U0ENG00', 'U0ENG01'] },
    policyFile,
  });
  const node = deployedNode(standIns.root);
  console.log(describeDeployedNode(node, standIns.root));
  for (let i = 0; i < options.requests; i += 1)
    standIns.emulator.seedService({ name: `projects/${PROJECT}/locations/us-central1/services/${service(i)}` });
  const probeFile = resolve(dir, 'probe.json');
  const loadBefore = loadavg();
  const app = await startAppProcess(
    node.script,
    await freePort(),
    { ...standIns.runwardenEnv, GOOGLE_CLOUD_PROJECT: `bench-burst-${Date.now()}`, LOG_LEVEL: 'warn', ...node.env, ...probeEnv(probeFile) },
    { nodeArgs: ['--require', resolve(__dirname, 'memoryProbe.js')] },
  );
  try {
    const idle = app.rss();
    // one submission first: loads the request path, Firestore and Cloud Run clients (what every later request finds loaded)
    const warm = await oneBurst(standIns, app, probeFile, 0, { ...options, requests: 1, concurrency: 1, settleMs: 2000 });
    const rows = [warm];
    for (let burst = 1; burst <= options.bursts; burst += 1) {
      rows.push(await oneBurst(standIns, app, probeFile, burst, options));
      console.log(`  ${rows[rows.length - 1]?.join(' | ') ?? ''}`);
    }
    const peaks = readPeaks(probeFile);
    console.log(`idle RSS before the first request: ${mib(idle)} MiB; after one submission (warm-up row 0): ${warm[7] ?? '?'} MiB`);
    console.log(
      table(
        [
          'burst',
          'ack ms p50 / p95 / p99 / max',
          'of which in the bot p50 / p99 / max',
          'not 200',
          'all posted + replied',
          'RSS before MiB',
          'RSS peak MiB',
          `RSS ${options.settleMs / 1000} s after MiB`,
          'views.publish',
          'usergroups.users.list',
          'chat.postMessage',
        ],
        rows,
      ),
    );
    if (peaks)
      console.log(
        `peak of the process: RSS ${mib(peaks.rss)} MiB, JS heap used ${mib(peaks.heapUsed)} MiB (old space ${mib(peaks.oldSpaceUsed)}), external ${mib(peaks.external)} MiB, ArrayBuffers ${mib(peaks.arrayBuffers)} MiB, event loop blocked ${peaks.eventLoopDelayMaxMs.toFixed(0)} ms at worst; VmHWM ${alive(app) ? mib(app.peakRss()) : '?'} MiB`,
      );
    const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
    console.log(
      `conditions: load average before ${la(loadBefore)}, after ${la(loadavg())}. Slack's limit for the acknowledgement: 3,000 ms.`,
    );
  } finally {
    await app.stop();
    await standIns.stop();
  }
}

/**
 * runwarden next to a bare Bolt app (bench/bareBolt.ts), in one run,
 * interleaved, medians of N rounds. Both are started as an image starts them
 * (runwarden: the Dockerfile's start file `node dist/image/main.js` with the
 * image's NODE_OPTIONS and warmed compile cache; both in production mode, NODE_ENV=production, against
 * local stand-ins: the Firestore emulator, the project's gRPC emulator, the
 * Slack and OIDC stand-ins), and both get the same signed `/warden help`
 * commands. Printed: cold start (spawn → /healthz 200), idle RSS, help ack p99
 * and throughput at C concurrent, and the ratios against issue 20's goals.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { helpText } from '../commands/parse';
import { freePort } from '../dev/sandbox/firestoreEmulator';
import { startAppProcess } from './appProcess';
import { deployedNode, describeDeployedNode } from './deployedNode';
import { helpLoad } from './helpLoad';
import { BENCH_SIGNING_SECRET, startStandIns } from './standIns';
import { heading, summarize, table } from './stats';

export interface CompareOptions {
  rounds: number;
  /** ms to leave each app alone after /healthz before reading its RSS */
  idleMs: number;
  warmupRequests: number;
  requests: number;
  concurrency: number;
}

export const DEFAULT_COMPARE: CompareOptions = { rounds: 5, idleMs: 2000, warmupRequests: 300, requests: 3000, concurrency: 32 };

interface Sample {
  coldStartMs: number;
  coldStartCpuMs: number;
  idleRss: number;
  p99Ms: number;
  perSecond: number;
  /** CPU ms the app spent per 1,000 help commands */
  cpuPerThousand: number;
  loadedRss: number;
  failures: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function measure(script: string, env: NodeJS.ProcessEnv, options: CompareOptions): Promise<Sample> {
  const app = await startAppProcess(script, await freePort(), env);
  try {
    await sleep(options.idleMs);
    const idleRss = app.rss();
    await helpLoad(app.port, BENCH_SIGNING_SECRET, options.warmupRequests, options.concurrency);
    const cpuBefore = app.cpuMs();
    const load = await helpLoad(app.port, BENCH_SIGNING_SECRET, options.requests, options.concurrency);
    const cpuPerThousand = ((app.cpuMs() - cpuBefore) / options.requests) * 1000;
    const summary = summarize('help', load.latencies, load.wallMs);
    return {
      coldStartMs: app.coldStartMs,
      coldStartCpuMs: app.coldStartCpuMs,
      idleRss,
      p99Ms: summary.p99,
      perSecond: summary.opsPerSecond,
      cpuPerThousand,
      loadedRss: app.rss(),
      failures: load.failures,
    };
  } finally {
    await app.stop();
  }
}

function verdict(ratio: number, goal: number, atMost: boolean): string {
  return `${ratio.toFixed(2)}× (goal ${atMost ? '≤' : '≥'} ${goal}×) ${(atMost ? ratio <= goal : ratio >= goal) ? 'met' : 'NOT met'}`;
}

interface Contender {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  samples: Sample[];
}

const COLUMNS: ReadonlyArray<[string, (s: Sample) => string]> = [
  ['cold start ms', (s) => s.coldStartMs.toFixed(0)],
  ['its CPU ms', (s) => s.coldStartCpuMs.toFixed(0)],
  ['idle RSS MiB', (s) => mib(s.idleRss)],
  ['help p99 ms', (s) => s.p99Ms.toFixed(1)],
  ['help req/s', (s) => Math.round(s.perSecond).toString()],
  ['its CPU ms per 1k', (s) => s.cpuPerThousand.toFixed(0)],
  ['RSS after load MiB', (s) => mib(s.loadedRss)],
  ['failed', (s) => String(s.failures)],
];

function medianSample(samples: readonly Sample[]): Sample {
  const of = (key: keyof Sample): number => median(samples.map((s) => s[key]));
  return {
    coldStartMs: of('coldStartMs'),
    coldStartCpuMs: of('coldStartCpuMs'),
    idleRss: of('idleRss'),
    p99Ms: of('p99Ms'),
    perSecond: of('perSecond'),
    cpuPerThousand: of('cpuPerThousand'),
    loadedRss: of('loadedRss'),
    failures: of('failures'),
  };
}

/**
 * With `baselineMain` (RUNWARDEN_BENCH_BASELINE: the dist/src/main.js of an
 * older build, e.g. from `git worktree add`), that build runs in the same
 * rounds, for before/after figures measured under the same conditions.
 */
export async function runCompare(
  options: CompareOptions = DEFAULT_COMPARE,
  baselineMain = process.env.RUNWARDEN_BENCH_BASELINE,
): Promise<void> {
  console.log(heading(`runwarden vs a bare Bolt app (${options.rounds} rounds, interleaved, medians)`));
  const standIns = await startStandIns();
  const bare: Contender = {
    name: 'bare Bolt',
    script: resolve(__dirname, 'bareBolt.js'),
    env: { ...standIns.slackEnv, BENCH_HELP_TEXT: helpText('/warden') },
    samples: [],
  };
  const image = deployedNode(standIns.root);
  console.log(describeDeployedNode(image, standIns.root));
  const runwarden: Contender = { name: 'runwarden', script: image.script, env: { ...standIns.runwardenEnv, ...image.env }, samples: [] };
  const contenders = [bare, runwarden];
  if (baselineMain)
    contenders.push({
      name: 'baseline',
      script: resolve(baselineMain),
      env: { ...standIns.runwardenEnv, NODE_PATH: resolve(standIns.root, 'node_modules') },
      samples: [],
    });
  const loadBefore = loadavg();
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      // rotate the order every round, so no app always runs first (or right after another's load)
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length] as Contender);
      for (const app of order) app.samples.push(await measure(app.script, app.env, options));
    }
  } finally {
    await standIns.stop();
  }
  const loadAfter = loadavg();

  const medians = new Map(contenders.map((c) => [c.name, medianSample(c.samples)]));
  const rows = contenders.flatMap((c) => c.samples.map((s, i) => [`${c.name} #${i + 1}`, ...COLUMNS.map(([, cell]) => cell(s))]));
  for (const c of contenders) rows.push([`${c.name} median`, ...COLUMNS.map(([, cell]) => cell(medians.get(c.name) as Sample))]);
  console.log(
    `help load: ${options.warmupRequests} warm-up then ${options.requests} measured, ${options.concurrency} in flight; RSS read ${options.idleMs} ms after /healthz`,
  );
  console.log(table(['round', ...COLUMNS.map(([header]) => header)], rows));
  const base = medians.get(bare.name) as Sample;
  for (const c of contenders.slice(1)) {
    const m = medians.get(c.name) as Sample;
    const ratio = (key: keyof Sample): number => m[key] / base[key];
    console.log(`\n${c.name} / bare Bolt (medians)`);
    console.log(
      table(
        ['measure', 'ratio'],
        [
          ['cold start, spawn → /healthz 200', verdict(ratio('coldStartMs'), 1.0, true)],
          ['  (CPU used by then, for reference)', `${ratio('coldStartCpuMs').toFixed(2)}×`],
          ['idle RSS', verdict(ratio('idleRss'), 1.0, true)],
          [`help ack p99 at ${options.concurrency} concurrent`, verdict(ratio('p99Ms'), 1.0, true)],
          [`help throughput at ${options.concurrency} concurrent`, verdict(ratio('perSecond'), 0.9, false)],
          ['  (CPU per help command, for reference)', `${ratio('cpuPerThousand').toFixed(2)}×`],
        ],
      ),
    );
  }
  const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`\nconditions: load average before ${la(loadBefore)}, after ${la(loadAfter)} (1/5/15 min; other processes share the CPUs)`);
}

/**
 * runwarden next to a bare Bolt app (bench/bareBolt.ts), in one run,
 * interleaved, medians of N rounds. Both are started as an image starts them
 * (`node dist/src/main.js` in production mode, NODE_ENV=production, against
 * local stand-ins: the Firestore emulator, the project's gRPC emulator, the
 * Slack and OIDC stand-ins), and both get the same signed `/warden help`
 * commands. Printed: cold start (spawn → /healthz 200), idle RSS, help ack p99
 * and throughput at C concurrent, and the ratios against issue 9's goals.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { freePort } from '../src/sandbox/firestoreEmulator';
import { startAppProcess } from './appProcess';
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


type AppName = 'bare Bolt' | 'runwarden';

interface Sample {
  coldStartMs: number;
  idleRss: number;
  p99Ms: number;
  perSecond: number;
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
    const load = await helpLoad(app.port, BENCH_SIGNING_SECRET, options.requests, options.concurrency);
    const summary = summarize('help', load.latencies, load.wallMs);
    return { coldStartMs: app.coldStartMs, idleRss, p99Ms: summary.p99, perSecond: summary.opsPerSecond, loadedRss: app.rss(), failures: load.failures };
  } finally {
    await app.stop();
  }
}

function verdict(ratio: number, goal: number, atMost: boolean): string {
  return `${ratio.toFixed(2)}× (goal ${atMost ? '≤' : '≥'} ${goal}×) ${(atMost ? ratio <= goal : ratio >= goal) ? 'met' : 'NOT met'}`;
}

export async function runCompare(options: CompareOptions = DEFAULT_COMPARE): Promise<void> {
  console.log(heading(`runwarden vs a bare Bolt app (${options.rounds} rounds, interleaved, medians)`));
  const standIns = await startStandIns();
  const scripts: Record<AppName, string> = { 'bare Bolt': resolve(__dirname, 'bareBolt.js'), runwarden: resolve(standIns.root, 'dist/src/main.js') };
  const envs: Record<AppName, NodeJS.ProcessEnv> = { 'bare Bolt': standIns.slackEnv, runwarden: standIns.runwardenEnv };
  const samples: Record<AppName, Sample[]> = { 'bare Bolt': [], runwarden: [] };
  const loadBefore = loadavg();
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      const order: AppName[] = round % 2 === 0 ? ['bare Bolt', 'runwarden'] : ['runwarden', 'bare Bolt'];
      for (const name of order) samples[name].push(await measure(scripts[name], envs[name], options));
    }
  } finally {
    await standIns.stop();
  }
  const loadAfter = loadavg();

  const rows = (['bare Bolt', 'runwarden'] as const).flatMap((name) =>
    samples[name].map((s, i) => [
      `${name} #${i + 1}`,
      s.coldStartMs.toFixed(0),
      mib(s.idleRss),
      s.p99Ms.toFixed(1),
      Math.round(s.perSecond).toString(),
      mib(s.loadedRss),
      String(s.failures),
    ]),
  );
  const med = (name: AppName, key: keyof Sample): number => median(samples[name].map((s) => s[key]));
  for (const name of ['bare Bolt', 'runwarden'] as const) {
    rows.push([
      `${name} median`,
      med(name, 'coldStartMs').toFixed(0),
      mib(med(name, 'idleRss')),
      med(name, 'p99Ms').toFixed(1),
      Math.round(med(name, 'perSecond')).toString(),
      mib(med(name, 'loadedRss')),
      String(med(name, 'failures')),
    ]);
  }
  console.log(`help load: ${options.warmupRequests} warm-up then ${options.requests} measured, ${options.concurrency} in flight; RSS read ${options.idleMs} ms after /healthz`);
  console.log(table(['round', 'cold start ms', 'idle RSS MiB', `help p99 ms @${options.concurrency}`, 'help req/s', 'RSS after load MiB', 'failed'], rows));
  const ratio = (key: keyof Sample): number => med('runwarden', key) / med('bare Bolt', key);
  console.log('\nrunwarden / bare Bolt (medians)');
  console.log(
    table(
      ['measure', 'ratio'],
      [
        ['cold start, spawn → /healthz 200', verdict(ratio('coldStartMs'), 1.3, true)],
        ['idle RSS', verdict(ratio('idleRss'), 1.3, true)],
        [`help ack p99 at ${options.concurrency} concurrent`, verdict(ratio('p99Ms'), 1.2, true)],
        [`help throughput at ${options.concurrency} concurrent`, verdict(ratio('perSecond'), 0.8, false)],
      ],
    ),
  );
  const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`\nconditions: load average before ${la(loadBefore)}, after ${la(loadAfter)} (1/5/15 min; other processes share the CPUs)`);
}

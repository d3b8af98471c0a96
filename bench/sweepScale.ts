/**
 * The sweep at scale: G due invoker grants spread evenly over S services,
 * seeded through the store adapter (createRequestStore → store.create, the
 * bot's own document mapping) and, for each, its exact binding in the gRPC
 * emulator's policy of that service. Then the image's start file (`node
 * dist/image/main.js` with the image's NODE_OPTIONS and compile cache: its own
 * process, so its memory is its own) is swept through POST /jobs/sweep with a
 * Cloud Scheduler token until nothing is deferred and no Slack message is
 * owed. Printed per size: the run in which the last grant ended and the runs
 * until every message was sent (each run stops starting work after its time budget),
 * SetIamPolicy and GetIamPolicy calls, wall time, the bot's RSS before and its
 * peak (VmHWM) after, its RSS sampled every 250 ms through the runs, the
 * requester's App Home publishes (the Slack stand-in's views.publish count),
 * and the counts. RUNWARDEN_BENCH_SWEEP="40/4,200/20" picks other sizes;
 * RUNWARDEN_BENCH_SWEEP_MAIN=<an older build's dist/src/main.js> sweeps with
 * that build instead (before/after under the same conditions);
 * RUNWARDEN_BENCH_CPU_PROF=<folder> writes the bot's CPU profile there.
 */
import { Firestore } from '@google-cloud/firestore';
import { resolve } from 'node:path';
import { createRequestStore } from '../src/adapters/firestore/requestStore';
import type { AccessRequest } from '../src/domain/request';
import { REQUEST_ID_ALPHABET } from '../src/domain/requestId';
import { freePort } from '../dev/sandbox/firestoreEmulator';
import { tmpdir } from 'node:os';
import { startAppProcess } from './appProcess';
import { deployedNode, describeDeployedNode, type DeployedNode } from './deployedNode';
import { probeEnv, readPeaks } from './probe';
import { startStandIns, type StandIns } from './standIns';
import { heading, nowMs, table } from './stats';
import { ADMIN_BINDING, dueBinding, dueGrant } from '../test/support/dueGrants';

export interface SweepScaleOptions {
  sizes: ReadonlyArray<{ grants: number; services: number }>;
}

export const DEFAULT_SWEEP_SCALE: SweepScaleOptions = {
  sizes: [
    { grants: 1_000, services: 50 },
    { grants: 10_000, services: 500 },
  ],
};

/** RUNWARDEN_BENCH_SWEEP="40/4,200/20" (grants/services, comma-separated) replaces the default sizes. */
export function sweepScaleFromEnv(value = process.env.RUNWARDEN_BENCH_SWEEP): SweepScaleOptions {
  if (!value) return DEFAULT_SWEEP_SCALE;
  const sizes = value.split(',').map((pair) => {
    const [grants, services] = pair.split('/').map((n) => Number(n.trim()));
    if (!grants || !services || !Number.isInteger(grants) || !Number.isInteger(services))
      throw new Error(`RUNWARDEN_BENCH_SWEEP: expected grants/services, got ${JSON.stringify(pair)}`);
    return { grants, services };
  });
  return { sizes };
}

const PROJECT = 'acme-prod';
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

function idOf(n: number): string {
  let id = '';
  for (let i = 0, rest = n; i < 10; i += 1, rest = Math.floor(rest / REQUEST_ID_ALPHABET.length)) {
    id = REQUEST_ID_ALPHABET.charAt(rest % REQUEST_ID_ALPHABET.length) + id;
  }
  return id;
}

async function seed(standIns: StandIns, projectId: string, grants: number, services: number): Promise<number> {
  const t0 = nowMs();
  const firestore = new Firestore({ projectId, ignoreUndefinedProperties: true });
  const store = createRequestStore({ firestore });
  const now = new Date();
  const byService = new Map<string, AccessRequest[]>();
  for (let n = 0; n < grants; n += 1) {
    const target = `projects/${PROJECT}/locations/us-central1/services/svc-${String(n % services).padStart(4, '0')}`;
    const grant = dueGrant({ id: idOf(n), target, n, reason: 'bench grant', durationSeconds: 3600, now });
    byService.set(target, [...(byService.get(target) ?? []), grant]);
  }
  for (const [name, requests] of byService) {
    standIns.emulator.seedService({ name, bindings: [ADMIN_BINDING, ...requests.map(dueBinding)] });
  }
  const all = [...byService.values()].flat();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < all.length) {
        const request = all[next] as AccessRequest;
        next += 1;
        await store.create(request, { at: request.createdAt, actor: request.requester, action: 'seeded', detail: { bench: true } });
      }
    }),
  );
  await firestore.terminate();
  return nowMs() - t0;
}

/**
 * The floor: the Firestore emulator's own time for one transactional update of
 * one small document (runTransaction: read it, update one field, commit),
 * sequential, median of `rounds` after a warm-up — measured in the same run as
 * the sweep, so a grant's cost reads as a multiple of it.
 */
async function transactionFloorMs(projectId: string, rounds = 60): Promise<number> {
  const firestore = new Firestore({ projectId, ignoreUndefinedProperties: true });
  try {
    const ref = firestore.collection('floor').doc('one');
    await ref.set({ n: 0 });
    const times: number[] = [];
    for (let i = 0; i < rounds + 10; i += 1) {
      const t0 = nowMs();
      await firestore.runTransaction(async (tx) => {
        const snapshot = await tx.get(ref);
        tx.update(ref, { n: ((snapshot.get('n') as number | undefined) ?? 0) + 1 });
      });
      if (i >= 10) times.push(nowMs() - t0);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? Number.NaN;
  } finally {
    await firestore.terminate();
  }
}

/** Requests still active (the bench's only active requests are its due grants). */
async function stillActive(firestore: Firestore): Promise<number> {
  const snapshot = await firestore.collection('requests').where('status', '==', 'active').count().get();
  return snapshot.data().count;
}

/** Requests whose outbox still owes Slack messages (outboxDueAt is set exactly while it owes one). */
async function owedMessages(firestore: Firestore): Promise<number> {
  const snapshot = await firestore.collection('requests').where('outboxDueAt', '>=', new Date(0)).count().get();
  return snapshot.data().count;
}

async function sweepOnce(url: string, token: string): Promise<Record<string, number>> {
  const response = await fetch(`${url}/jobs/sweep`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`sweep answered HTTP ${response.status}`);
  return (await response.json()) as Record<string, number>;
}

async function measure(standIns: StandIns, node: DeployedNode, grants: number, services: number): Promise<string[]> {
  const projectId = `bench-sweep-${grants}-${Date.now()}`;
  const floorMs = await transactionFloorMs(projectId);
  const seedMs = await seed(standIns, projectId, grants, services);
  const calls = (method: string): number => standIns.emulator.calls.filter((c) => c.method === method).length;
  const script = process.env.RUNWARDEN_BENCH_SWEEP_MAIN ?? node.script;
  const probeFile = resolve(tmpdir(), `runwarden-bench-probe-${process.pid}-${grants}.json`);
  const app = await startAppProcess(
    script,
    await freePort(),
    { ...standIns.runwardenEnv, GOOGLE_CLOUD_PROJECT: projectId, LOG_LEVEL: 'warn', ...node.env, ...probeEnv(probeFile) },
    {
      nodeArgs: [
        '--require',
        resolve(__dirname, 'memoryProbe.js'),
        // RUNWARDEN_BENCH_CPU_PROF=<folder>: V8's CPU profile of the bot, written there when it stops (--cpu-prof)
        ...(process.env.RUNWARDEN_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RUNWARDEN_BENCH_CPU_PROF}`] : []),
      ],
    },
  );
  try {
    const idleRss = app.rss();
    const before = { set: calls('SetIamPolicy'), get: calls('GetIamPolicy'), homes: standIns.slack.homePublishes('U0ALICE') };
    const totals: Record<string, number> = {};
    let runs = 0;
    /** the run in which the last grant ended, and the wall time to its end */
    let ended: { runs: number; wallMs: number } | undefined;
    let owed = 0;
    const reader = new Firestore({ projectId, ignoreUndefinedProperties: true });
    // the bot's RSS every 250 ms while it sweeps: flat memory means these do not grow with the grants
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(app.rss()), 250);
    const t0 = nowMs();
    const cpuBefore = app.cpuMs();
    // when the last grant ended: the active count polled once a second while the runs go on (one aggregation query)
    let watching = true;
    const watcher = (async () => {
      while (watching && !ended) {
        const run = runs + 1;
        if ((await stillActive(reader)) === 0) ended = { runs: run, wallMs: nowMs() - t0 };
        else await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();
    try {
      for (;;) {
        const runStarted = nowMs();
        const counts = await sweepOnce(`http://127.0.0.1:${app.port}`, standIns.jobsToken());
        runs += 1;
        const done = Object.entries(counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ');
        console.log(
          `  ${grants}/${services} run ${runs}: ${((nowMs() - runStarted) / 1000).toFixed(1)} s, RSS ${mib(app.rss())} MiB, ${done}`,
        );
        for (const [key, value] of Object.entries(counts)) totals[key] = (totals[key] ?? 0) + value;
        // on until every grant has ended and every Slack message they owe has been sent (or given up)
        owed = await owedMessages(reader);
        if (((counts.deferred ?? 0) === 0 && owed === 0) || runs >= 50) break;
      }
    } finally {
      clearInterval(sampler);
      watching = false;
      await watcher;
      await reader.terminate();
    }
    const toEnd = ended ?? { runs: Number.NaN, wallMs: Number.NaN };
    const wallMs = nowMs() - t0;
    const cpuMs = app.cpuMs() - cpuBefore;
    const sorted = [...samples].sort((a, b) => a - b);
    const peaks = readPeaks(probeFile);
    const interesting = Object.entries(totals)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    return [
      `${grants.toLocaleString('en-US')} / ${services}`,
      `${(seedMs / 1000).toFixed(0)} s`,
      String(toEnd.runs),
      `${runs}${owed > 0 ? ` (${owed} still owed)` : ''}`,
      String(calls('SetIamPolicy') - before.set),
      String(calls('GetIamPolicy') - before.get),
      `${(toEnd.wallMs / 1000).toFixed(1)} s / ${(wallMs / 1000).toFixed(1)} s`,
      `${(toEnd.wallMs / grants).toFixed(1)} ms`,
      `${floorMs.toFixed(1)} ms`,
      `${(toEnd.wallMs / grants / floorMs).toFixed(1)}×`,
      `${(cpuMs / grants).toFixed(1)} ms`,
      mib(idleRss),
      `${mib(sorted[Math.floor(sorted.length / 2)] ?? 0)} / ${mib(sorted[sorted.length - 1] ?? 0)}`,
      mib(app.peakRss()),
      peaks ? `${mib(peaks.heapUsed)} / ${mib(peaks.external)} / ${mib(peaks.arrayBuffers)}` : '—',
      String(standIns.slack.homePublishes('U0ALICE') - before.homes),
      interesting,
    ];
  } finally {
    await app.stop();
  }
}

export async function runSweepScale(options: SweepScaleOptions = DEFAULT_SWEEP_SCALE): Promise<void> {
  console.log(heading('The sweep at scale: due invoker grants over many services, one sweep process'));
  if (process.env.RUNWARDEN_BENCH_SWEEP_MAIN) console.log(`bot: ${process.env.RUNWARDEN_BENCH_SWEEP_MAIN}`);
  const standIns = await startStandIns();
  const node = deployedNode(standIns.root);
  console.log(describeDeployedNode(node, standIns.root));
  try {
    const rows: string[][] = [];
    for (const size of options.sizes) {
      rows.push(await measure(standIns, node, size.grants, size.services));
      console.log(`  ${rows[rows.length - 1]?.join(' | ') ?? ''}`);
    }
    console.log(
      table(
        [
          'grants / services',
          'seeding',
          'runs to end all',
          'runs until every message sent',
          'SetIamPolicy',
          'GetIamPolicy',
          'wall: all ended / all sent',
          'per grant (to end)',
          'floor: 1 transaction',
          'per grant / floor',
          'bot CPU per grant',
          'bot RSS before MiB',
          'RSS sampled p50 / max MiB',
          'bot peak RSS (VmHWM) MiB',
          'peak heap used / external / ArrayBuffers MiB',
          'Home publishes',
          'counts (all runs)',
        ],
        rows,
      ),
    );
    console.log(
      '\nEach run is one POST /jobs/sweep; a run starts no new work after its time budget (sweepBudgetSeconds, 40 s) and counts the rest\n' +
        'as deferred, so big backlogs take several runs (one a minute under Cloud Scheduler). Runs go on, back to back, until\n' +
        'every grant has ended and every Slack message the endings owe (approval message refresh, requester DM) has been sent:\n' +
        '"runs to end all" is the run in which the last binding came off and its record ended. Goal: one SetIamPolicy per service\n' +
        '(plus retries), memory that does not grow with the number of grants (the store is read in pages of 200), and the\n' +
        "requester's App Home published once per run that ended some of their grants (all grants are one user's: the worst case).",
    );
  } finally {
    await standIns.stop();
  }
}

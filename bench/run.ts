/**
 * `npm run bench [-- --only core|e2e|calls|latency|sweep|burst|posture|imports|compare]`: prints runwarden's benchmark numbers.
 * Benchmarks assert nothing and are not part of `npm test`; see bench/README.md.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { runCore } from './core';
import { firestoreForBench, type BenchFirestore } from './firestoreForBench';

const PARTS = ['core', 'e2e', 'calls', 'latency', 'sweep', 'burst', 'posture', 'imports', 'compare'] as const;
type Part = (typeof PARTS)[number];
type Only = Part | undefined;

const USAGE = `usage: node dist-bench/bench/run.js [--only ${PARTS.join('|')}]`;

const isPart = (value: string | undefined): value is Part => PARTS.some((p) => p === value);

function parseArgs(argv: readonly string[]): Only {
  let only: Only;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = arg === '--only' ? argv[(i += 1)] : arg?.startsWith('--only=') ? arg.slice('--only='.length) : undefined;
    if (isPart(value)) only = value;
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else throw new Error(`unexpected argument ${JSON.stringify(value ?? arg)}\n${USAGE}`);
  }
  return only;
}

async function main(): Promise<void> {
  const only = parseArgs(process.argv.slice(2));
  process.env.METADATA_SERVER_DETECTION = 'none';
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `runwarden benchmarks — node ${process.version}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const wanted = (part: Part): boolean => only === undefined || only === part;
  if (wanted('core')) runCore();
  if (only === 'core') return;
  // every other part talks to Firestore: one emulator for the whole run
  const firestore: BenchFirestore = await firestoreForBench();
  console.log(`Firestore emulator ${firestore.host} (${firestore.origin})`);
  try {
    await runParts(wanted);
  } finally {
    await firestore.stop();
  }
}

async function runParts(wanted: (part: Part) => boolean): Promise<void> {
  if (wanted('e2e')) {
    // loaded only when wanted, so the core run's memory figures do not include the e2e stack
    const { DEFAULT_E2E, runE2e } = await import('./e2e');
    await runE2e(DEFAULT_E2E);
  }
  if (wanted('calls')) {
    const { runCalls } = await import('./calls');
    await runCalls();
  }
  if (wanted('latency')) {
    const { runLatency } = await import('./latency');
    await runLatency();
  }
  if (wanted('sweep')) {
    const { runSweepScale, sweepScaleFromEnv } = await import('./sweepScale');
    await runSweepScale(sweepScaleFromEnv());
  }
  if (wanted('burst')) {
    const { DEFAULT_BURST, runBurst } = await import('./burst');
    await runBurst(DEFAULT_BURST);
  }
  if (wanted('posture')) {
    const { runPostureScale, postureScaleFromEnv } = await import('./postureScale');
    await runPostureScale(postureScaleFromEnv());
  }
  if (wanted('imports')) {
    const { runStartupImports } = await import('./startupImports');
    await runStartupImports();
  }
  if (wanted('compare')) {
    const { DEFAULT_COMPARE, runCompare } = await import('./compare');
    await runCompare(DEFAULT_COMPARE);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);

/**
 * The benchmark side of bench/memoryProbe.ts (which is preloaded into bot
 * processes only): the environment that turns it on, and reading the peaks it
 * wrote.
 */
import { readFileSync } from 'node:fs';

/** The environment that turns the probe on in a bot process (and passes RUNWARDEN_BENCH_ALLOC_PROFILE on when set). */
export function probeEnv(file: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    RUNWARDEN_BENCH_PROBE_FILE: file,
    ...(env.RUNWARDEN_BENCH_ALLOC_PROFILE ? { RUNWARDEN_BENCH_ALLOC_PROFILE: env.RUNWARDEN_BENCH_ALLOC_PROFILE } : {}),
  };
}

export interface ProbePeaks {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** old space used, the part a heap limit (--max-old-space-size) caps */
  oldSpaceUsed: number;
  /** samples taken */
  samples: number;
  /** the longest the event loop was blocked, ms (perf_hooks.monitorEventLoopDelay) */
  eventLoopDelayMaxMs: number;
}

/** Each Slack request's time in the bot, arrival → end of its answer, ms, in order of completion. */
export function readSlackAnswers(file: string): number[] {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { slackAnswersMs?: number[] }).slackAnswersMs ?? [];
  } catch {
    return [];
  }
}

/** The peaks the probe wrote to `file`, or undefined when it wrote none (the process died before its first write). */
export function readPeaks(file: string): ProbePeaks | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { peaks: ProbePeaks }).peaks;
  } catch {
    return undefined;
  }
}

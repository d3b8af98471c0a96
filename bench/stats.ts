/**
 * Measuring and printing for the benchmarks: per-sample timings with
 * process.hrtime, percentiles by nearest rank, and fixed-width tables.
 * Benchmarks print numbers; nothing here asserts anything.
 */

export interface Summary {
  operation: string;
  iterations: number;
  /** milliseconds */
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** iterations per second of wall time spent in the operation */
  opsPerSecond: number;
}

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Samples in milliseconds → the table row. `wallMs` defaults to the samples' sum (sequential runs). */
export function summarize(operation: string, samplesMs: readonly number[], wallMs?: number): Summary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  const n = sorted.length;
  const wall = wallMs ?? total;
  return {
    operation,
    iterations: n,
    mean: n === 0 ? Number.NaN : total / n,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[n - 1] ?? Number.NaN,
    opsPerSecond: wall > 0 ? (n / wall) * 1000 : Number.NaN,
  };
}

/**
 * Times `fn` once per iteration after `warmup` untimed calls. The return
 * values are folded into a sink so the optimiser cannot drop the work.
 */
export function timeSync(operation: string, iterations: number, fn: (i: number) => unknown, warmup = Math.min(1000, iterations)): Summary {
  let sink = 0;
  const consume = (value: unknown): void => {
    sink = (sink + (value === undefined || value === null ? 0 : 1)) | 0;
  };
  for (let i = 0; i < warmup; i += 1) consume(fn(i));
  const samples = new Array<number>(iterations);
  const start = nowMs();
  for (let i = 0; i < iterations; i += 1) {
    const t0 = process.hrtime.bigint();
    consume(fn(i));
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const wall = nowMs() - start;
  if (sink < 0) process.stdout.write(''); // keeps `sink` observable
  return summarize(operation, samples, wall);
}

export type Unit = 'us' | 'ms';

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

function timeCell(ms: number, unit: Unit): string {
  return unit === 'us' ? fixed(ms * 1000, 2) : fixed(ms, 1);
}

function rateCell(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

/** A fixed-width table: first column left-aligned, the rest right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function summaryTable(summaries: readonly Summary[], unit: Unit): string {
  const u = unit === 'us' ? 'µs' : 'ms';
  return table(
    ['operation', 'iterations', `mean ${u}`, `p50 ${u}`, `p95 ${u}`, `p99 ${u}`, `max ${u}`, 'ops/s'],
    summaries.map((s) => [
      s.operation,
      String(s.iterations),
      timeCell(s.mean, unit),
      timeCell(s.p50, unit),
      timeCell(s.p95, unit),
      timeCell(s.p99, unit),
      timeCell(s.max, unit),
      rateCell(s.opsPerSecond),
    ]),
  );
}

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
}

export function memory(): MemorySnapshot {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function memoryTable(before: MemorySnapshot, after: MemorySnapshot): string {
  const delta = (a: number, b: number): string => `${b >= a ? '+' : '-'}${mib(Math.abs(b - a))}`;
  return table(
    ['process memory', 'before', 'after', 'change'],
    [
      ['rss', mib(before.rss), mib(after.rss), delta(before.rss, after.rss)],
      ['heapUsed', mib(before.heapUsed), mib(after.heapUsed), delta(before.heapUsed, after.heapUsed)],
    ],
  );
}

export function heading(title: string): string {
  return `\n${title}\n${'='.repeat(title.length)}`;
}

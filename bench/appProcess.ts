/**
 * An app under test as its own process, started the way its image starts it
 * (`node <script>`), for the comparison benchmark: spawn → first `/healthz`
 * 200 (the cold start), resident memory read from /proc (Linux), stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { nowMs } from './stats';

export interface AppProcess {
  pid: number;
  port: number;
  /** ms from spawn to the first GET /healthz answered 200 */
  coldStartMs: number;
  /** CPU ms (user + system) the process had used when /healthz first answered: steadier than wall time on a busy machine */
  coldStartCpuMs: number;
  /** resident set size now, bytes (VmRSS) */
  rss(): number;
  /** CPU ms (user + system) used so far */
  cpuMs(): number;
  /** the highest resident set size so far, bytes (VmHWM) */
  peakRss(): number;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5,000) */
  stop(graceMs?: number): Promise<void>;
}

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function rssOf(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1];
  if (!kib) throw new Error(`no ${field} for process ${pid}`);
  return Number(kib) * 1024;
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15), in ms; clock ticks are 100 per second on Linux. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Spawns `node [nodeArgs] script` with `env` (PORT added) and polls /healthz every 2 ms until 200 or `timeoutMs`. */
export async function startAppProcess(
  script: string,
  port: number,
  env: NodeJS.ProcessEnv,
  options: { nodeArgs?: readonly string[]; timeoutMs?: number } = {},
): Promise<AppProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let stderr = '';
  const t0 = nowMs();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${script}`);
  for (;;) {
    if (await healthy(port)) break;
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}: ${stderr}`);
    if (nowMs() - t0 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not answer /healthz within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const coldStartMs = nowMs() - t0;
  const coldStartCpuMs = cpuMsOf(pid);
  return {
    pid,
    port,
    coldStartMs,
    coldStartCpuMs,
    rss: () => rssOf(pid),
    cpuMs: () => cpuMsOf(pid),
    peakRss: () => rssOf(pid, 'VmHWM'),
    async stop(graceMs = 5000) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

/**
 * Preloaded into a bot process by the memory benchmarks
 * (`node --require dist-bench/bench/memoryProbe.js dist/src/main.js`): every
 * 100 ms it reads `process.memoryUsage()` and the V8 heap spaces, and keeps
 * the highest value of each in RUNWARDEN_BENCH_PROBE_FILE (JSON, rewritten
 * every second and at exit), so a benchmark can say *where* a peak RSS was — the JavaScript
 * heap, Buffers/ArrayBuffers outside it, or neither (code, native memory of
 * Node, the allocator's free lists). Without the variable it does nothing.
 * Nothing in the product loads it, nor does the benchmark process itself
 * (bench/probe.ts reads what it writes).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

import type { ProbePeaks } from './probe';

const file = process.env.RUNWARDEN_BENCH_PROBE_FILE;
if (file) {
  const peaks: ProbePeaks = {
    rss: 0,
    heapTotal: 0,
    heapUsed: 0,
    external: 0,
    arrayBuffers: 0,
    oldSpaceUsed: 0,
    samples: 0,
    eventLoopDelayMaxMs: 0,
  };
  // how long the event loop was blocked at worst (a request waits at least that long for its acknowledgement)
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const tick = (): void => {
    const usage = process.memoryUsage();
    const old = getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
    peaks.rss = Math.max(peaks.rss, usage.rss);
    peaks.heapTotal = Math.max(peaks.heapTotal, usage.heapTotal);
    peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
    peaks.external = Math.max(peaks.external, usage.external);
    peaks.arrayBuffers = Math.max(peaks.arrayBuffers, usage.arrayBuffers);
    peaks.oldSpaceUsed = Math.max(peaks.oldSpaceUsed, old?.space_used_size ?? 0);
    peaks.samples += 1;
    peaks.eventLoopDelayMaxMs = Math.max(peaks.eventLoopDelayMaxMs, delay.max / 1e6);
  };
  // each POST /slack/events from its arrival to the end of its answer, measured by the bot itself
  // (node:http's diagnostics channels), to tell the bot's own acknowledgement time from the network's
  const arrived = new WeakMap<ServerResponse, number>();
  const answered: number[] = [];
  subscribe('http.server.request.start', (message) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    if (request.method === 'POST' && request.url?.startsWith('/slack/')) arrived.set(response, performance.now());
  });
  subscribe('http.server.response.finish', (message) => {
    const { response } = message as { response: ServerResponse };
    const start = arrived.get(response);
    if (start !== undefined) answered.push(performance.now() - start);
  });
  const write = (): void => writeFileSync(file, JSON.stringify({ peaks, slackAnswersMs: answered }));
  setInterval(tick, 100).unref();
  setInterval(write, 1000).unref();
  process.on('exit', () => {
    tick();
    write();
  });
  tick();
  write();
}

/**
 * RUNWARDEN_BENCH_ALLOC_PROFILE=<file>: V8's sampling heap profiler over the
 * process's life, objects that were collected included (what a function
 * allocates, not only what it keeps), written as a .heapprofile (Chrome
 * DevTools' format) at exit.
 */
const allocFile = process.env.RUNWARDEN_BENCH_ALLOC_PROFILE;
if (allocFile) {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  process.on('exit', () => {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (!error) writeFileSync(allocFile, JSON.stringify(result.profile));
    });
  });
}

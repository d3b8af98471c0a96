/**
 * Preloaded into a process under measurement (`node -r
 * dist-bench/bench/importTracer.js …`): for every npm package that the
 * process's own code requires, the wall time and RSS growth of its first
 * require (inclusive of what it pulls in). At exit the list is written as JSON
 * to $RUNWARDEN_TRACE_IMPORTS (a file path), in load order with the time since
 * start, so a reader sees what loaded before /healthz and what loaded later.
 */
import Module from 'node:module';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface TracedImport {
  name: string;
  /** ms since the process started, when the require began */
  at: number;
  ms: number;
  rssBytes: number;
  /** our module that required it, relative to the working directory */
  from: string;
}

type Load = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load };
const original = loader._load;
const builtins = new Set(Module.builtinModules);
const traced: TracedImport[] = [];
const seen = new Set<string>();

loader._load = function load(this: unknown, request, parent, isMain) {
  const name = /^(@[^/]+\/[^/]+|[^./][^/]*)/.exec(request)?.[1];
  const from = parent?.filename ?? '';
  if (!name || builtins.has(name) || request.startsWith('node:') || from.includes('node_modules') || seen.has(name)) {
    return original.call(this, request, parent, isMain);
  }
  seen.add(name);
  const at = performance.now();
  const rss = process.memoryUsage.rss();
  try {
    return original.call(this, request, parent, isMain);
  } finally {
    traced.push({
      name,
      at,
      ms: performance.now() - at,
      rssBytes: process.memoryUsage.rss() - rss,
      from: from.replace(`${process.cwd()}/`, ''),
    });
  }
};

process.on('exit', () => {
  const file = process.env.RUNWARDEN_TRACE_IMPORTS;
  if (file) writeFileSync(file, JSON.stringify(traced.sort((a, b) => a.at - b.at)));
});

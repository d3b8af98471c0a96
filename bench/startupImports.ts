/**
 * Where runwarden's start-up time and memory go: `node dist/src/main.js` in
 * production mode (bench/standIns.ts) with bench/importTracer.ts preloaded.
 * Printed: every npm package our code requires, when (ms after the process
 * started), how long its first require took and how much RSS it added; the
 * moment /healthz answered; the idle RSS. Then one `list` command (the first
 * store call) shows what loads on first use, after the acknowledgement.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../dev/sandbox/firestoreEmulator';
import { startAppProcess } from './appProcess';
import { helpLoad } from './helpLoad';
import type { TracedImport } from './importTracer';
import { BENCH_SIGNING_SECRET, startStandIns } from './standIns';
import { FORM_CONTENT_TYPE, slashCommandBody } from '../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../dev/sandbox/slackSigner';
import { heading, table } from './stats';

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runStartupImports(): Promise<void> {
  console.log(heading('Start-up: what runwarden loads, when, and what it costs (one run)'));
  const standIns = await startStandIns();
  const traceFile = join(mkdtempSync(join(tmpdir(), 'runwarden-trace-')), 'imports.json');
  const port = await freePort();
  try {
    const app = await startAppProcess(
      resolve(standIns.root, 'dist/src/main.js'),
      port,
      { ...standIns.runwardenEnv, RUNWARDEN_TRACE_IMPORTS: traceFile },
      {
        nodeArgs: ['-r', resolve(__dirname, 'importTracer.js')],
      },
    );
    await sleep(2000);
    const idleRss = app.rss();
    await helpLoad(port, BENCH_SIGNING_SECRET, 1, 1);
    const afterHelp = app.rss();
    const list = slashCommandBody({ text: 'list', userId: 'U0ALICE', responseUrl: 'http://127.0.0.1:9/unused' });
    const ack = await postToSlackEndpoint(`http://127.0.0.1:${port}/slack/events`, BENCH_SIGNING_SECRET, list, FORM_CONTENT_TYPE);
    await sleep(3000);
    const afterList = app.rss();
    // a graceful stop waits for the list's work and closes the Firestore client; the trace is written at exit
    await app.stop(30_000);
    const traced = JSON.parse(readFileSync(traceFile, 'utf8')) as TracedImport[];
    console.log(
      table(
        ['package (first require)', 'at ms', 'require ms', '+RSS MiB', 'required by'],
        traced.map((t) => [t.name, t.at.toFixed(0), t.ms.toFixed(0), mib(t.rssBytes), t.from]),
      ),
    );
    console.log(`\n/healthz answered ${app.coldStartMs.toFixed(0)} ms after spawn (traced run: the tracer adds a little)`);
    console.log(
      `RSS: idle ${mib(idleRss)} MiB · after one help ${mib(afterHelp)} MiB · after one list (HTTP ${ack.status}, first store call) ${mib(afterList)} MiB`,
    );
  } finally {
    await standIns.stop();
  }
}

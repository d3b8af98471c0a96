/**
 * End to end over the real wire: the real bot over HTTP (Bolt receiver),
 * the real Google client libraries against the project's gRPC emulator,
 * gcloud's Firestore emulator and the Slack stand-in, all on 127.0.0.1.
 *
 *   (a–c) N sequential requests: acknowledgement, approval message, approve → active
 *   (d)   M requests approved at once on the same service (IAM etag conflicts → retries)
 *   (e)   one sweep expiring the N grants of (a–c)
 */
import type { AccessRequest } from '../src/domain/request';
import { service, startHarness, type Harness } from '../test/support/harness';
import { approveTimed, bindingTitles, countCalls, pollUntil, submitQuietly, submitTimed } from './e2eSteps';
import { heading, memory, memoryTable, nowMs, summarize, summaryTable, table, type Summary } from './stats';

const HELLO = service('hello');
const BUSY = service('busy');
const WARMUP = service('warmup');
const APPROVERS = ['U0BOB', 'U0CAROL'] as const;

export interface E2eOptions {
  /** sequential requests for (a–c), then expired by one sweep in (e) */
  requests: number;
  /** requests approved concurrently on one service in (d) */
  contenders: number;
}

export const DEFAULT_E2E: E2eOptions = { requests: 30, contenders: 10 };

function approver(i: number): string {
  return APPROVERS[i % APPROVERS.length] ?? 'U0BOB';
}

/** One untimed-in-the-table request first: opens the gRPC and Firestore connections and warms the JIT. */
async function warmUp(h: Harness): Promise<string> {
  const submitted = await submitTimed(h, 'U0ALICE', 'invoker warmup 8h bench warm-up');
  const approved = await approveTimed(h, 'U0BOB', submitted.id, WARMUP);
  const ms = (value: number): string => `${value.toFixed(0)} ms`;
  return `warm-up request (cold, not in the table): ack ${ms(submitted.ackMs)}, approval message ${ms(submitted.postedMs)}, binding ${ms(approved.bindingMs)}`;
}

async function sequential(h: Harness, n: number): Promise<Summary[]> {
  const ack: number[] = [];
  const reply: number[] = [];
  const posted: number[] = [];
  const clickAck: number[] = [];
  const binding: number[] = [];
  const active: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const submitted = await submitTimed(h, 'U0ALICE', `invoker hello 1h bench run ${i}: reading checkout traces`);
    ack.push(submitted.ackMs);
    reply.push(submitted.replyMs);
    posted.push(submitted.postedMs);
    const approved = await approveTimed(h, approver(i), submitted.id, HELLO);
    clickAck.push(approved.ackMs);
    binding.push(approved.bindingMs);
    active.push(approved.messageMs);
    ids.push(submitted.id);
  }
  const reads: number[] = [];
  for (const id of ids) {
    const t0 = nowMs();
    await h.runwarden.deps.store.get(id);
    reads.push(nowMs() - t0);
  }
  return [
    summarize('(a) slash command → HTTP ack', ack),
    summarize('    slash command → reply with id (response_url)', reply),
    summarize('(b) slash command → approval message posted', posted),
    summarize('    click Approve → HTTP ack', clickAck),
    summarize('(c) click Approve → binding written (IAM)', binding),
    summarize('    click Approve → message shows active', active),
    summarize('    for scale: one Firestore emulator read (store.get)', reads),
  ];
}

interface Contention {
  rows: string[][];
  perRequest: Summary;
}

/** Polls Firestore (100 ms) until each request is active, failed, or waiting for the sweep after an interrupted apply. */
async function settle(h: Harness, ids: readonly string[]): Promise<AccessRequest[]> {
  const settled = (r: AccessRequest): boolean => {
    if (r.status === 'pending') return false;
    if (r.status === 'approved' || r.status === 'active') return r.op === undefined || r.op.leaseUntil.getTime() <= h.clock.now().getTime();
    return true;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const all = (await Promise.all(ids.map((id) => h.runwarden.deps.store.get(id)))).filter((r): r is AccessRequest => r !== undefined);
    if ((all.length === ids.length && all.every(settled)) || Date.now() > deadline) return all;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function contention(h: Harness, m: number): Promise<Contention> {
  const ids: string[] = [];
  for (let i = 0; i < m; i += 1) ids.push(await submitQuietly(h, 'U0ALICE', `invoker busy 8h bench contention ${i}`));
  const titles = ids.map((id) => `runwarden-${id}`);
  const setBefore = countCalls(h, 'SetIamPolicy', BUSY);
  const getBefore = countCalls(h, 'GetIamPolicy', BUSY);
  const seenAt = new Map<string, number>();
  const t0 = nowMs();
  const clicks = Promise.all(ids.map((id, i) => h.click(approver(i), 'approve', id)));
  await pollUntil(
    () => {
      const present = bindingTitles(h, BUSY);
      for (const title of titles) if (present.has(title) && !seenAt.has(title)) seenAt.set(title, nowMs());
      return seenAt.size === titles.length ? true : undefined;
    },
    'all contended bindings',
    90_000,
  ).catch(() => false);
  const bindingsWall = nowMs() - t0;
  const acks = await clicks;
  let final = await settle(h, ids);
  const allActiveWall = nowMs() - t0;
  let sweptIn = 0;
  if (final.some((r) => r.status !== 'active')) {
    sweptIn = (await h.sweep()).body.applied ?? 0; // an apply that ran out of IAM retries is finished by the sweep
    final = await settle(h, ids);
  }
  const present = bindingTitles(h, BUSY);
  const written = titles.filter((t) => present.has(t)).length;
  const setCalls = countCalls(h, 'SetIamPolicy', BUSY) - setBefore;
  const getCalls = countCalls(h, 'GetIamPolicy', BUSY) - getBefore;
  const rows = [
    ['concurrent Approve clicks on one service', String(m)],
    ['clicks acknowledged with HTTP 200', String(acks.filter((a) => a.status === 200).length)],
    ['wall: first click → last binding written', `${bindingsWall.toFixed(0)} ms`],
    ['wall: first click → all requests settled in Firestore', `${allActiveWall.toFixed(0)} ms`],
    ['GetIamPolicy calls', String(getCalls)],
    ['SetIamPolicy calls', String(setCalls)],
    ['bindings written', String(written)],
    ['SetIamPolicy calls refused (etag conflict) = calls − writes', String(setCalls - written)],
    ['applies finished by a follow-up sweep', String(sweptIn)],
    ['requests active', `${final.filter((r) => r.status === 'active').length} of ${m}`],
    [`all ${m} bindings present`, written === m ? 'yes' : `NO (${written})`],
  ];
  const perRequest = summarize(
    '(d) click → own binding written, under contention',
    [...seenAt.values()].map((at) => at - t0),
  );
  return { rows, perRequest };
}

async function sweepAll(h: Harness, n: number): Promise<string[][]> {
  h.clock.advance(3601); // past the 1h grants of (a–c); the 8h grants of (d) stay
  const setBefore = countCalls(h, 'SetIamPolicy', HELLO);
  const t0 = nowMs();
  const swept = await h.sweep();
  const wall = nowMs() - t0;
  const expired = swept.body.expired ?? 0;
  return [
    ['sweep HTTP status', String(swept.status)],
    ['grants expired by one sweep', `${expired} of ${n}`],
    ['wall time of the sweep (POST /jobs/sweep)', `${wall.toFixed(0)} ms`],
    ['per expired grant', expired > 0 ? `${(wall / expired).toFixed(1)} ms` : '-'],
    ['SetIamPolicy calls on the service', String(countCalls(h, 'SetIamPolicy', HELLO) - setBefore)],
    ['runwarden bindings left on the swept service', String(bindingTitles(h, HELLO).size)],
    ['runwarden bindings left on the contended service (8h, not due)', String(bindingTitles(h, BUSY).size)],
    ['sweep errors', String(swept.body.errors ?? 0)],
  ];
}

export async function runE2e(options: E2eOptions = DEFAULT_E2E): Promise<void> {
  console.log(heading('End to end (real HTTP, gRPC emulator, Firestore emulator, Slack stand-in)'));
  const before = memory();
  const setupStart = nowMs();
  let h: Harness | undefined;
  try {
    h = await startHarness();
    h.emulator.seedService({ name: HELLO, bindings: [{ role: 'roles/run.admin', members: ['group:admins@acme.example'] }] });
    h.emulator.seedService({ name: BUSY });
    h.emulator.seedService({ name: WARMUP });
    console.log(`set-up ${(nowMs() - setupStart).toFixed(0)} ms`);

    const start = nowMs();
    const warm = await warmUp(h);
    const seq = await sequential(h, options.requests);
    const contended = await contention(h, options.contenders);
    console.log(`\n(a–c) ${options.requests} sequential requests, each submitted then approved by one click`);
    console.log(warm);
    console.log(summaryTable([...seq, contended.perRequest], 'ms'));
    console.log(`\n(d) contention: ${options.contenders} requests on ${BUSY} approved at once`);
    console.log(table(['measure', 'value'], contended.rows));
    console.log(`\n(e) sweep expiring the ${options.requests} grants of (a–c)`);
    console.log(table(['measure', 'value'], await sweepAll(h, options.requests)));
    console.log(`\nmeasured part: ${((nowMs() - start) / 1000).toFixed(1)} s`);
  } finally {
    await h?.stop();
  }
  console.log('');
  console.log(memoryTable(before, memory()));
  console.log(
    '\nNote: the Firestore emulator dominates these numbers. Every step is one or two Firestore transactions against\n' +
      'gcloud\'s emulator (a single Java process; one plain read costs the "store.get" row above),\n' +
      'sharing 127.0.0.1 and the CPUs with the bot, the gRPC emulator and the load generator. Production Firestore is\n' +
      'faster per transaction: read these as an upper bound on the latency runwarden adds, not as a production forecast.',
  );
}

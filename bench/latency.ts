/**
 * Apply and revoke latency with the gRPC emulator adding 0 ms and then 50 ms
 * to every Google call (Emulator.setLatency), through the real bot
 * (test/support/harness.ts): click Approve → the binding is in the policy and
 * → the request is `active`; click Revoke → the binding is gone and → the
 * request is `revoked`. With 50 ms per call, an apply's two Google calls
 * (GetIamPolicy + SetIamPolicy) cost 100 ms; what is left of the time is
 * runwarden's own (Firestore transactions, the Slack re-check, scheduling).
 */
import { service, startHarness, type Harness } from '../test/support/harness';
import { bindingTitles, pollUntil, submitQuietly } from './e2eSteps';
import { heading, nowMs, summarize, table } from './stats';

const TARGET = service('latency');
const ROUNDS = 20;

async function waitStatus(h: Harness, id: string, status: string): Promise<number> {
  for (;;) {
    const request = await h.request(id);
    if (request.status === status && request.op === undefined) return nowMs();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Round {
  applyBinding: number;
  applyActive: number;
  revokeBinding: number;
  revokeDone: number;
}

async function round(h: Harness, i: number): Promise<Round> {
  const id = await submitQuietly(h, 'U0ALICE', `invoker latency 1h latency round ${i}`);
  const title = `runwarden-${id}`;
  let t0 = nowMs();
  const written = pollUntil(() => (bindingTitles(h, TARGET).has(title) ? nowMs() : undefined), `binding ${title}`, 60_000);
  await h.click('U0BOB', 'approve', id);
  const applyBinding = (await written) - t0;
  const applyActive = (await waitStatus(h, id, 'active')) - t0;
  t0 = nowMs();
  const removed = pollUntil(() => (bindingTitles(h, TARGET).has(title) ? undefined : nowMs()), `removal of ${title}`, 60_000);
  await h.click('U0ALICE', 'revoke', id);
  const revokeBinding = (await removed) - t0;
  const revokeDone = (await waitStatus(h, id, 'revoked')) - t0;
  return { applyBinding, applyActive, revokeBinding, revokeDone };
}

export async function runLatency(): Promise<void> {
  console.log(heading('Apply and revoke latency, with 0 ms and 50 ms added to every Google call'));
  const h = await startHarness();
  try {
    h.emulator.seedService({ name: TARGET });
    await round(h, -1); // warm-up: connections, JIT, first loads
    const rows: string[][] = [];
    for (const latencyMs of [0, 50]) {
      h.emulator.setLatency(latencyMs);
      const samples: Round[] = [];
      const calls = h.emulator.calls.length;
      for (let i = 0; i < ROUNDS; i += 1) samples.push(await round(h, i));
      const made = h.emulator.calls.slice(calls);
      const googleCalls = made.filter((c) => /IamPolicy$/.test(c.method)).length / ROUNDS;
      const byMethod = new Map<string, number>();
      for (const c of made) byMethod.set(c.method, (byMethod.get(c.method) ?? 0) + 1);
      const allCalls = [...byMethod].map(([m, n]) => `${m} ${(n / ROUNDS).toFixed(1)}`).join(', ');
      const google = (googleCalls / 2) * latencyMs;
      const row = (what: string, pick: (s: Round) => number): string[] => {
        const summary = summarize('', samples.map(pick));
        return [`+${latencyMs} ms`, what, summary.p50.toFixed(0), summary.p99.toFixed(0), (summary.p50 - google).toFixed(0)];
      };
      rows.push(
        row('approve → binding written', (s) => s.applyBinding),
        row('approve → request active', (s) => s.applyActive),
        row('revoke → binding removed', (s) => s.revokeBinding),
        row('revoke → request revoked', (s) => s.revokeDone),
        [`+${latencyMs} ms`, 'IAM calls per apply + revoke', googleCalls.toFixed(1), '', ''],
        [`+${latencyMs} ms`, 'all Google calls per round', allCalls, '', ''],
      );
    }
    h.emulator.setLatency(0);
    console.log(table(['Google latency', 'from click to', 'p50 ms', 'p99 ms (max of the rounds)', 'runwarden’s own ms (p50)'], rows));
    console.log(
      `\n${ROUNDS} rounds each, sequential, after a warm-up round. "runwarden’s own" subtracts the added latency of the IAM calls\n` +
        '(an apply and a revoke each make one GetIamPolicy and one SetIamPolicy); the rest is Firestore (emulator), the Slack\n' +
        'stand-in and the bot itself.',
    );
  } finally {
    await h.stop();
  }
}

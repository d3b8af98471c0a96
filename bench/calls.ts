/**
 * Calls per request life cycle: one invoker request submitted, approved
 * (applied), then expired by the sweep, through the real bot
 * (test/support/harness.ts). Google calls are read from the gRPC emulator's
 * call log; Firestore work is counted by a RequestStore decorator
 * (bench/countingStore.ts). Printed per phase; nothing is asserted.
 */
import type { Status } from '../src/domain/request';
import type { RecordedCall } from '../dev/emulator/types';
import type { RequestStore } from '../src/ports';
import { service, startHarness, type Harness } from '../test/support/harness';
import { countingStore, emptyStoreCounts, type StoreCounts } from './countingStore';
import { submitQuietly } from './e2eSteps';
import { heading, table } from './stats';

const TARGET = service('calls');

function google(calls: readonly RecordedCall[]): string {
  const byMethod = new Map<string, number>();
  for (const call of calls) byMethod.set(call.method, (byMethod.get(call.method) ?? 0) + 1);
  return [...byMethod.entries()].map(([method, n]) => `${method} ×${n}`).join(', ') || '—';
}

function firestore(now: StoreCounts, before: StoreCounts): string {
  const parts = (Object.keys(now) as (keyof StoreCounts)[]).flatMap((key) =>
    now[key] > before[key] ? [`${key} ×${now[key] - before[key]}`] : [],
  );
  return parts.join(', ') || '—';
}

/** Polls the store without counting (the raw store, not the decorator). */
async function waitFor(raw: () => RequestStore, id: string, status: Status): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await raw().get(id))?.status !== status) {
    if (Date.now() > deadline) throw new Error(`request ${id} did not reach ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function phase(h: Harness, counts: StoreCounts, name: string, work: () => Promise<void>): Promise<string[]> {
  const callsBefore = h.emulator.calls.length;
  const storeBefore = { ...counts };
  await work();
  // what the phase started after its state was reached (App Home publishes) belongs to it too
  await (await h.runwarden.useCases()).idle(60_000);
  const calls = h.emulator.calls.slice(callsBefore);
  const storeOps = (Object.keys(counts) as (keyof StoreCounts)[]).reduce((sum, key) => sum + counts[key] - storeBefore[key], 0);
  return [name, String(calls.length), google(calls), String(storeOps), firestore(counts, storeBefore)];
}

export async function runCalls(): Promise<void> {
  console.log(heading('Calls per request life cycle (invoker: submit → approve → apply → expire)'));
  const counts = emptyStoreCounts();
  let rawStore: RequestStore | undefined;
  const raw = (): RequestStore => rawStore as RequestStore;
  const h = await startHarness({
    wrapStore: (store) => {
      rawStore = store;
      return countingStore(store, counts);
    },
  });
  try {
    h.emulator.seedService({ name: TARGET });
    await submitQuietly(h, 'U0ALICE', 'invoker warmup-calls 1h warm-up').catch(() => undefined); // first connections, not counted
    h.emulator.seedService({ name: service('warmup-calls') });
    let id = '';
    const rows = [
      await phase(h, counts, 'submit (→ approval message posted)', async () => {
        id = await submitQuietly(h, 'U0ALICE', 'invoker calls 1h counting calls');
      }),
      await phase(h, counts, 'approve (→ applied, active)', async () => {
        await h.click('U0BOB', 'approve', id);
        await waitFor(raw, id, 'active');
      }),
      await phase(h, counts, 'expire (one sweep)', async () => {
        h.clock.advance(3601);
        await h.sweep();
        await waitFor(raw, id, 'expired');
      }),
    ];
    console.log(table(['phase', 'Google calls', 'by method', 'store calls', 'by method'], rows));
    console.log(
      '\nStore calls: `transact`/`create` are one Firestore transaction each (read + commit), `get` one read, listings one query.\n' +
        "The benchmark waits for each state through the undecorated store, so only the bot's own calls are counted.",
    );
  } finally {
    await h.stop();
  }
}

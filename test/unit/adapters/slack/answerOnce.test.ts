import { answerOnce } from '../../../../src/adapters/slack/listeners/answerOnce';
import { silentLogger } from '../../../../src/app/logger';
import type { DeliveryLedger, DeliveryReply } from '../../../../src/ports';

/** An in-memory ledger with the port's semantics (claim is atomic in one process). */
function memoryLedger(): DeliveryLedger & { claims: number } {
  const claimed = new Set<string>();
  const replies = new Map<string, DeliveryReply>();
  return {
    claims: 0,
    async claim(key) {
      this.claims += 1;
      if (claimed.has(key)) return { first: false };
      claimed.add(key);
      return { first: true };
    },
    async record(key, reply) {
      replies.set(key, reply);
    },
    async reply(key) {
      return replies.get(key);
    },
  };
}

const options = (ledger: DeliveryLedger) => ({
  ledger,
  logger: silentLogger,
  now: () => new Date('2026-11-30T12:00:00Z'),
  waitMs: 2_000,
  pollMs: 5,
});

describe('answerOnce', () => {
  test('runs the command once for one trigger_id; concurrent duplicates get the first reply', async () => {
    const ledger = memoryLedger();
    let runs = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const produce = async (): Promise<DeliveryReply> => {
      runs += 1;
      await gate;
      return { text: `request \`abc\` (run ${runs})` };
    };
    const first = answerOnce(options(ledger), 'T1', produce);
    const second = answerOnce(options(ledger), 'T1', produce);
    const third = answerOnce(options(ledger), 'T1', produce);
    release();
    const replies = await Promise.all([first, second, third]);
    expect(runs).toBe(1);
    expect(replies.map((r) => r.text)).toEqual(['request `abc` (run 1)', 'request `abc` (run 1)', 'request `abc` (run 1)']);
  });

  test('different trigger_ids run separately; a delivery without one simply runs', async () => {
    const ledger = memoryLedger();
    let runs = 0;
    const produce = async (): Promise<DeliveryReply> => ({ text: `run ${++runs}` });
    await answerOnce(options(ledger), 'T1', produce);
    await answerOnce(options(ledger), 'T2', produce);
    await answerOnce(options(ledger), undefined, produce);
    expect(runs).toBe(3);
    expect(ledger.claims).toBe(2);
  });

  test('a duplicate whose first delivery never recorded an answer says so instead of running the command', async () => {
    const ledger = memoryLedger();
    await ledger.claim('T1', new Date());
    let runs = 0;
    const reply = await answerOnce({ ...options(ledger), waitMs: 20 }, 'T1', async () => ({ text: `run ${++runs}` }));
    expect(runs).toBe(0);
    expect(reply.text).toMatch(/delivered this command more than once/);
  });
});

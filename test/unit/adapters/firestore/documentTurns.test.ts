/**
 * This process's transactions on one request document run one at a time, in
 * the order asked (documentTurns.ts); on different documents they overlap;
 * a failed one hands the turn on; several documents at once wait for every
 * earlier turn on any of them, and nothing waits on itself.
 */
import { createDocumentTurns } from '../../../../src/adapters/firestore/documentTurns';

/** a piece of work that runs until released, recording when it started and ended */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    work: async () => {
      log.push(`${name} start`);
      await opened;
      log.push(`${name} end`);
      return name;
    },
    open,
  };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

it('runs transactions on one document one after another, in the order asked', async () => {
  const inTurn = createDocumentTurns();
  const log: string[] = [];
  const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
  const done = [inTurn(['r1'], a.work), inTurn(['r1'], b.work), inTurn(['r1'], c.work)];
  await tick();
  expect(log).toEqual(['a start']);
  a.open();
  b.open();
  c.open();
  expect(await Promise.all(done)).toEqual(['a', 'b', 'c']);
  expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
});

it('lets transactions on different documents overlap', async () => {
  const inTurn = createDocumentTurns();
  const log: string[] = [];
  const [a, b] = [gate(log, 'a'), gate(log, 'b')];
  const done = [inTurn(['r1'], a.work), inTurn(['r2'], b.work)];
  await tick();
  expect(log).toEqual(['a start', 'b start']);
  b.open();
  a.open();
  await Promise.all(done);
});

it('hands the turn on when a transaction fails', async () => {
  const inTurn = createDocumentTurns();
  const failed = inTurn(['r1'], () => Promise.reject(new Error('ABORTED')));
  const next = inTurn(['r1'], () => Promise.resolve('next'));
  await expect(failed).rejects.toThrow('ABORTED');
  await expect(next).resolves.toBe('next');
});

it('a batch waits for every earlier turn on any of its documents; a later one on them waits for the batch', async () => {
  const inTurn = createDocumentTurns();
  const log: string[] = [];
  const [one, two, batch, after] = [gate(log, 'one'), gate(log, 'two'), gate(log, 'batch'), gate(log, 'after')];
  const done = [
    inTurn(['r1'], one.work),
    inTurn(['r2'], two.work),
    inTurn(['r2', 'r1', 'r2'], batch.work), // duplicates are one document
    inTurn(['r2'], after.work),
  ];
  await tick();
  expect(log).toEqual(['one start', 'two start']);
  one.open();
  await tick();
  expect(log).not.toContain('batch start');
  two.open();
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(log.slice(-1)).toEqual(['batch start']);
  batch.open();
  after.open();
  await Promise.all(done);
  expect(log.indexOf('after start')).toBeGreaterThan(log.indexOf('batch end'));
});

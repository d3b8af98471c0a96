/**
 * The App Home publisher (src/app/homePublisher.ts): per user at most one
 * publish running and one waiting, a bound on publishes at once, and every
 * request answered by a publish that started after it.
 */
import { createHomePublisher } from '../../../src/app/homePublisher';

/** A publish function whose calls stay open until released, recording what ran when. */
function controlledPublish() {
  const started: string[] = [];
  const open = new Map<string, Array<() => void>>();
  let running = 0;
  let maxRunning = 0;
  const publish = (user: string): Promise<void> => {
    started.push(user);
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    return new Promise<void>((resolve) => {
      open.set(user, [
        ...(open.get(user) ?? []),
        () => {
          running -= 1;
          resolve();
        },
      ]);
    });
  };
  /** finishes the oldest running publish of `user`, then lets the publisher start what waits */
  const finish = async (user: string): Promise<void> => {
    const [first, ...rest] = open.get(user) ?? [];
    if (!first) throw new Error(`no publish of ${user} is running`);
    open.set(user, rest);
    first();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    publish,
    finish,
    started,
    get maxRunning() {
      return maxRunning;
    },
  };
}

const settledNow = async (promise: Promise<void>): Promise<boolean> => {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
};

it('a burst for one user publishes it twice: the one running, and one more after it for everything asked meanwhile', async () => {
  const fake = controlledPublish();
  const publisher = createHomePublisher(fake.publish, 4);

  const first = publisher.schedule('U0BOB');
  const during = Array.from({ length: 50 }, () => publisher.schedule('U0BOB'));
  expect(fake.started).toEqual(['U0BOB']);

  await fake.finish('U0BOB');
  expect(await settledNow(first)).toBe(true);
  // what was asked while the first ran waits for a publish that started after it
  expect(await settledNow(during[0] as Promise<void>)).toBe(false);
  expect(fake.started).toEqual(['U0BOB', 'U0BOB']);

  await fake.finish('U0BOB');
  for (const promise of during) expect(await settledNow(promise)).toBe(true);
  expect(fake.started).toEqual(['U0BOB', 'U0BOB']);
});

it('never runs more than `concurrency` publishes at once, and starts users in the order they were first asked for', async () => {
  const fake = controlledPublish();
  const publisher = createHomePublisher(fake.publish, 2);
  const users = ['U0A', 'U0B', 'U0C', 'U0D', 'U0E'];
  const done = users.map((user) => publisher.schedule(user));
  expect(fake.started).toEqual(['U0A', 'U0B']);

  await fake.finish('U0A');
  expect(fake.started).toEqual(['U0A', 'U0B', 'U0C']);
  for (const user of ['U0B', 'U0C', 'U0D', 'U0E']) await fake.finish(user);

  expect(fake.maxRunning).toBe(2);
  for (const promise of done) expect(await settledNow(promise)).toBe(true);
});

it('a user asked for again while running waits for that run, without holding back the other users', async () => {
  const fake = controlledPublish();
  const publisher = createHomePublisher(fake.publish, 2);
  void publisher.schedule('U0A');
  void publisher.schedule('U0A'); // waits for U0A's first publish to end
  void publisher.schedule('U0B');
  expect(fake.started).toEqual(['U0A', 'U0B']);

  await fake.finish('U0B');
  expect(fake.started).toEqual(['U0A', 'U0B']); // U0A's second may not overlap its first

  await fake.finish('U0A');
  expect(fake.started).toEqual(['U0A', 'U0B', 'U0A']);
});

it('a failed publish still answers its callers and lets the next one start', async () => {
  const calls: string[] = [];
  const publisher = createHomePublisher(async (user) => {
    calls.push(user);
    if (calls.length === 1) throw new Error('views.publish failed');
  }, 1);

  await expect(publisher.schedule('U0A')).resolves.toBeUndefined();
  await expect(publisher.schedule('U0B')).resolves.toBeUndefined();
  expect(calls).toEqual(['U0A', 'U0B']);
});

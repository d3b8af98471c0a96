/**
 * The sweep's App Home refresh: the Home tabs a run's transitions concern are
 * collected while it works (homeRefresher.ts, `collecting`) and published at
 * the end, each user's once however many of their requests changed,
 * `concurrency` at a time, starting none after the run's time budget. Users
 * left over are published first by this process's next run (a user who opens
 * the tab meanwhile gets a fresh Home anyway).
 */
import type { HomeRefresher } from '../app/homeRefresher';
import { forEachLimited } from './forEachLimited';

export interface HomesPublished {
  published: number;
  /** left for the next run: the budget ran out */
  carried: number;
}

/** Wraps a sweep run: `run(work, inBudget)` resolves with work's result and what was published after it. */
export function createSweepHomes(homes: HomeRefresher | undefined, concurrency: number) {
  const carried = new Set<string>();

  return async function run<T>(work: () => Promise<T>, inBudget: () => boolean): Promise<{ result: T; homes: HomesPublished }> {
    if (!homes) return { result: await work(), homes: { published: 0, carried: 0 } };
    const { result, users } = await homes.collecting(work);
    const due = [...new Set([...carried, ...users])];
    carried.clear();
    const left = await forEachLimited(due, concurrency, (user) => homes.publish(user), inBudget);
    for (const user of left) carried.add(user);
    return { result, homes: { published: due.length - left.length, carried: left.length } };
  };
}

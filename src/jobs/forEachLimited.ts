/**
 * Runs `work` over `items` with at most `limit` at a time, in order of start;
 * resolves when all have finished (a failure of one never stops the others —
 * `work` handles its own errors). `shouldStart()` is asked before each item:
 * when it answers false (a time budget ran out), no further item starts and
 * the items not started are returned.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
  shouldStart: () => boolean = () => true,
): Promise<T[]> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && shouldStart()) {
      const item = items[next] as T;
      next += 1;
      await work(item).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return items.slice(next);
}

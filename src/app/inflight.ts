/**
 * Work started by Slack requests that outlives their acknowledgement (the
 * apply after a click, a Home publish after an event). Tracked so that a
 * graceful stop lets it finish before the clients it uses are closed; the
 * state in Firestore and the sweep finish whatever a hard stop interrupts.
 */
export interface Inflight {
  /** runs `work`, remembering it until it settles */
  track<A extends unknown[], R>(work: (...args: A) => Promise<R>): (...args: A) => Promise<R>;
  /** resolves once nothing tracked is running, or after `timeoutMs` */
  idle(timeoutMs: number): Promise<void>;
}

export function createInflight(): Inflight {
  const running = new Set<Promise<unknown>>();
  return {
    track(work) {
      return (...args) => {
        const promise = work(...args);
        running.add(promise);
        void promise.then(
          () => running.delete(promise),
          () => running.delete(promise),
        );
        return promise;
      };
    },
    async idle(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (running.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
        await Promise.race([Promise.allSettled([...running]), late]);
        clearTimeout(timer);
      }
    },
  };
}

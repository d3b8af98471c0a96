/**
 * App Home publishes, coalesced per user and bounded per process. A Home
 * publish reads up to a few hundred request documents (src/app/useCases/home.ts)
 * and calls views.publish; a burst of submissions used to start three of them
 * per request (the requester's and each approver's), all at once: 200
 * submissions at 50 in flight held ~3,000 gRPC calls and ~13,000 documents in
 * memory and pushed the acknowledgements past Slack's 3 s.
 *
 * `schedule(user)` asks for that user's Home to be published. For each user
 * at most one publish runs and at most one waits; a user asked for while one
 * of theirs waits shares it, and one asked for while one of theirs runs gets
 * exactly one more after it (that one reads the state after the request that
 * asked for it, since it starts later). At most `concurrency` publishes run
 * at once, started in the order users were first asked for. So every change
 * is shown (the last publish for a user starts after the last request for
 * it), and a burst costs one or two publishes per user instead of one per
 * transition per user.
 */

export interface HomePublisher {
  /**
   * Publishes `user`'s Home soon. Resolves once a publish that started after
   * this call has finished; never rejects (`publish` handles its own
   * failures: App Home is best effort).
   */
  schedule(user: string): Promise<void>;
}

interface Waiting {
  promise: Promise<void>;
  resolve: () => void;
}

function waiting(): Waiting {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** `publish` publishes one user's Home now; `concurrency` publishes run at most at once (≥ 1). */
export function createHomePublisher(publish: (user: string) => Promise<void>, concurrency: number): HomePublisher {
  const limit = Math.max(1, Math.floor(concurrency));
  /** users asked for and not started yet, in the order first asked for (a Map keeps insertion order) */
  const queued = new Map<string, Waiting>();
  const running = new Set<string>();

  function pump(): void {
    while (running.size < limit) {
      const next = [...queued.keys()].find((user) => !running.has(user));
      if (next === undefined) return;
      const entry = queued.get(next) as Waiting;
      queued.delete(next);
      running.add(next);
      void publish(next)
        .catch(() => undefined)
        .finally(() => {
          running.delete(next);
          entry.resolve();
          pump();
        });
    }
  }

  return {
    schedule(user) {
      let entry = queued.get(user);
      if (!entry) {
        entry = waiting();
        queued.set(user, entry);
      }
      pump();
      return entry.promise;
    },
  };
}

/**
 * One transaction at a time per request document, within this process.
 * Two Firestore transactions that read the same document and then both
 * write it wait on each other: each holds the read, neither can commit,
 * until Firestore refuses one with ABORTED and the client retries it after
 * its backoff (1 s, then 1.5 s… — @google-cloud/firestore backoff.ts). A
 * click on a request whose Slack messages this same process was recording
 * at that moment (the outbox's claim and delivered transactions) waited
 * ~3 s that way (the latency bench: revoke → binding removed 2.8 s p50; 63
 * ms once the messages had settled). Queued here instead, in the order they
 * were asked for, each waits only for the transactions before it on the same
 * documents. Transactions of other processes still contend as before
 * (Firestore's retries resolve them).
 */

/** Runs transactions on request documents one after another per document (see above). */
export type DocumentTurns = <T>(ids: readonly string[], work: () => Promise<T>) => Promise<T>;

export function createDocumentTurns(): DocumentTurns {
  /** per document id: the turn of the last transaction asked for on it (removed once it is over and nobody follows) */
  const last = new Map<string, Promise<void>>();
  return async function inTurn<T>(ids: readonly string[], work: () => Promise<T>): Promise<T> {
    const documents = [...new Set(ids)];
    let done!: () => void;
    const turn = new Promise<void>((resolve) => (done = resolve));
    // Taken synchronously, in call order: each waits only for turns asked for before it, so no two wait on each other.
    const before = documents.map((id) => last.get(id) ?? Promise.resolve());
    for (const id of documents) last.set(id, turn);
    await Promise.all(before);
    try {
      return await work();
    } finally {
      done();
      for (const id of documents) if (last.get(id) === turn) last.delete(id);
    }
  };
}

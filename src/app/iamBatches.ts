/**
 * One IAM read-modify-write per service for work done together. The sweep
 * ends a service's due grants with `together(service, tasks)`: every task is
 * one request's own run (its claim, its revert, its end — each in its own
 * Firestore transaction, under its own lease), and every `removeBinding` those
 * runs make on that service is gathered and sent to the adapter as ONE
 * `removeBindings` call (one GetIamPolicy, one SetIamPolicy, etag retries
 * redo the whole of it). Each run still gets its own answer — removed,
 * absent, foreign, or its own lease-lost error — exactly as if it had called
 * alone.
 *
 * The batch is found through an AsyncLocalStorage context set by `together`,
 * so the runner and the kind handlers stay as they are: the wiring gives the
 * handlers a `batchingIam` port, and a call made outside `together`, or on
 * another resource, goes straight to the adapter. The batch is written once
 * every task has either asked for its removal or finished without asking
 * (claimed by another sweep, nothing due, failed).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { BindingRemoval, IamPolicyPort, RemovalResult } from '../ports';

interface Batch {
  resource: string;
  expected: number;
  /** tasks that asked for their removal or finished without asking */
  settled: number;
  /** the adapter of the first removal that joined (every joining port wraps the same one) */
  inner?: IamPolicyPort | undefined;
  removals: BindingRemoval[];
  answers: Array<{ resolve: (result: RemovalResult) => void; reject: (error: unknown) => void }>;
}

interface Participant {
  batch: Batch;
  /** asked for its removal, or left the batch without asking: counted as settled */
  joined: boolean;
}

const context = new AsyncLocalStorage<Participant>();

function settle(batch: Batch): void {
  batch.settled += 1;
  if (batch.settled < batch.expected || !batch.inner || batch.removals.length === 0) return;
  const { removals, answers } = batch;
  batch.inner.removeBindings(batch.resource, removals).then(
    (results) => results.forEach((result, i) => answers[i]?.resolve(result)),
    (error: unknown) => answers.forEach((answer) => answer.reject(error)),
  );
}

/** The IAM port to give the kind handlers: a `removeBinding` inside `together` on its resource joins the batch. */
export function batchingIam(inner: IamPolicyPort): IamPolicyPort {
  return {
    addBinding: (...args) => inner.addBinding(...args),
    replaceBinding: (...args) => inner.replaceBinding(...args),
    getBindings: (...args) => inner.getBindings(...args),
    removeBindings: (...args) => inner.removeBindings(...args),
    async removeBinding(resource, binding, beforeWrite) {
      const participant = context.getStore();
      if (!participant || participant.joined || participant.batch.resource !== resource) {
        return inner.removeBinding(resource, binding, beforeWrite);
      }
      participant.joined = true;
      const { batch } = participant;
      batch.inner ??= inner;
      const answer = new Promise<RemovalResult>((resolve, reject) => {
        batch.removals.push({ binding, beforeWrite });
        batch.answers.push({ resolve, reject });
      });
      settle(batch);
      const result = await answer;
      if (!result.ok) throw result.error;
      return result.change;
    },
  };
}

/**
 * Called by the runner once a request's Google work is over and only Slack
 * work (outbox delivery, App Home) remains: a task that asked for no removal
 * settles now, so one request's slow Slack never holds back the IAM write
 * that ends the other due grants on its service (Google first, Slack after).
 * A no-op outside `together` or for a task that already joined; a removal the
 * task still makes afterwards goes straight to the adapter (its own
 * read-modify-write), never into a batch already written.
 */
export function leaveBatch(): void {
  const participant = context.getStore();
  if (!participant || participant.joined) return;
  participant.joined = true;
  settle(participant.batch);
}

/**
 * Runs the tasks concurrently; the removals they make on `resource` through a
 * `batchingIam` port are written as one read-modify-write. Resolves with every
 * task's outcome once all have finished.
 */
export function together<T>(resource: string, tasks: ReadonlyArray<() => Promise<T>>): Promise<Array<PromiseSettledResult<T>>> {
  const batch: Batch = { resource, expected: tasks.length, settled: 0, removals: [], answers: [] };
  return Promise.allSettled(
    tasks.map((task) => {
      const participant: Participant = { batch, joined: false };
      return context.run(participant, task).finally(() => {
        if (!participant.joined) {
          participant.joined = true;
          settle(batch);
        }
      });
    }),
  );
}

/**
 * One IAM read-modify-write per service for the sweep's due grants. The
 * sweep ends a service's due grants together (their claims in one Firestore
 * transaction, their ends in another, each request under its own lease) and
 * gives every request's revert a seat in one batch:
 *
 *   sweep's endTogether (src/jobs) → createRemovalBatch(iam, service, n) → a seat per request
 *     → runner.runTogether(claims, seats) → the kind's revert(…, seat)
 *     → seat.removeBinding(…)
 *
 * Every removal the seats ask for is sent to the adapter as ONE
 * `removeBindings` call (one GetIamPolicy, one SetIamPolicy; etag retries
 * redo the whole of it), once every seat has either asked or left. Each run
 * still gets its own answer — removed, absent, foreign, or its own
 * lease-lost error — exactly as if it had called alone. Nothing is implicit:
 * a run without a seat writes alone.
 */
import type { BeforeWrite, BindingChange, BindingRemoval, IamPolicyPort, RemovalResult } from '../ports';
import type { IamBinding } from '../domain/iamBinding';

/** One request's place in a batch of removals on one resource. */
export interface RemovalSeat {
  /** the resource whose removals the batch writes together */
  readonly resource: string;
  /**
   * Asks for this removal in the batch (`beforeWrite` runs right before the
   * one SetIamPolicy) and answers as IamPolicyPort.removeBinding would. A
   * second removal from the same seat, or one on another resource, is not
   * batched: it goes to the adapter alone.
   */
  removeBinding(resource: string, binding: IamBinding, beforeWrite: BeforeWrite): Promise<BindingChange<'removed'>>;
  /**
   * This request's Google work is over (with or without a removal): the
   * batch no longer waits for it, so one request's slow Slack never holds
   * back the write that ends the others. Idempotent.
   */
  leave(): void;
}

/**
 * `size` seats in one batch of removals on `resource`, written through `iam`
 * once every seat has asked for its removal or left.
 */
export function createRemovalBatch(iam: IamPolicyPort, resource: string, size: number): RemovalSeat[] {
  let settled = 0;
  const removals: BindingRemoval[] = [];
  const answers: Array<{ resolve: (result: RemovalResult) => void; reject: (error: unknown) => void }> = [];

  function settle(): void {
    settled += 1;
    if (settled < size || removals.length === 0) return;
    iam.removeBindings(resource, removals).then(
      (results) => results.forEach((result, i) => answers[i]?.resolve(result)),
      (error: unknown) => answers.forEach((answer) => answer.reject(error)),
    );
  }

  return Array.from({ length: size }, (): RemovalSeat => {
    let seated = true;
    return {
      resource,
      async removeBinding(target, binding, beforeWrite) {
        if (!seated || target !== resource) return iam.removeBinding(target, binding, beforeWrite);
        seated = false;
        const answer = new Promise<RemovalResult>((resolve, reject) => {
          removals.push({ binding, beforeWrite });
          answers.push({ resolve, reject });
        });
        settle();
        const result = await answer;
        if (!result.ok) throw result.error;
        return result.change;
      },
      leave() {
        if (!seated) return;
        seated = false;
        settle();
      },
    };
  });
}

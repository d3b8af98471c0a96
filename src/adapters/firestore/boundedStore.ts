/**
 * Every Firestore call with a deadline: the request store, the delivery
 * ledger of slash commands, the posture findings — every port backed by
 * Firestore goes through `boundPort`. The Firestore client retries
 * UNAVAILABLE for minutes; a slash command must not wait that long (an
 * unreachable Firestore left a command with no answer and no log line for 8
 * minutes). Past the deadline the call is abandoned with
 * runwarden_database_unavailable, whose text tells the person nothing was
 * changed. (A transaction whose commit was already on the wire may still
 * land; it is then a complete, audited transition like any other, and the
 * sweep carries on from it.)
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import type { RequestStore } from '../../ports';

export const DATABASE_UNAVAILABLE = 'runwarden cannot reach its database; nothing was changed — try again.';

function bounded<T>(what: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new WardenError(ErrorCode.DatabaseUnavailable, DATABASE_UNAVAILABLE, `Firestore ${what} did not answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
  });
  const pending = call();
  pending.catch(() => undefined); // an abandoned call may still fail later: that is not an unhandled rejection
  return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
}

/** A port whose every member is an async method (what Firestore-backed ports are). */
type AsyncPort<P> = { [K in keyof P]: P[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never };

/**
 * Wraps every method of `port` so that each call fails after `timeoutMs`
 * (milliseconds) with runwarden_database_unavailable; `name` names the port
 * in the operator's message ("Firestore deliveries.claim did not answer…").
 */
export function boundPort<P extends AsyncPort<P>>(port: P, name: string, timeoutMs: number): P {
  const wrapped: Record<string, unknown> = {};
  for (const key of Object.keys(port) as Array<keyof P & string>) {
    const method = port[key] as unknown as (...args: unknown[]) => Promise<unknown>;
    wrapped[key] = (...args: unknown[]) => bounded(`${name}.${key}`, timeoutMs, () => method.apply(port, args));
  }
  return wrapped as P;
}

/** Wraps a RequestStore so that each of its calls fails after `timeoutMs` (milliseconds). */
export function createBoundedStore(store: RequestStore, timeoutMs: number): RequestStore {
  return boundPort(store, 'requests', timeoutMs);
}

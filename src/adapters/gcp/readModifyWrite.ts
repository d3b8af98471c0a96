/**
 * The retry loop of every read-modify-write runwarden makes on Google (an IAM
 * policy, a Cloud Run service): read, decide from what was read, write with
 * the etag that was read. When someone else wrote in between, Google answers
 * ABORTED (or FAILED_PRECONDITION naming the etag), and the WHOLE
 * read-modify-write is redone — never the write alone — with full-jitter
 * exponential backoff, up to a bounded number of attempts.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import type { Logger } from '../../ports';
import { GrpcCode, googleMessage, grpcCode, toWardenError } from './grpcErrors';

export interface RetryOptions {
  /** attempts before giving up with runwarden_conflict */
  maxAttempts: number;
  /** attempt n waits random() * min(maxDelayMs, baseDelayMs * 2^n) */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  log?: Logger | undefined;
}

/** The knobs adapters expose in their deps (each optional), with the defaults they fall back to. */
export interface RetryDeps {
  /** read-modify-write attempts before giving up with ErrorCode.Conflict (default 8) */
  maxAttempts?: number | undefined;
  /** backoff base: attempt n waits random() * min(maxDelayMs, baseDelayMs * 2^n) (default 100) */
  baseDelayMs?: number | undefined;
  /** backoff cap (default 5000) */
  maxDelayMs?: number | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
  log?: Logger | undefined;
}

export function retryOptions(deps: RetryDeps): RetryOptions {
  return {
    maxAttempts: Math.max(1, deps.maxAttempts ?? 8),
    baseDelayMs: deps.baseDelayMs ?? 100,
    maxDelayMs: deps.maxDelayMs ?? 5_000,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: deps.random ?? Math.random,
    log: deps.log,
  };
}

/**
 * ABORTED, a FAILED_PRECONDITION about the etag or concurrency, or
 * UNAVAILABLE: the resource changed (or Google could not answer) between the
 * read and the write. Any other FAILED_PRECONDITION is a real refusal.
 */
export function isConcurrentChange(error: unknown): boolean {
  const code = grpcCode(error);
  if (code === GrpcCode.Aborted || code === GrpcCode.Unavailable) return true;
  return code === GrpcCode.FailedPrecondition && /etag|concurren/i.test(googleMessage(error));
}

/**
 * Runs `readModifyWrite` again on a concurrent change, with full-jitter
 * exponential backoff. A WardenError thrown inside (a lease lost, a refusal)
 * ends the loop as it is; another gRPC error becomes a WardenError about
 * `what`; after `maxAttempts` concurrent changes: runwarden_conflict.
 */
export async function withEtagRetry<T>(what: string, options: RetryOptions, readModifyWrite: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < options.maxAttempts; attempt++) {
    try {
      return await readModifyWrite();
    } catch (error) {
      if (error instanceof WardenError) throw error;
      if (!isConcurrentChange(error)) throw toWardenError(error, what);
      lastError = error;
      if (attempt + 1 === options.maxAttempts) break;
      const delayMs = options.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
      options.log?.warn(`${what} changed concurrently; retrying the read-modify-write`, {
        what,
        attempt: attempt + 1,
        delayMs: Math.round(delayMs),
        google: googleMessage(error),
      });
      await options.sleep(delayMs);
    }
  }
  throw new WardenError(
    ErrorCode.Conflict,
    `${what} kept changing while runwarden was editing it (${options.maxAttempts} attempts); please try again shortly.`,
    `${what}: gave up after ${options.maxAttempts} attempts; last error: ${googleMessage(lastError)}`,
    { cause: lastError },
  );
}

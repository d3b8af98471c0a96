/**
 * The Slack directory (user-group members, profile emails) with a short
 * memory, so that a burst of requests does not ask Slack once per request:
 * usergroups.users.list is a Tier 2 method (about 20 calls a minute), and one
 * submission looks up the groups of the requesters, the approvers and
 * auto-approval (https://docs.slack.dev/apis/web-api/rate-limits).
 *
 * - An answer is reused for `ttlSeconds` (default 30): a person added to or
 *   removed from a user group, or whose profile email changes, is seen by
 *   runwarden within that time. Failures are never remembered.
 * - Lookups of one key in flight at once share one call.
 * - After Slack rate-limited a method (HTTP 429, Retry-After N), that method
 *   is not called again for N seconds: lookups fail at once with a
 *   RateLimitedError carrying the time left — unless what is left is short
 *   enough to wait out (`maxWaitSeconds`, default 2: interactive paths answer
 *   within Slack's 3 seconds), in which case the lookup waits, then asks.
 */
import { RateLimitedError, lookupRateLimited } from '../../domain/errors';
import type { Clock, DirectoryPort } from '../../ports';

export interface CachingDirectoryOptions {
  clock: Clock;
  /** how long an answer is reused, in seconds (default 30) */
  ttlSeconds?: number | undefined;
  /** a rate limit with at most this many seconds left is waited out (default 2) */
  maxWaitSeconds?: number | undefined;
  /** answers kept at most (oldest forgotten first; default 10 000) */
  maxEntries?: number | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

type Method = 'membersOf' | 'emailOf';

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

export function createCachingDirectory(directory: DirectoryPort, options: CachingDirectoryOptions): DirectoryPort {
  const ttlMs = (options.ttlSeconds ?? 30) * 1000;
  const maxWaitMs = (options.maxWaitSeconds ?? 2) * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = (): number => options.clock.now().getTime();
  const entries = new Map<string, Entry<unknown>>();
  const limitedUntil = new Map<Method, { until: number; error: RateLimitedError }>();

  /** Waits out a short rate limit on `method`; throws one still too long to wait for. */
  async function respectLimit(method: Method): Promise<void> {
    const limit = limitedUntil.get(method);
    if (!limit) return;
    const left = limit.until - now();
    if (left <= 0) return void limitedUntil.delete(method);
    if (left > maxWaitMs) {
      const seconds = Math.ceil(left / 1000);
      throw lookupRateLimited(seconds, `${limit.error.operatorMessage} (not asked again for ${seconds} s)`);
    }
    await sleep(left);
  }

  async function ask<T>(method: Method, call: () => Promise<T>): Promise<T> {
    await respectLimit(method);
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      limitedUntil.set(method, { until: now() + error.retryAfterSeconds * 1000, error });
      if (error.retryAfterSeconds * 1000 > maxWaitMs) throw error;
      await sleep(error.retryAfterSeconds * 1000);
      return call();
    }
  }

  function cached<T>(method: Method, key: string, call: () => Promise<T>): Promise<T> {
    const id = `${method}:${key}`;
    const found = entries.get(id) as Entry<T> | undefined;
    if (found && now() - found.at < ttlMs) return found.value;
    const value = ask(method, call);
    entries.delete(id);
    entries.set(id, { at: now(), value });
    // a failure is not remembered
    value.catch(() => {
      if (entries.get(id)?.value === value) entries.delete(id);
    });
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    return value;
  }

  return {
    emailOf: (user) => cached('emailOf', user, () => directory.emailOf(user)),
    // a copy each time: a caller's change never reaches the cache
    membersOf: (group) => cached('membersOf', group, () => directory.membersOf(group)).then((members) => [...members]),
  };
}

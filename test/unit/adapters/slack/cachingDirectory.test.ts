/**
 * The directory's short memory (src/adapters/slack/cachingDirectory.ts): what
 * is reused and for how long, what is never remembered, and how a Slack rate
 * limit is respected. The inner directory here is a recording stand-in for
 * the DirectoryPort (the Slack adapter itself is driven against the Slack
 * stand-in in test/integration/faults/slackRateLimits.test.ts).
 */
import { createCachingDirectory } from '../../../../src/adapters/slack/cachingDirectory';
import { ErrorCode, RateLimitedError, WardenError } from '../../../../src/domain/errors';
import type { DirectoryPort } from '../../../../src/ports';

function recording(
  answers: { members?: (group: string) => Promise<string[]>; email?: (user: string) => Promise<string | undefined> } = {},
) {
  const calls: string[] = [];
  const directory: DirectoryPort = {
    async membersOf(group) {
      calls.push(`membersOf ${group}`);
      return answers.members ? answers.members(group) : ['U1', 'U2'];
    },
    async emailOf(user) {
      calls.push(`emailOf ${user}`);
      return answers.email ? answers.email(user) : `${user.toLowerCase()}@acme.example`;
    },
  };
  return { directory, calls };
}

function clock(start = Date.parse('2026-12-06T00:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (seconds: number) => void (now += seconds * 1000) };
}

describe('caching directory', () => {
  it('reuses an answer for the TTL, then asks again', async () => {
    const { directory, calls } = recording();
    const time = clock();
    const cached = createCachingDirectory(directory, { clock: time, ttlSeconds: 30 });
    await cached.membersOf('S1');
    await cached.membersOf('S1');
    await cached.emailOf('U1');
    time.advance(29);
    await cached.membersOf('S1');
    expect(calls).toEqual(['membersOf S1', 'emailOf U1']);
    time.advance(1);
    await cached.membersOf('S1');
    expect(calls).toEqual(['membersOf S1', 'emailOf U1', 'membersOf S1']);
  });

  it('lookups of one key at the same time share one call; different keys do not', async () => {
    const { directory, calls } = recording();
    const cached = createCachingDirectory(directory, { clock: clock() });
    await Promise.all([cached.membersOf('S1'), cached.membersOf('S1'), cached.membersOf('S2'), cached.emailOf('U1'), cached.emailOf('U1')]);
    expect(calls.sort()).toEqual(['emailOf U1', 'membersOf S1', 'membersOf S2']);
  });

  it('never remembers a failure', async () => {
    let fail = true;
    const { directory, calls } = recording({
      members: async () => {
        if (fail) throw new WardenError(ErrorCode.Upstream, 'no');
        return ['U1'];
      },
    });
    const cached = createCachingDirectory(directory, { clock: clock() });
    await expect(cached.membersOf('S1')).rejects.toMatchObject({ code: ErrorCode.Upstream });
    fail = false;
    await expect(cached.membersOf('S1')).resolves.toEqual(['U1']);
    expect(calls).toEqual(['membersOf S1', 'membersOf S1']);
  });

  it('remembers "no email" (Slack said the user has none) like any answer', async () => {
    const { directory, calls } = recording({ email: async () => undefined });
    const cached = createCachingDirectory(directory, { clock: clock() });
    expect(await cached.emailOf('U9')).toBeUndefined();
    expect(await cached.emailOf('U9')).toBeUndefined();
    expect(calls).toEqual(['emailOf U9']);
  });

  it('hands out copies: a caller changing its list changes nothing for the next', async () => {
    const { directory } = recording();
    const cached = createCachingDirectory(directory, { clock: clock() });
    (await cached.membersOf('S1')).push('U666');
    expect(await cached.membersOf('S1')).toEqual(['U1', 'U2']);
  });

  it('a long rate limit is not waited for, and the method is not called again until its Retry-After has passed', async () => {
    const time = clock();
    let limited = true;
    const { directory, calls } = recording({
      members: async () => {
        if (limited)
          throw new RateLimitedError(
            20,
            'usergroups.users.list: rate limited, Retry-After 20',
            'Slack is rate-limiting runwarden; try again in about 20 s.',
          );
        return ['U1'];
      },
    });
    const sleeps: number[] = [];
    const cached = createCachingDirectory(directory, { clock: time, sleep: async (ms) => void sleeps.push(ms) });
    await expect(cached.membersOf('S1')).rejects.toBeInstanceOf(RateLimitedError);
    time.advance(5);
    const early = cached.membersOf('S2');
    await expect(early).rejects.toMatchObject({ retryAfterSeconds: 15 });
    await expect(early).rejects.toMatchObject({ userMessage: expect.stringContaining('try again in about 15 s') });
    expect(calls).toEqual(['membersOf S1']); // S2 was never asked
    expect(sleeps).toEqual([]);

    limited = false;
    time.advance(14); // one second left: waited out
    await expect(cached.membersOf('S2')).resolves.toEqual(['U1']);
    expect(sleeps).toEqual([1000]);
  });

  it('a short rate limit is waited out once, then asked again', async () => {
    let answers = 0;
    const { directory, calls } = recording({
      members: async () => {
        answers += 1;
        if (answers === 1) throw new RateLimitedError(1, 'rate limited, Retry-After 1');
        return ['U1'];
      },
    });
    const sleeps: number[] = [];
    const cached = createCachingDirectory(directory, { clock: clock(), sleep: async (ms) => void sleeps.push(ms) });
    await expect(cached.membersOf('S1')).resolves.toEqual(['U1']);
    expect(sleeps).toEqual([1000]);
    expect(calls).toEqual(['membersOf S1', 'membersOf S1']);
  });

  it('keeps at most maxEntries answers, forgetting the oldest first', async () => {
    const { directory, calls } = recording();
    const cached = createCachingDirectory(directory, { clock: clock(), maxEntries: 2 });
    await cached.emailOf('U1');
    await cached.emailOf('U2');
    await cached.emailOf('U3');
    await cached.emailOf('U1');
    expect(calls).toEqual(['emailOf U1', 'emailOf U2', 'emailOf U3', 'emailOf U1']);
  });
});

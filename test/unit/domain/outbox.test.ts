/**
 * The outbox, pure: what a transition owes Slack is written with it; an entry
 * is claimed before it is sent (one holder at a time, a lapsed claim taken
 * over), removed once delivered (a posted message recorded), rescheduled
 * after Slack's Retry-After or a backoff, dropped on a permanent error or
 * after too many attempts — and `outboxDueAt` always tells the sweep when to
 * look next. One plain-English line per case.
 */
import { ErrorCode } from '../../../src/domain/errors';
import { DELIVERY_LIMITS, backoffSeconds, dueDeliveries, enqueue, outboxDueAt } from '../../../src/domain/outbox';
import { obsoleteNotice } from '../../../src/domain/obsoleteNotice';
import type { AccessRequest } from '../../../src/domain/request';
import { transition, type TransitionOutcome } from '../../../src/domain/stateMachine';

const T0 = new Date('2026-11-22T12:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const MESSAGE = { channel: 'C0APPROVALS', ts: '1700000000.000100' };

function request(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'abcdefghjk',
    kind: 'invoker',
    status: 'active',
    requester: 'U0ALICE',
    target: 'projects/acme-prod/locations/us-central1/services/hello',
    reason: 'INC-1 prod down',
    createdAt: T0,
    updatedAt: T0,
    approvals: [{ approver: 'U0BOB', at: T0 }],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 1,
    channel: 'C0APPROVALS',
    message: MESSAGE,
    durationSeconds: 3600,
    appliedAt: T0,
    expiresAt: at(3600),
    role: 'roles/run.invoker',
    member: 'user:alice@acme.example',
    ...overrides,
  };
}

function ok(outcome: TransitionOutcome): Extract<TransitionOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected a transition, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}

/** An expired request owing its message refresh and the requester's DM, as the `reverted` transition leaves it. */
function expired(): AccessRequest {
  const claimed = ok(transition(request(), { type: 'claim_revert', maxAttempts: 5, holder: 'h1', leaseUntil: at(3900) }, at(3600)));
  return ok(transition(claimed.next, { type: 'reverted', holder: 'h1', detail: {} }, at(3601))).next;
}

const claim = (delivery: string, holder: string, until: Date) => ({ type: 'claim_delivery', delivery, holder, until }) as const;

describe('a transition writes its Slack effects to the outbox', () => {
  it('expiry owes the message refresh and the requester DM, due at once, with the transition', () => {
    const next = expired();
    expect(next.status).toBe('expired');
    expect(next.outbox).toEqual([
      { id: 'd1', type: 'refresh_message', enqueuedAt: at(3601), notBefore: at(3601), attempts: 0 },
      { id: 'd2', type: 'notify_requester', notice: 'expired', enqueuedAt: at(3601), notBefore: at(3601), attempts: 0 },
    ]);
    expect(next.outboxDueAt).toEqual(at(3601));
    expect(next.outboxSeq).toBe(2);
  });

  it('Google work (apply, revert, extend) is not Slack work: a claimed revert owes nothing yet', () => {
    const claimed = ok(transition(request(), { type: 'claim_revert', maxAttempts: 5, holder: 'h1', leaseUntil: at(3900) }, at(3600)));
    expect(claimed.effects).toEqual([{ type: 'revert' }]);
    expect(claimed.next.outbox).toBeUndefined();
    expect(claimed.next.outboxDueAt).toBeUndefined();
  });

  it('a refresh already waiting is not queued twice (it is drawn from the state at delivery)', () => {
    const once = enqueue(request(), [{ type: 'refresh_message' }], at(1));
    const twice = enqueue(once, [{ type: 'refresh_message' }, { type: 'notify_requester', notice: 'revoked' }], at(2));
    expect(twice.outbox?.map((d) => d.type)).toEqual(['refresh_message', 'notify_requester']);
    expect(twice.outbox?.map((d) => d.id)).toEqual(['d1', 'd2']);
  });

  it('a refresh being sent right now does not stand for a newer state: another is queued', () => {
    const once = enqueue(request(), [{ type: 'refresh_message' }], at(1));
    const sending = ok(transition(once, claim('d1', 'h1', at(181)), at(1))).next;
    const again = enqueue(sending, [{ type: 'refresh_message' }], at(2));
    expect(again.outbox?.map((d) => d.id)).toEqual(['d1', 'd2']);
  });

  it('refreshes of one message go one at a time: the newer waits (not due, not claimable) until the one in flight is done or its claim lapses', () => {
    const once = enqueue(request(), [{ type: 'refresh_message' }], at(1));
    const sending = ok(transition(once, claim('d1', 'h1', at(181)), at(1))).next;
    const again = enqueue(sending, [{ type: 'refresh_message' }, { type: 'notify_requester', notice: 'applied' }], at(2));
    expect(dueDeliveries(again, at(2)).map((d) => d.id)).toEqual(['d3']);
    expect(transition(again, claim('d2', 'h2', at(182)), at(2))).toMatchObject({ ok: false, error: { code: ErrorCode.Conflict } });
    expect(outboxDueAt(again.outbox?.filter((d) => d.id !== 'd3') ?? [], at(2))).toEqual(at(181));
    expect(dueDeliveries(again, at(181)).map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
    const done = ok(transition(again, { type: 'delivered', delivery: 'd1', holder: 'h1', work: { type: 'refresh_message' } }, at(3))).next;
    expect(dueDeliveries(done, at(3)).map((d) => d.id)).toEqual(['d2', 'd3']);
  });

  it('ids are never reused, even after the outbox emptied', () => {
    const first = enqueue(request(), [{ type: 'notify_requester', notice: 'applied' }], at(1));
    const delivered = ok(
      transition(first, { type: 'delivered', delivery: 'd1', holder: 'h1', work: { type: 'notify_requester', notice: 'applied' } }, at(2)),
    ).next;
    expect(delivered.outbox).toBeUndefined();
    expect(enqueue(delivered, [{ type: 'notify_requester', notice: 'expiring' }], at(3)).outbox?.[0]?.id).toBe('d2');
  });

  it('reminders are owed only when due: of two sweeps at once, one records it', () => {
    const pending = request({ status: 'pending', approvals: [], appliedAt: undefined, expiresAt: undefined });
    const event = { type: 'reminded', remindAfterSeconds: 3600 } as const;
    expect(transition(pending, event, at(3599))).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidState } });
    const first = ok(transition(pending, event, at(3600)));
    expect(first.next.outbox).toMatchObject([{ type: 'remind_approvers' }]);
    expect(transition(first.next, event, at(3600))).toMatchObject({ ok: false });
  });
});

describe('claims', () => {
  it('one holder at a time: a second claim is refused while the first is live', () => {
    const claimed = ok(transition(expired(), claim('d1', 'h1', at(3781)), at(3601)));
    expect(claimed.unaudited).toBe(true);
    expect(claimed.next.updatedAt).toEqual(at(3601));
    expect(transition(claimed.next, claim('d1', 'h2', at(3800)), at(3700))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.Conflict },
    });
  });

  it('a lapsed claim (its holder died) is taken over, and outboxDueAt says when it lapses', () => {
    const claimed = ok(transition(expired(), claim('d1', 'h1', at(3781)), at(3601))).next;
    const onlyD1 = { ...claimed, outbox: claimed.outbox?.filter((d) => d.id === 'd1') };
    expect(outboxDueAt(onlyD1.outbox ?? [], at(3601))).toEqual(at(3781));
    expect(dueDeliveries(onlyD1, at(3700))).toEqual([]);
    const taken = ok(transition(onlyD1, claim('d1', 'h2', at(3961)), at(3781)));
    expect(taken.next.outbox?.[0]?.claim).toEqual({ holder: 'h2', until: at(3961), stateAt: onlyD1.updatedAt });
  });

  it('an entry not due yet, or already delivered, cannot be claimed', () => {
    const waiting = enqueue(request(), [], at(0));
    expect(transition(waiting, claim('d1', 'h1', at(200)), at(10))).toMatchObject({ ok: false });
    const later = { ...expired(), outbox: expired().outbox?.map((d) => ({ ...d, notBefore: at(4000) })) };
    expect(transition(later, claim('d1', 'h1', at(3800)), at(3700))).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidState } });
  });
});

describe('delivered', () => {
  it('removes the entry, audited; outboxDueAt goes once the outbox is empty', () => {
    let state = expired();
    for (const d of ['d1', 'd2']) {
      state = ok(transition(state, claim(d, 'h1', at(3781)), at(3601))).next;
      const done = ok(transition(state, { type: 'delivered', delivery: d, holder: 'h1', work: { type: 'refresh_message' } }, at(3602)));
      expect(done.event).toMatchObject({ action: 'delivered', detail: { delivery: d } });
      expect(done.unaudited).toBeUndefined();
      state = done.next;
    }
    expect(state.outbox).toBeUndefined();
    expect(state.outboxDueAt).toBeUndefined();
  });

  it('an approval message post records the message; a second post (after a lapsed claim) keeps the first and is audited', () => {
    const pending = enqueue(request({ status: 'pending', message: undefined, approvals: [] }), [{ type: 'post_message' }], at(0));
    const claimed = ok(transition(pending, claim('d1', 'h1', at(180)), at(0))).next;
    const work = { type: 'post_message' } as const;
    const posted = ok(transition(claimed, { type: 'delivered', delivery: 'd1', holder: 'h1', work, posted: MESSAGE }, at(1)));
    expect(posted.next.message).toEqual(MESSAGE);
    expect(posted.event.action).toBe('message_posted');
    const twice = ok(
      transition(
        posted.next,
        { type: 'delivered', delivery: 'd1', holder: 'h2', work, posted: { channel: 'C0APPROVALS', ts: '2.0' } },
        at(2),
      ),
    );
    expect(twice.next.message).toEqual(MESSAGE);
    expect(twice.event).toMatchObject({ action: 'message_posted_twice', detail: { kept: MESSAGE.ts } });
  });

  it('a refresh drawn from a state the request has moved on from since its claim queues another refresh, once', () => {
    const once = enqueue(request(), [{ type: 'refresh_message' }], at(1));
    const sending = ok(transition(once, claim('d1', 'h1', at(181)), at(1))).next;
    const moved = { ...sending, updatedAt: at(5) };
    const done = ok(transition(moved, { type: 'delivered', delivery: 'd1', holder: 'h1', work: { type: 'refresh_message' } }, at(6))).next;
    expect(done.outbox?.map((d) => [d.id, d.type])).toEqual([['d2', 'refresh_message']]);
    const queuedMeanwhile = enqueue(moved, [{ type: 'refresh_message' }], at(5));
    const once2 = ok(
      transition(queuedMeanwhile, { type: 'delivered', delivery: 'd1', holder: 'h1', work: { type: 'refresh_message' } }, at(6)),
    ).next;
    expect(once2.outbox?.map((d) => d.id)).toEqual(['d2']);
    const unchanged = ok(
      transition(sending, { type: 'delivered', delivery: 'd1', holder: 'h1', work: { type: 'refresh_message' } }, at(6)),
    ).next;
    expect(unchanged.outbox).toBeUndefined();
  });

  it('a refresh sent by a holder whose claim lapsed (it may have drawn an older state) queues another refresh', () => {
    const claimed = ok(transition(expired(), claim('d1', 'h1', at(3781)), at(3601))).next;
    const taken = ok(transition(claimed, claim('d1', 'h2', at(3962)), at(3782))).next;
    const late = ok(transition(taken, { type: 'delivered', delivery: 'd1', holder: 'h1', work: { type: 'refresh_message' } }, at(3790)));
    expect(late.next.outbox?.filter((d) => d.type === 'refresh_message').map((d) => d.id)).toEqual(['d3']);
  });
});

describe('delivery_failed', () => {
  const failed = (state: AccessRequest, extra: { retryAfterSeconds?: number; permanent?: boolean } = {}, now = at(3602)) =>
    transition(
      state,
      { type: 'delivery_failed', delivery: 'd2', holder: 'h1', error: 'chat.postMessage failed', permanent: false, ...extra },
      now,
    );
  const claimedD2 = (state: AccessRequest, now = at(3601)) =>
    ok(transition(state, claim('d2', 'h1', new Date(now.getTime() + 180_000)), now)).next;

  it('HTTP 429: not before Retry-After, and not counted as a failed attempt', () => {
    const out = ok(failed(claimedD2(expired()), { retryAfterSeconds: 120 }));
    const d2 = out.next.outbox?.find((d) => d.id === 'd2');
    expect(d2).toMatchObject({ attempts: 0, notBefore: at(3722), lastError: 'chat.postMessage failed' });
    expect(d2?.claim).toBeUndefined();
    expect(out.unaudited).toBe(true);
    expect(dueDeliveries(out.next, at(3721)).map((d) => d.id)).toEqual(['d1']);
    expect(dueDeliveries(out.next, at(3722)).map((d) => d.id)).toEqual(['d1', 'd2']);
  });

  it('other failures back off exponentially: at once, then 60 s doubling up to 30 min', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(backoffSeconds)).toEqual([0, 60, 120, 240, 480, 960, 1800, 1800]);
    const out = ok(failed(claimedD2(expired())));
    expect(out.next.outbox?.find((d) => d.id === 'd2')).toMatchObject({ attempts: 1, notBefore: at(3602) });
  });

  it(`dropped after ${DELIVERY_LIMITS.maxAttempts} failed attempts, audited`, () => {
    const worn = { ...expired(), outbox: expired().outbox?.map((d) => ({ ...d, attempts: DELIVERY_LIMITS.maxAttempts - 1 })) };
    const out = ok(failed(claimedD2(worn)));
    expect(out.next.outbox?.map((d) => d.id)).toEqual(['d1']);
    expect(out.event).toMatchObject({
      action: 'delivery_dropped',
      detail: { delivery: 'd2', type: 'notify_requester', notice: 'expired', why: 'too_many_attempts' },
    });
    expect(out.unaudited).toBeUndefined();
  });

  it('dropped at once on a permanent Slack error, and when older than a day', () => {
    expect(ok(failed(claimedD2(expired()), { permanent: true })).event.detail).toMatchObject({ why: 'permanent_error' });
    const dayLater = at(3601 + DELIVERY_LIMITS.maxAgeSeconds);
    expect(ok(failed(claimedD2(expired(), dayLater), {}, dayLater)).event.detail).toMatchObject({ why: 'too_old' });
  });

  it('Retry-After is honoured up to DELIVERY_LIMITS.retryAfterMaxSeconds (a year-long one waits 30 min); one that is no number of seconds counts as a failure', () => {
    const year = ok(failed(claimedD2(expired()), { retryAfterSeconds: 365 * 24 * 3600 }));
    expect(year.next.outbox?.find((d) => d.id === 'd2')).toMatchObject({
      attempts: 0,
      notBefore: at(3602 + DELIVERY_LIMITS.retryAfterMaxSeconds),
    });
    expect(year.next.outboxDueAt).toEqual(at(3601));
    for (const bad of [Number.POSITIVE_INFINITY, Number.NaN, -5]) {
      const out = ok(failed(claimedD2(expired()), { retryAfterSeconds: bad }));
      expect(out.next.outbox?.find((d) => d.id === 'd2')).toMatchObject({ attempts: 1, notBefore: at(3602) });
    }
  });

  it('a rate-limited entry older than a day is dropped too, audited', () => {
    const dayLater = at(3601 + DELIVERY_LIMITS.maxAgeSeconds);
    const out = ok(failed(claimedD2(expired(), dayLater), { retryAfterSeconds: 60 }, dayLater));
    expect(out.next.outbox?.map((d) => d.id)).toEqual(['d1']);
    expect(out.event).toMatchObject({ action: 'delivery_dropped', detail: { delivery: 'd2', why: 'too_old', attempts: 0 } });
  });

  it('a failure reported by a process that no longer holds the entry changes nothing', () => {
    const taken = ok(transition(claimedD2(expired()), claim('d2', 'h2', at(3962)), at(3782))).next;
    expect(failed(taken, {}, at(3790))).toMatchObject({ ok: false, error: { code: ErrorCode.Conflict } });
  });
});

describe('notices no longer true are dropped, audited, not sent', () => {
  const warned = (overrides: Partial<AccessRequest> = {}) =>
    enqueue(request({ expiryWarnedAt: at(1800), ...overrides }), [{ type: 'notify_requester', notice: 'expiring' }], at(1800));

  it('an expiry warning, once the grant is no longer active, has ended, or its expiry moved', () => {
    const warning = warned();
    const d1 = warning.outbox?.[0] as NonNullable<AccessRequest['outbox']>[number];
    expect(obsoleteNotice(warning, d1, at(1900))).toBeUndefined();
    expect(obsoleteNotice({ ...warning, status: 'expired' }, d1, at(1900))).toBe('the request is expired');
    expect(obsoleteNotice({ ...warning, status: 'revoked' }, d1, at(1900))).toBe('the request is revoked');
    expect(obsoleteNotice(warning, d1, at(3600))).toBe('the grant has ended');
    expect(obsoleteNotice({ ...warning, expiryWarnedAt: undefined, expiresAt: at(7200) }, d1, at(1900))).toBe(
      'the expiry has moved since the warning',
    );
  });

  it('a "window open" notice once the grant has ended; notices that stay true (expired, denied, revoked) never are', () => {
    const open = enqueue(request({ startsAt: at(0) }), [{ type: 'notify_requester', notice: 'window_open' }], at(0));
    const d1 = open.outbox?.[0] as NonNullable<AccessRequest['outbox']>[number];
    expect(obsoleteNotice(open, d1, at(10))).toBeUndefined();
    expect(obsoleteNotice({ ...open, status: 'expired' }, d1, at(3601))).toBe('the request is expired');
    const ended = expired();
    for (const d of ended.outbox ?? []) expect(obsoleteNotice(ended, d, at(99_999))).toBeUndefined();
    for (const notice of ['denied', 'revoked', 'cancelled', 'failed'] as const) {
      const late = enqueue(request({ status: 'revoked' }), [{ type: 'notify_requester', notice }], at(0));
      expect(obsoleteNotice(late, late.outbox?.[0] as NonNullable<AccessRequest['outbox']>[number], at(99_999))).toBeUndefined();
    }
  });

  it('the claim drops it instead of claiming it, audited delivery_obsolete', () => {
    const warning = { ...warned(), status: 'expired' as const };
    const out = ok(transition(warning, claim('d1', 'h1', at(2100)), at(1900)));
    expect(out.next.outbox).toBeUndefined();
    expect(out.next.outboxDueAt).toBeUndefined();
    expect(out.unaudited).toBeUndefined();
    expect(out.event).toMatchObject({
      action: 'delivery_obsolete',
      detail: { delivery: 'd1', notice: 'expiring', why: 'the request is expired' },
    });
  });
});

describe('a post Slack may have taken without runwarden learning it (issue 16 §8)', () => {
  /** A pending request whose approval message is owed, claimed by h1 at T0. */
  function owingPost(): AccessRequest {
    const pending = enqueue(request({ status: 'pending', message: undefined }), [{ type: 'post_message' }], T0);
    return ok(transition(pending, claim('d1', 'h1', at(DELIVERY_LIMITS.claimSeconds)), T0)).next;
  }
  const post = (r: AccessRequest) => r.outbox?.find((d) => d.type === 'post_message');

  it('an unconfirmed failure (a timeout, a 5xx) marks it: the next attempt looks before posting, from when the attempt began', () => {
    const failed = ok(
      transition(
        owingPost(),
        { type: 'delivery_failed', delivery: 'd1', holder: 'h1', error: 'timeout', permanent: false, unconfirmed: true },
        at(10),
      ),
    ).next;
    expect(post(failed)?.unconfirmedSince).toEqual(T0);
    expect(post(failed)?.notBefore).toEqual(at(10)); // the first failure is retried at once
  });

  it('a confirmed failure (Slack refused it, or rate-limited it) does not', () => {
    const failed = ok(
      transition(owingPost(), { type: 'delivery_failed', delivery: 'd1', holder: 'h1', error: 'internal_error', permanent: false }, at(10)),
    ).next;
    expect(post(failed)?.unconfirmedSince).toBeUndefined();
  });

  it('a claim taken over after it lapsed marks it too: its holder may have posted and died', () => {
    const later = at(DELIVERY_LIMITS.claimSeconds + 1);
    const taken = ok(transition(owingPost(), claim('d1', 'h2', at(DELIVERY_LIMITS.claimSeconds * 2 + 1)), later)).next;
    expect(post(taken)?.unconfirmedSince).toEqual(T0);
  });

  it('recorded after an unconfirmed attempt, a search for copies is queued, due once late attempts have landed', () => {
    const failed = ok(
      transition(
        owingPost(),
        { type: 'delivery_failed', delivery: 'd1', holder: 'h1', error: 'timeout', permanent: false, unconfirmed: true },
        at(10),
      ),
    ).next;
    const reclaimed = ok(transition(failed, claim('d1', 'h2', at(200)), at(20))).next;
    const done = ok(
      transition(
        reclaimed,
        { type: 'delivered', delivery: 'd1', holder: 'h2', work: { type: 'post_message' }, posted: MESSAGE, found: true },
        at(21),
      ),
    );
    expect(done.next.message).toEqual(MESSAGE);
    expect(done.event).toMatchObject({ action: 'message_posted', detail: { found: true, ts: MESSAGE.ts } });
    const check = done.next.outbox?.find((d) => d.type === 'remove_duplicates');
    expect(check).toMatchObject({ of: 'd1', since: T0, notBefore: at(21 + DELIVERY_LIMITS.duplicateCheckSeconds) });
  });

  it('a post confirmed at the first attempt queues no search', () => {
    const done = ok(
      transition(owingPost(), { type: 'delivered', delivery: 'd1', holder: 'h1', work: { type: 'post_message' }, posted: MESSAGE }, at(1)),
    );
    expect(done.next.outbox ?? []).toEqual([]);
  });

  it('removed copies are audited; a search that found none is bookkeeping only', () => {
    const withCheck = {
      ...request(),
      outbox: [
        {
          id: 'd5',
          type: 'remove_duplicates' as const,
          of: 'd1',
          since: T0,
          enqueuedAt: T0,
          notBefore: T0,
          attempts: 0,
          claim: { holder: 'h1', until: at(100) },
        },
      ],
    };
    const removed = ok(
      transition(
        withCheck,
        { type: 'delivered', delivery: 'd5', holder: 'h1', work: { type: 'remove_duplicates' }, removed: ['1.5'] },
        at(1),
      ),
    );
    expect(removed.event).toMatchObject({ action: 'duplicates_removed', detail: { removed: ['1.5'], of: 'd1' } });
    const none = ok(
      transition(withCheck, { type: 'delivered', delivery: 'd5', holder: 'h1', work: { type: 'remove_duplicates' }, removed: [] }, at(1)),
    );
    expect(none.unaudited).toBe(true);
  });

  it('a click on a copy queues its removal at once, audited; a click on the recorded message changes nothing', () => {
    const stray = ok(transition(request(), { type: 'stray_message', actor: 'U0BOB', channel: 'C0APPROVALS', ts: '9.9' }, at(1)));
    expect(stray.event).toMatchObject({ action: 'stray_message_clicked', detail: { actor: 'U0BOB', ts: '9.9' } });
    expect(stray.next.outbox).toEqual([
      expect.objectContaining({ type: 'remove_duplicates', stray: { channel: 'C0APPROVALS', ts: '9.9' }, notBefore: at(1) }),
    ]);
    expect(transition(stray.next, { type: 'stray_message', actor: 'U0BOB', channel: 'C0APPROVALS', ts: '9.9' }, at(2)).ok).toBe(false);
    const own = transition(request(), { type: 'stray_message', actor: 'U0BOB', ...MESSAGE }, at(1));
    expect(own.ok).toBe(false);
  });
});

/**
 * The transitions of policy power: auto-approval, break-glass, review and
 * its reminders, and the opening of a scheduled grant's window. One
 * plain-English line per case.
 */
import { ErrorCode } from '../../../src/domain/errors';
import { grounds } from './grounds';
import type { AccessRequest } from '../../../src/domain/request';
import { transition, type TransitionOutcome } from '../../../src/domain/stateMachine';

const T0 = new Date('2026-11-22T12:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const lease = { holder: 'h1', leaseUntil: at(300) };

function request(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'abcdefghjk',
    kind: 'invoker',
    status: 'pending',
    requester: 'U0ALICE',
    target: 'projects/acme-prod/locations/us-central1/services/hello',
    reason: 'INC-1 prod down',
    createdAt: T0,
    updatedAt: T0,
    approvals: [],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 2,
    channel: 'C0APPROVALS',
    durationSeconds: 3600,
    role: 'roles/run.invoker',
    member: 'user:alice@acme.example',
    ...overrides,
  };
}

function ok(outcome: TransitionOutcome): Extract<TransitionOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected a transition, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}

describe('auto-approval', () => {
  it('approves as runwarden:auto, marks autoApproved, names the rule in the audit event and asks to apply', () => {
    const out = ok(transition(request(), { type: 'auto_approve', rule: 'oncall', ...lease }, at(1)));
    expect(out.next).toMatchObject({ status: 'approved', autoApproved: true, approvals: [{ approver: 'runwarden:auto', at: at(1) }] });
    expect(out.next.op).toMatchObject({ type: 'apply', holder: 'h1' });
    expect(out.event).toMatchObject({
      actor: 'runwarden:auto',
      action: 'auto_approved',
      detail: { rule: 'oncall', durationSeconds: 3600 },
    });
    expect(out.effects).toEqual([{ type: 'apply' }, { type: 'post_message' }]);
  });

  it.each([
    ['a request that is no longer pending', request({ status: 'denied' })],
    ['a request someone already approved', request({ approvals: [{ approver: 'U0BOB', at: T0 }] })],
  ])('refuses %s', (_description, current) => {
    expect(transition(current, { type: 'auto_approve', rule: 'oncall', ...lease }, at(1))).toMatchObject({ ok: false });
  });
});

describe('break-glass', () => {
  const glass = (overrides: Partial<AccessRequest> = {}) => request({ breakGlass: true, ...overrides });

  it('goes to approved with no approval at all, audited as break_glass by the requester with the reason', () => {
    const out = ok(transition(glass(), { type: 'break_glass', rule: 'oncall', ...lease }, at(1)));
    expect(out.next).toMatchObject({ status: 'approved', approvals: [], breakGlass: true });
    expect(out.event).toMatchObject({ actor: 'U0ALICE', action: 'break_glass', detail: { rule: 'oncall', reason: 'INC-1 prod down' } });
    expect(out.effects).toEqual([{ type: 'apply' }, { type: 'post_message' }]);
  });

  it('refuses a request not submitted as break-glass', () => {
    expect(transition(request(), { type: 'break_glass', rule: 'oncall', ...lease }, at(1))).toMatchObject({ ok: false });
  });

  describe('review', () => {
    const review = (actor: string, change: Parameters<typeof grounds>[1] = {}) => ({
      type: 'review' as const,
      actor,
      grounds: grounds(1, change),
    });

    it.each(['active', 'expired', 'revoked', 'failed'] as const)(
      'an approver reviews a %s break-glass request: reviewedBy and reviewedAt, nothing else',
      (status) => {
        const current = glass({ status, expiresAt: at(3600) });
        const out = ok(transition(current, review('U0BOB'), at(60)));
        const { outbox, outboxDueAt, outboxSeq, ...rest } = out.next;
        expect(rest).toEqual({ ...current, reviewedBy: 'U0BOB', reviewedAt: at(60), updatedAt: at(60) });
        // the message refresh is owed in the outbox, written with the transition
        expect({ outbox, outboxDueAt, outboxSeq }).toMatchObject({
          outbox: [{ id: 'd1', type: 'refresh_message', notBefore: at(60) }],
          outboxDueAt: at(60),
          outboxSeq: 1,
        });
        expect(out.event).toMatchObject({ actor: 'U0BOB', action: 'reviewed' });
        expect(out.effects).toEqual([{ type: 'refresh_message' }]);
      },
    );

    it.each([
      ['the requester reviewing their own break-glass, audited', 'U0ALICE', ErrorCode.SelfApproval, 'self_review'],
      ['someone outside the approver group, audited', 'U0MALLORY', ErrorCode.NotAnApprover, 'not_an_approver'],
    ])('refuses %s', (_description, actor, code, reason) => {
      const out = transition(glass({ status: 'active' }), review(actor), at(60));
      expect(out).toMatchObject({ ok: false, error: { code }, record: { actor, action: 'review_refused', detail: { reason } } });
    });

    it.each([
      ['the member the break-glass grant went to', { emails: { U0BOB: 'alice@acme.example' } }],
      ['someone whose identity runwarden does not know', { emails: { U0BOB: undefined } }],
    ])('refuses %s, audited', (_who, change) => {
      const out = transition(glass({ status: 'active' }), review('U0BOB', change), at(60));
      expect(out).toMatchObject({
        ok: false,
        error: { code: ErrorCode.SelfApproval },
        record: { actor: 'U0BOB', action: 'review_refused', detail: { reason: 'member_review' } },
      });
    });

    it('refuses a second review, and records the refusal', () => {
      const out = transition(glass({ status: 'active', reviewedBy: 'U0BOB', reviewedAt: at(5) }), review('U0CAROL'), at(60));
      expect(out).toMatchObject({
        ok: false,
        error: { code: ErrorCode.InvalidState },
        record: { actor: 'U0CAROL', action: 'review_refused', detail: { reason: 'already_reviewed' } },
      });
    });

    it('refuses to review a request that is not break-glass, and records the refusal', () => {
      const out = transition(request({ status: 'active' }), review('U0BOB'), at(60));
      expect(out).toMatchObject({
        ok: false,
        error: { code: ErrorCode.InvalidState },
        record: { actor: 'U0BOB', action: 'review_refused', detail: { reason: 'not_break_glass' } },
      });
    });

    it('a step-2 approver of a two-step rule may review too', () => {
      const out = transition(
        glass({ status: 'active', target: 'projects/acme-prod/locations/us-central1/services/payments' }),
        review('U0ERIN'),
        at(60),
      );
      expect(out).toMatchObject({ ok: true, next: { reviewedBy: 'U0ERIN' } });
    });
  });

  const remind = { type: 'review_reminded', remindAfterSeconds: 3600 } as const;
  const posted = { message: { channel: 'C0APPROVALS', ts: '1.000100' } };

  it('a reminder about an unreviewed break-glass request records when, also after it expired, and owes the reminder in the outbox', () => {
    const out = ok(transition(glass({ status: 'expired', ...posted }), remind, at(3600)));
    expect(out.next.lastRemindedAt).toEqual(at(3600));
    expect(out.event.action).toBe('review_reminded');
    expect(out.next.outbox).toMatchObject([{ type: 'remind_review', notBefore: at(3600) }]);
  });

  it('no reminder once reviewed', () => {
    expect(transition(glass({ status: 'active', reviewedBy: 'U0BOB', reviewedAt: at(5), ...posted }), remind, at(3600))).toMatchObject({
      ok: false,
    });
  });

  it('no second reminder within the interval (two sweeps at once record one)', () => {
    const first = ok(transition(glass({ status: 'active', appliedAt: T0, ...posted }), remind, at(3600)));
    expect(transition(first.next, remind, at(3601))).toMatchObject({ ok: false });
  });
});

describe('scheduled grant window', () => {
  const scheduled = (overrides: Partial<AccessRequest> = {}) =>
    request({ status: 'active', startsAt: at(3600), expiresAt: at(7200), ...overrides });

  it('tells the requester once when the window opens', () => {
    const out = ok(transition(scheduled(), { type: 'window_opened' }, at(3600)));
    expect(out.next.startNotifiedAt).toEqual(at(3600));
    // the DM, and the channel message redrawn: "Scheduled, from … until …" is no longer true
    expect(out.effects).toEqual([{ type: 'notify_requester', notice: 'window_open' }, { type: 'refresh_message' }]);
  });

  it.each([
    ['before the start', scheduled(), at(3599)],
    ['a second time', scheduled({ startNotifiedAt: at(3600) }), at(3700)],
    ['after the end', scheduled(), at(7200)],
    ['for a grant that is not scheduled', request({ status: 'active', expiresAt: at(7200) }), at(3600)],
    ['for a scheduled grant that was revoked', scheduled({ status: 'revoked' }), at(3600)],
  ])('does nothing %s', (_description, current, now) => {
    expect(transition(current, { type: 'window_opened' }, now)).toMatchObject({ ok: false });
  });
});

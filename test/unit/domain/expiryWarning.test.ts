import { expiryWarningAt, expiryWarningDue } from '../../../src/domain/expiryWarning';
import { transition } from '../../../src/domain/stateMachine';
import type { AccessRequest } from '../../../src/domain/request';

const T0 = new Date('2026-11-22T12:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

function grant(seconds: number, overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'abcdefghjk',
    kind: 'invoker',
    status: 'active',
    requester: 'U0ALICE',
    target: 'projects/p/locations/l/services/s',
    reason: 'r',
    createdAt: T0,
    updatedAt: T0,
    approvals: [],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 0,
    channel: 'C0A',
    durationSeconds: seconds,
    appliedAt: T0,
    expiresAt: at(seconds),
    ...overrides,
  };
}

describe('the expiry warning', () => {
  it.each([
    ['a 2h grant: 15 minutes before', 7200, 7200 - 900],
    ['a 31m grant: 15 minutes before', 1860, 1860 - 900],
    ['a 30m grant: halfway', 1800, 900],
    ['a 10m grant: halfway', 600, 300],
  ])('%s', (_name, seconds, warnAt) => {
    expect(expiryWarningAt(grant(seconds))).toEqual(at(warnAt));
    expect(expiryWarningDue(grant(seconds), at(warnAt - 1))).toBe(false);
    expect(expiryWarningDue(grant(seconds), at(warnAt))).toBe(true);
  });

  it.each([
    ['a scheduled 10m grant: halfway through its window, not before it opens', 600, 300],
    ['a scheduled 2h grant: 15 minutes before', 7200, 7200 - 900],
  ])('%s', (_name, seconds, warnAt) => {
    // Written at T0 for a window that opens a day later.
    const day = 86_400;
    const scheduled = grant(seconds, { startsAt: at(day), expiresAt: at(day + seconds) });
    expect(expiryWarningAt(scheduled)).toEqual(at(day + warnAt));
    expect(expiryWarningDue(scheduled, at(day + warnAt - 1))).toBe(false);
    expect(expiryWarningDue(scheduled, at(day + warnAt))).toBe(true);
  });

  it('is sent once: recorded, then not due again', () => {
    const out = transition(grant(600), { type: 'warn_expiry' }, at(300));
    if (!out.ok) throw new Error(out.error.message);
    expect(out.next.expiryWarnedAt).toEqual(at(300));
    expect(out.effects).toEqual([{ type: 'notify_requester', notice: 'expiring' }]);
    expect(transition(out.next, { type: 'warn_expiry' }, at(301)).ok).toBe(false);
  });

  it('is never due for permanent changes, ended grants, or after the expiry', () => {
    expect(expiryWarningDue(grant(600, { durationSeconds: undefined, expiresAt: undefined, status: 'applied' }), at(500))).toBe(false);
    expect(expiryWarningDue(grant(600, { status: 'expired' }), at(500))).toBe(false);
    expect(expiryWarningDue(grant(600), at(600))).toBe(false);
  });
});

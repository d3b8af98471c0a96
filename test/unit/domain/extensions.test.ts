import { ErrorCode } from '../../../src/domain/errors';
import type { AccessRequest, Extension } from '../../../src/domain/request';
import { transition, type RequestEvent, type TransitionOutcome } from '../../../src/domain/stateMachine';
import { extendedExpiry } from '../../../src/domain/extensions';
import { facts, grounds } from './grounds';

const T0 = new Date('2026-11-22T12:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const lease = (holder = 'h1', seconds = 300) => ({ holder, leaseUntil: at(seconds) });

function active(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'abcdefghjk',
    kind: 'invoker',
    status: 'active',
    requester: 'U0ALICE',
    target: 'projects/acme-prod/locations/us-central1/services/hello',
    reason: 'debugging',
    createdAt: T0,
    updatedAt: T0,
    approvals: [{ approver: 'U0BOB', at: T0 }],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 0,
    channel: 'C0APPROVALS',
    durationSeconds: 3600,
    appliedAt: T0,
    expiresAt: at(3600),
    role: 'roles/run.invoker',
    member: 'user:alice@acme.example',
    ...overrides,
  };
}
const ok = (o: TransitionOutcome): Extract<TransitionOutcome, { ok: true }> => {
  if (!o.ok) throw new Error(`expected a transition, got ${o.error.code}: ${o.error.message}`);
  return o;
};
const refused = (o: TransitionOutcome): Extract<TransitionOutcome, { ok: false }> => {
  if (o.ok) throw new Error(`expected a refusal, got ${o.event.action}`);
  return o;
};
/** The hello rule (platform, maxDuration 8h) allows `maxExtensions`; `extra` adds YAML to it (e.g. autoApprove). */
const withRule = (maxExtensions = 2, extra = '', approvals = 1, change: Parameters<typeof facts>[0] = {}) => {
  const g = grounds(approvals, change, extra);
  return {
    ...g,
    policy: { ...g.policy, rules: g.policy.rules.map((r) => (r.kind === 'invoker' && r.steps.length === 1 ? { ...r, maxExtensions } : r)) },
  };
};
const extend = (overrides: Partial<Extract<RequestEvent, { type: 'extend' }>> = {}): RequestEvent => ({
  type: 'extend',
  actor: 'U0ALICE',
  durationSeconds: 1800,
  reason: 'still debugging',
  grounds: withRule(),
  ...lease(),
  ...overrides,
});
const pendingExtension = (overrides: Partial<Extension> = {}): Extension => ({
  n: 1,
  duration: '30m',
  durationSeconds: 1800,
  reason: 'more',
  status: 'pending',
  approvals: [],
  requestedAt: at(60),
  ...overrides,
});

describe("an extension under the rule's autoApprove", () => {
  /** autoApprove of up to 2h for Alice and the on-call user group: a 1h grant plus 30m stays within it */
  const auto = (oncall: string[] = []) =>
    withRule(2, '\n    autoApprove: { requesters: [U0ALICE, S0ONCALL], maxDuration: 2h }', 1, { groups: { S0ONCALL: oncall } });

  it.each<[string, AccessRequest, string[]]>([
    ['a listed requester', active(), []],
    ['a member of a listed user group', active({ requester: 'U0DAVE', member: 'user:dave@acme.example' }), ['U0DAVE']],
  ])(
    'for %s, keeping the whole grant within autoApprove.maxDuration, is approved by runwarden:auto and its apply taken at once',
    (_who, request, members) => {
      const out = ok(transition(request, extend({ actor: request.requester, grounds: auto(members) }), at(60)));
      expect(out.next.extensions).toEqual([
        pendingExtension({
          reason: 'still debugging',
          status: 'approved',
          approvals: [{ approver: 'runwarden:auto', at: at(60) }],
          autoApproved: true,
        }),
      ]);
      expect(out.next.op).toEqual({ type: 'extend', intent: 'extend', by: 'runwarden', holder: 'h1', leaseUntil: at(300), attempts: 1 });
      expect(out.next.expiresAt).toEqual(at(3600));
      expect(out.effects).toEqual([{ type: 'extend' }, { type: 'post_extension', n: 1 }, { type: 'refresh_message' }]);
      expect(out.event).toMatchObject({
        actor: 'runwarden:auto',
        action: 'extension_auto_approved',
        detail: { n: 1, duration: '30m', rule: 'invoker#2' },
      });
    },
  );

  it.each<[string, AccessRequest, RequestEvent]>([
    ['taking the whole grant past autoApprove.maxDuration', active(), extend({ durationSeconds: 3601, grounds: auto() })],
    [
      'by a requester autoApprove does not list',
      active({ requester: 'U0CAROL', member: 'user:carol@acme.example' }),
      extend({ actor: 'U0CAROL', grounds: auto() }),
    ],
    [
      'of a grant to another member (one person alone never gives access to someone else)',
      active({ member: 'user:erin@acme.example' }),
      extend({ grounds: auto() }),
    ],
    ['when the rule has no autoApprove', active(), extend()],
  ])('%s waits for approval as before', (_what, request, event) => {
    const out = ok(transition(request, event, at(60)));
    expect(out.next.extensions?.[0]).toMatchObject({ status: 'pending', approvals: [] });
    expect(out.next.extensions?.[0]?.autoApproved).toBeUndefined();
    expect(out.next.op).toBeUndefined();
    expect(out.effects).toEqual([{ type: 'post_extension', n: 1 }, { type: 'refresh_message' }]);
    expect(out.event.action).toBe('extension_requested');
  });
});

describe('asking for an extension', () => {
  it('records a pending extension and asks to post it, leaving the grant as it is', () => {
    const out = ok(transition(active(), extend(), at(60)));
    expect(out.next.extensions).toEqual([pendingExtension({ reason: 'still debugging' })]);
    expect(out.next.expiresAt).toEqual(at(3600));
    expect(out.next.status).toBe('active');
    expect(out.effects).toEqual([{ type: 'post_extension', n: 1 }, { type: 'refresh_message' }]);
    expect(out.event).toMatchObject({ actor: 'U0ALICE', action: 'extension_requested', detail: { n: 1, duration: '30m' } });
  });

  it.each<[string, AccessRequest, RequestEvent, string]>([
    ['by someone else than the requester', active(), extend({ actor: 'U0BOB' }), ErrorCode.NotAllowed],
    ['when the rule allows no extensions (default 0)', active(), extend({ grounds: withRule(0) }), ErrorCode.NotAllowed],
    [
      'beyond maxExtensions',
      active({ extensions: [pendingExtension({ status: 'applied' }), pendingExtension({ n: 2, status: 'applied' })] }),
      extend(),
      ErrorCode.NotAllowed,
    ],
    ['longer than maxDuration', active(), extend({ durationSeconds: 9 * 3600 }), ErrorCode.DurationTooLong],
    [
      'with a reason the rule’s reason rules refuse',
      active(),
      extend({ grounds: withRule(2, '\n    reason: { minLength: 20 }') }),
      ErrorCode.ReasonRejected,
    ],
    ['while another extension waits', active({ extensions: [pendingExtension()] }), extend(), ErrorCode.Conflict],
    ['of a pending request', active({ status: 'pending' }), extend(), ErrorCode.InvalidState],
    [
      'of a permanent change',
      active({ kind: 'egress', durationSeconds: undefined, expiresAt: undefined, status: 'applied', role: undefined, member: undefined }),
      extend(),
      ErrorCode.InvalidState,
    ],
    [
      'of a grant already being revoked',
      active({ op: { type: 'revert', intent: 'revoke', by: 'U0BOB', holder: 'h', leaseUntil: at(400), attempts: 1 } }),
      extend(),
      ErrorCode.InvalidState,
    ],
    ['of a grant past its expiry', active({ expiresAt: at(30) }), extend(), ErrorCode.InvalidState],
  ])('is refused %s, adding no extension, and the refusal is recorded', (_name, request, event, code) => {
    const out = refused(transition(request, event, at(60)));
    expect(out.error.code).toBe(code);
    expect(out.record?.action).toBe('extend_refused');
  });

  it('denied and lapsed extensions do not count against maxExtensions', () => {
    const request = active({ extensions: [pendingExtension({ status: 'denied' }), pendingExtension({ n: 2, status: 'lapsed' })] });
    const out = ok(transition(request, extend({ grounds: withRule(1) }), at(60)));
    expect(out.next.extensions?.[2]).toMatchObject({ n: 3, status: 'pending' });
  });
});

describe('deciding an extension', () => {
  const withPending = () => active({ extensions: [pendingExtension()] });
  const approve = (actor: string, n = 1, given = withRule()): RequestEvent => ({
    type: 'approve_extension',
    n,
    actor,
    grounds: given,
    ...lease(),
  });
  const deny = (actor: string): RequestEvent => ({ type: 'deny_extension', n: 1, actor, grounds: withRule() });

  it('the last approval needed takes the lease and asks to apply the extension', () => {
    const out = ok(transition(withPending(), approve('U0BOB'), at(120)));
    expect(out.next.extensions?.[0]).toMatchObject({ status: 'approved', approvals: [{ approver: 'U0BOB', at: at(120) }] });
    expect(out.next.op).toMatchObject({ type: 'extend', holder: 'h1' });
    expect(out.effects).toContainEqual({ type: 'extend' });
  });

  it('needs the rule’s number of distinct approvals, as the policy says now', () => {
    const two = withRule(2, '', 2);
    const first = ok(transition(withPending(), approve('U0BOB', 1, two), at(120)));
    expect(first.next.extensions?.[0]?.status).toBe('pending');
    expect(first.effects).toContainEqual({ type: 'notify_requester', notice: 'extension_approval' });
    expect(refused(transition(first.next, approve('U0BOB', 1, two), at(130))).error.code).toBe(ErrorCode.AlreadyApproved);
    expect(ok(transition(first.next, approve('U0CAROL', 1, two), at(140))).next.extensions?.[0]?.status).toBe('approved');
  });

  it.each<[string, RequestEvent, string]>([
    ['the requester approving', approve('U0ALICE'), ErrorCode.SelfApproval],
    ['the requester denying', deny('U0ALICE'), ErrorCode.SelfApproval],
    ['a non-approver', approve('U0MALLORY'), ErrorCode.NotAnApprover],
    [
      'an approver whose own identity the grant is',
      approve('U0BOB', 1, withRule(2, '', 1, { emails: { U0BOB: 'alice@acme.example' } })),
      ErrorCode.SelfApproval,
    ],
    [
      'an approver whose own identity runwarden does not know',
      approve('U0BOB', 1, withRule(2, '', 1, { emails: { U0BOB: undefined } })),
      ErrorCode.SelfApproval,
    ],
    ['an unknown extension', approve('U0BOB', 7), ErrorCode.NotFound],
  ])('refuses %s, and records it', (_name, event, code) => {
    const out = refused(transition(withPending(), event, at(120)));
    expect(out.error.code).toBe(code);
    expect(out.record?.action).toMatch(/^extension_(approve|deny)_refused$/);
  });

  it('a deny ends the extension and keeps the expiry', () => {
    const out = ok(transition(withPending(), deny('U0BOB'), at(120)));
    expect(out.next.extensions?.[0]).toMatchObject({ status: 'denied', decidedBy: 'U0BOB' });
    expect(out.next.expiresAt).toEqual(at(3600));
    expect(out.effects).toContainEqual({ type: 'notify_requester', notice: 'extension_denied' });
  });

  it('an old extension’s buttons decide nothing once it was decided', () => {
    const request = active({ extensions: [pendingExtension({ status: 'denied' }), pendingExtension({ n: 2 })] });
    const out = refused(transition(request, approve('U0BOB', 1), at(120)));
    expect(out.error.code).toBe(ErrorCode.InvalidState);
    expect(out.record).toMatchObject({
      actor: 'U0BOB',
      action: 'extension_approve_refused',
      detail: { n: 1, reason: 'extension_not_pending' },
    });
  });
});

describe('applying an extension', () => {
  const approved = () =>
    active({
      extensions: [pendingExtension({ status: 'approved', approvals: [{ approver: 'U0BOB', at: at(120) }] })],
      op: { type: 'extend', intent: 'extend', by: 'runwarden', holder: 'h1', leaseUntil: at(420), attempts: 1 },
    });

  it('moves the expiry by the extension, in whole seconds', () => {
    const request = approved();
    expect(extendedExpiry({ ...request, expiresAt: new Date(at(3600).getTime() + 400) }, pendingExtension())).toEqual(at(5400));
  });

  it('the lease holder records it: expiresAt follows, the warning may come again', () => {
    const out = ok(
      transition({ ...approved(), expiryWarnedAt: at(3000) }, { type: 'extended', holder: 'h1', expiresAt: at(5400) }, at(130)),
    );
    expect(out.next.expiresAt).toEqual(at(5400));
    expect(out.next.extensions?.[0]).toMatchObject({ status: 'applied', expiresAt: at(5400) });
    expect(out.next.op).toBeUndefined();
    expect(out.next.expiryWarnedAt).toBeUndefined();
    expect(out.effects).toContainEqual({ type: 'notify_requester', notice: 'extended' });
  });

  it('only the lease holder records it', () => {
    expect(refused(transition(approved(), { type: 'extended', holder: 'other', expiresAt: at(5400) }, at(130))).error.code).toBe(
      ErrorCode.InvalidState,
    );
  });

  it('a revoke waits while the extension is being written, and the refusal is recorded', () => {
    const out = refused(transition(approved(), { type: 'revoke', actor: 'U0ALICE', grounds: withRule(), ...lease('h2') }, at(130)));
    expect(out.error.code).toBe(ErrorCode.Conflict);
    expect(out.record).toMatchObject({ actor: 'U0ALICE', action: 'revoke_refused', detail: { reason: 'being_extended' } });
  });

  it('an extension that fails for good keeps what was being written recorded (an earlier attempt’s write may have landed)', () => {
    const writing = { expression: 'request.time < timestamp("2026-11-22T13:30:00Z")' };
    const out = ok(
      transition(
        { ...approved(), writing },
        { type: 'extend_failed', holder: 'h1', reason: 'no longer allowed', retryable: false },
        at(130),
      ),
    );
    expect(out.next.extensions?.[0]).toMatchObject({ status: 'failed' });
    expect(out.next.writing).toEqual(writing);
  });

  it('an interrupted apply whose grant expired meanwhile lapses when the sweep claims it', () => {
    const request = { ...approved(), expiresAt: at(100) };
    const out = ok(transition(request, { type: 'claim_extend', maxAttempts: 5, ...lease('h2', 900) }, at(500)));
    expect(out.next.extensions?.[0]?.status).toBe('lapsed');
    expect(out.next.op).toBeUndefined();
  });
});

describe('at expiry', () => {
  it('an extension still pending lapses when the grant starts ending, and the requester is told', () => {
    const request = active({ expiresAt: at(100), extensions: [pendingExtension()] });
    const out = ok(transition(request, { type: 'claim_revert', maxAttempts: 5, ...lease() }, at(100)));
    expect(out.next.extensions?.[0]).toMatchObject({ status: 'lapsed', endedAt: at(100) });
    expect(out.effects[0]).toEqual({ type: 'revert' });
    expect(out.effects).toContainEqual({ type: 'notify_requester', notice: 'extension_lapsed' });
  });

  it('an approved extension whose write was interrupted lapses when the revert is claimed, saying it was not applied; what was being written stays recorded for the revert', () => {
    const writing = { expression: 'request.time < timestamp("2026-11-22T13:30:00Z")' };
    const request = active({
      expiresAt: at(100),
      extensions: [pendingExtension({ status: 'approved', approvals: [{ approver: 'U0BOB', at: at(50) }] })],
      op: { type: 'extend', intent: 'extend', by: 'runwarden', holder: 'dead', leaseUntil: at(350), attempts: 1 },
      writing,
    });
    const out = ok(transition(request, { type: 'claim_revert', maxAttempts: 5, ...lease('h2', 700) }, at(400)));
    expect(out.next.extensions?.[0]).toMatchObject({ status: 'lapsed', outcome: 'The grant ended before the extension was applied.' });
    expect(out.next.op).toMatchObject({ type: 'revert', intent: 'expire', holder: 'h2' });
    expect(out.next.writing).toEqual(writing);
    expect(out.effects[0]).toEqual({ type: 'revert' });
  });

  it('a pending extension that lapses says it was not decided', () => {
    const out = ok(
      transition(
        active({ expiresAt: at(100), extensions: [pendingExtension()] }),
        { type: 'claim_revert', maxAttempts: 5, ...lease() },
        at(100),
      ),
    );
    expect(out.next.extensions?.[0]?.outcome).toBe('The grant ended before the extension was decided.');
  });

  it('an extension cannot be approved once the grant is ending', () => {
    const request = active({
      extensions: [pendingExtension()],
      op: { type: 'revert', intent: 'expire', by: 'runwarden', holder: 'h', leaseUntil: at(400), attempts: 1 },
    });
    expect(
      refused(transition(request, { type: 'approve_extension', n: 1, actor: 'U0BOB', grounds: withRule(), ...lease() }, at(120))).error
        .code,
    ).toBe(ErrorCode.InvalidState);
  });

  it('a revoke lapses a pending extension too', () => {
    const out = ok(
      transition(
        active({ extensions: [pendingExtension()] }),
        { type: 'revoke', actor: 'U0ALICE', grounds: withRule(), ...lease() },
        at(120),
      ),
    );
    expect(out.next.extensions?.[0]?.status).toBe('lapsed');
  });
});

/** Multi-step approvals in the state machine: one plain-English line per case. */
import { ErrorCode } from '../../../src/domain/errors';
import { userText } from '../../../src/adapters/slack/views/refusalText';
import { facts, grounds } from './grounds';
import type { AccessRequest } from '../../../src/domain/request';
import { transition, type TransitionOutcome } from '../../../src/domain/stateMachine';

const T0 = new Date('2026-11-22T12:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

function request(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'abcdefghjk',
    kind: 'invoker',
    status: 'pending',
    requester: 'U0ALICE',
    target: 'projects/acme-prod/locations/us-central1/services/payments',
    reason: 'settle',
    createdAt: T0,
    updatedAt: T0,
    approvals: [],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: 0,
    channel: 'C0APPROVALS',
    durationSeconds: 3600,
    role: 'roles/run.invoker',
    member: 'user:alice@acme.example',
    steps: [
      { approverGroup: 'platform', approvalsRequired: 1 },
      { approverGroup: 'security', approvalsRequired: 1 },
    ],
    step: 1,
    ...overrides,
  };
}

/** A click weighed, in the transaction, on the policy (payments: platform, then security) and these facts. */
const approve = (actor: string, given = facts()) => ({
  type: 'approve' as const,
  actor,
  grounds: { ...grounds(), facts: given },
  holder: 'h1',
  leaseUntil: at(300),
});
/** The text the clicker is shown for a refusal. */
const told = (outcome: TransitionOutcome): string => (outcome.ok ? '' : userText(outcome.error));

function ok(outcome: TransitionOutcome): Extract<TransitionOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected a transition, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}

describe('steps', () => {
  it('step 1 having its approvals moves to step 2: its approvers are asked, nothing is applied yet', () => {
    const out = ok(transition(request(), approve('U0BOB'), at(1)));
    expect(out.next).toMatchObject({
      status: 'pending',
      step: 2,
      approverGroup: 'security',
      approvalsRequired: 1,
      approvals: [{ approver: 'U0BOB', at: at(1), step: 1 }],
    });
    expect(out.event).toMatchObject({ action: 'step_approved', detail: { step: 1 } });
    expect(out.effects).toEqual([
      { type: 'refresh_message' },
      { type: 'notify_requester', notice: 'step' },
      { type: 'notify_approvers', notice: 'step' },
    ]);
  });

  it('two step-1 approvals at the same moment never skip step 2: the one recorded second is weighed on step 2 and refused', () => {
    const first = ok(transition(request(), approve('U0BOB'), at(1))).next;
    const second = transition(first, approve('U0CAROL'), at(1));
    expect(second).toMatchObject({ ok: false, error: { code: ErrorCode.NotAnApprover } });
    expect(told(second)).toContain('Step 2 of 2');
    expect(first).toMatchObject({ status: 'pending', step: 2 });
  });

  it('the last step having its approvals approves the request and asks to apply', () => {
    const current = request({ step: 2, approverGroup: 'security', approvals: [{ approver: 'U0BOB', at: at(1), step: 1 }] });
    const out = ok(transition(current, approve('U0DAVE'), at(2)));
    expect(out.next.status).toBe('approved');
    expect(out.next.approvals).toEqual([
      { approver: 'U0BOB', at: at(1), step: 1 },
      { approver: 'U0DAVE', at: at(2), step: 2 },
    ]);
    expect(out.effects).toContainEqual({ type: 'apply' });
  });

  it('someone who approved step 1 does not count in step 2, even when in both groups', () => {
    const current = request({ step: 2, approverGroup: 'security', approvals: [{ approver: 'U0CAROL', at: at(1), step: 1 }] });
    const out = transition(current, approve('U0CAROL', facts({ groups: { S0SECURITY: ['U0CAROL', 'U0ERIN'] } })), at(2));
    expect(out).toMatchObject({ ok: false, error: { code: ErrorCode.AlreadyApproved } });
    expect(told(out)).toContain('one step only');
  });

  it("a step 2 approval weighs only step 2's approvals: step 1's are kept as they are", () => {
    const current = request({ step: 2, approverGroup: 'security', approvals: [{ approver: 'U0BOB', at: at(1), step: 1 }] });
    // Bob is no security approver, but his step-1 approval is not dropped by the step-2 weighing
    const out = ok(transition(current, approve('U0DAVE'), at(2)));
    expect(out.next.approvals.map((a) => a.approver)).toEqual(['U0BOB', 'U0DAVE']);
  });

  it('a deny at step 2 ends the request', () => {
    const current = request({ step: 2, approverGroup: 'security', approvals: [{ approver: 'U0BOB', at: at(1), step: 1 }] });
    const out = ok(transition(current, { type: 'deny', actor: 'U0DAVE', grounds: grounds() }, at(2)));
    expect(out.next).toMatchObject({ status: 'denied', decidedBy: 'U0DAVE' });
  });
  it("a later step's approver clicking during step 1 is told whose step it is and that theirs follows", () => {
    const out = transition(request(), approve('U0ERIN'), at(2));
    expect(out).toMatchObject({ ok: false, error: { code: ErrorCode.NotAnApprover } });
    expect(told(out)).toBe(
      'Step 1 of 2 of request `abcdefghjk` is decided by the *platform* approver group; *security* is asked after it.',
    );
    const deny = transition(request(), { type: 'deny', actor: 'U0ERIN', grounds: grounds() }, at(2));
    expect(told(deny)).toContain('*security* is asked after it');
  });

  it('at the last step nobody else is named', () => {
    const current = request({ step: 2, approverGroup: 'security', approvals: [{ approver: 'U0BOB', at: at(1), step: 1 }] });
    const out = transition(current, approve('U0MALLORY'), at(2));
    expect(told(out)).toBe('Step 2 of 2 of request `abcdefghjk` is decided by the *security* approver group.');
  });
});

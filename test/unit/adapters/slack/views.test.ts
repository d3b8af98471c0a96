import { STATUSES, type AccessRequest, type Status } from '../../../../src/domain/request';
import { APPROVE_ACTION, DECISION_BLOCK, DENY_ACTION, REVOKE_ACTION, REVOKE_BLOCK } from '../../../../src/adapters/slack/ids';
import { approvalMessage } from '../../../../src/adapters/slack/views/approvalMessage';
import { extensionMessage } from '../../../../src/adapters/slack/views/extensionMessage';
import { listView } from '../../../../src/adapters/slack/views/listView';
import { refusal } from '../../../../src/adapters/slack/views/refusal';
import { reminderMessage } from '../../../../src/adapters/slack/views/reminderMessage';
import { requesterNotice } from '../../../../src/adapters/slack/views/requesterNotice';
import { NOTICE_KINDS } from '../../../../src/domain/request';
import { statusView } from '../../../../src/adapters/slack/views/statusView';
import type { Button, KnownBlock, SlackView } from '../../../../src/adapters/slack/views/format';
import { NOW, aRequest, aRotateRequest, anEgressRequest, anEvent, anIngressRequest, at, inStatus } from '../../../fixtures/requests';
import { allText, blockKitViolations } from './blockKitLimits';

const KINDS: Array<[string, () => AccessRequest]> = [
  ['invoker', () => aRequest()],
  ['egress', () => anEgressRequest()],
  ['ingress', () => anIngressRequest()],
  ['rotate', () => aRotateRequest()],
];

const HOSTILE = 'see <!channel> and <https://evil.example|click here> & <@U0MALLORY> <!here> <#C0SECRET> > done';

function expectValid(view: SlackView): SlackView {
  expect(blockKitViolations(view)).toEqual([]);
  return view;
}

function actionsBlocks(view: SlackView): Array<Extract<KnownBlock, { type: 'actions' }>> {
  return view.blocks.filter((b): b is Extract<KnownBlock, { type: 'actions' }> => b.type === 'actions');
}

function buttons(view: SlackView): Button[] {
  return actionsBlocks(view).flatMap((b) => b.elements.filter((e): e is Button => e.type === 'button'));
}

/** Every view of one request, for properties that must hold everywhere. */
function everyView(request: AccessRequest): Array<[string, SlackView]> {
  return [
    ['approvalMessage', approvalMessage(request, NOW)],
    ...NOTICE_KINDS.map((k): [string, SlackView] => [`requesterNotice ${k}`, requesterNotice(request, k, { slash: '/warden' })]),
    ['statusView', statusView(request, [anEvent({ detail: { reason: request.reason } })], NOW)],
    ['listView mine', listView({ mine: [request], awaitingMe: [] }, NOW, '/warden')],
    ['listView awaiting', listView({ mine: [], awaitingMe: [request] }, NOW, '/warden')],
    ['reminderMessage', reminderMessage(request, ['U0BOB', 'U0CAROL'])],
  ];
}

describe('approvalMessage', () => {
  describe.each(KINDS)('%s request', (_kind, make) => {
    it.each(STATUSES.map((s) => [s]))('renders %s', (status: Status) => {
      expect(expectValid(approvalMessage(inStatus(make(), status), NOW))).toMatchSnapshot();
    });
  });

  it('shows exactly SPEC §6 Approve and Deny only while pending, and Revoke now only while active (a reason is given from App Home)', () => {
    for (const [, make] of KINDS) {
      for (const status of STATUSES) {
        const view = approvalMessage(inStatus(make(), status), NOW);
        const ids = buttons(view).map((b) => b.action_id);
        const blockIds = actionsBlocks(view).map((b) => b.block_id);
        if (status === 'pending') {
          expect(ids).toEqual([APPROVE_ACTION, DENY_ACTION]);
          expect(blockIds).toEqual([DECISION_BLOCK]);
        } else if (status === 'active') {
          expect(ids).toEqual([REVOKE_ACTION]);
          expect(blockIds).toEqual([REVOKE_BLOCK]);
        } else {
          expect(ids).toEqual([]);
        }
      }
    }
  });

  it('gives every button the request id as its value, styles and a confirm dialog on Approve', () => {
    const pending = buttons(approvalMessage(aRequest({ id: 'abc123' }), NOW));
    expect(pending.map((b) => b.value)).toEqual(['abc123', 'abc123']);
    const [approve, deny] = pending;
    expect(approve?.style).toBe('primary');
    expect(deny?.style).toBe('danger');
    expect(approve?.confirm?.confirm?.text).toBe('Approve');
    expect(approve?.confirm?.deny?.text).toBe('Cancel');
    expect(approve?.confirm?.text.text).toContain('roles/run.invoker for user:alice@acme.example on service payments-api');
    const revoke = buttons(approvalMessage(inStatus(aRequest({ id: 'abc123' }), 'active'), NOW));
    expect(revoke.map((b) => [b.value, b.confirm?.style])).toEqual([['abc123', 'danger']]);
  });

  it('tells the approver whether their click applies the change or only counts towards it', () => {
    const needsTwo = anEgressRequest();
    const first = buttons(approvalMessage(needsTwo, NOW))[0]?.confirm?.text.text;
    expect(first).toBe('Your approval counts towards egress all-traffic on service payments-api for 30m.');
    const oneGiven = { ...needsTwo, approvals: [{ approver: 'U0BOB', at: at('2026-11-22T19:58:00Z') }] };
    expect(buttons(approvalMessage(oneGiven, NOW))[0]?.confirm?.text.text).toMatch(/^Your approval applies egress/);
  });

  it('counts approvals as "N of M" and says how many are still needed', () => {
    const request = anEgressRequest({ approvals: [{ approver: 'U0BOB', at: at('2026-11-22T19:58:00Z') }] });
    const text = allText(approvalMessage(request, NOW));
    expect(text).toContain('Approved by <@U0BOB>');
    expect(text).toContain('1 of 2 approvals');
    expect(text).toContain('Waiting for 1 more approval from *platform*');
  });

  it('shows the requested egress next to the current one, the connector and the latest revision', () => {
    const text = allText(approvalMessage(anEgressRequest(), NOW));
    expect(text).toContain('`private-ranges-only` → `all-traffic`');
    expect(text).toContain('connector `projects/acme-prod/locations/us-central1/connectors/main`');
    expect(text).toContain('`payments-api-00042-xab`');
  });

  it('says "permanent" for a change without a duration', () => {
    expect(allText(approvalMessage(anIngressRequest(), NOW))).toContain('*Duration*\\npermanent');
  });

  it('counts down to expiry with a Slack {ago} token (right whenever it is read) and notices when expiry is overdue', () => {
    const active = inStatus(aRequest(), 'active');
    expect(allText(approvalMessage(active, NOW))).toContain('(expires <!date^1795384800^{ago}|at 2026-11-22 22:00 UTC>)');
    expect(allText(approvalMessage(active, at('2026-11-22T21:29:30Z')))).toContain(
      '(expires <!date^1795384800^{ago}|at 2026-11-22 22:00 UTC>)',
    );
    expect(allText(approvalMessage(active, at('2026-11-22T23:00:00Z')))).toContain('expiry due');
    expect(allText(approvalMessage(active, NOW))).toContain('<!date^1795384800^{date_short_pretty} {time}|2026-11-22 22:00 UTC>');
  });

  it('lists the blast radius of a rotation, "none found" when empty, and cuts it after 20 services', () => {
    expect(allText(approvalMessage(aRotateRequest({ context: { services: [] } }), NOW))).toContain('none found');
    const services = Array.from({ length: 25 }, (_, i) => `projects/p/locations/l/services/svc-${i}`);
    const view = expectValid(approvalMessage(aRotateRequest({ context: { services } }), NOW));
    const text = allText(view);
    expect(text).toContain('25 services use this key');
    expect(text).toContain('svc-19`');
    expect(text).not.toContain('svc-20`');
    expect(text).toContain('and 5 more');
  });

  it('shows the failure outcome of a failed request', () => {
    const failed = inStatus(aRequest(), 'failed');
    expect(allText(approvalMessage(failed, NOW))).toContain('Failed — PERMISSION_DENIED');
  });
});

describe('user text', () => {
  it('is escaped in every view so it cannot mention anyone or link anywhere', () => {
    for (const [, make] of KINDS) {
      const request = inStatus({ ...make(), reason: HOSTILE, outcome: HOSTILE }, 'active');
      for (const [name, view] of [...everyView(request), ['refusal', refusal(HOSTILE)] as [string, SlackView]]) {
        expect([name, blockKitViolations(view)]).toEqual([name, []]);
      }
    }
    const text = allText(approvalMessage(aRequest({ reason: HOSTILE }), NOW));
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;https://evil.example|click here&gt;');
    expect(text).toContain('&amp;');
    expect(text).not.toContain('<!channel>');
  });

  it('escapes hostile identifiers too (target, member, value, context)', () => {
    const request = aRequest({
      target: 'projects/x/locations/y/services/<!channel>',
      member: 'user:<https://evil|x>',
      context: { current: '<!here>', latestReadyRevision: '<@U0X>' },
    });
    for (const [name, view] of everyView(request)) expect([name, blockKitViolations(view)]).toEqual([name, []]);
  });

  it('truncates a 5000-character reason within the limits', () => {
    for (const reason of ['x'.repeat(5000), '<'.repeat(5000), '😀'.repeat(2500)]) {
      for (const [name, view] of everyView(aRequest({ reason }))) {
        expect([name, blockKitViolations(view)]).toEqual([name, []]);
      }
      const reasonBlock = approvalMessage(aRequest({ reason }), NOW).blocks.find(
        (b) => b.type === 'section' && b.text?.text.startsWith('*Reason*'),
      );
      expect(reasonBlock?.type === 'section' && reasonBlock.text?.text.endsWith('…')).toBe(true);
    }
  });
});

describe('every view', () => {
  it('names the request id in its notification text', () => {
    for (const [, make] of KINDS) {
      for (const status of STATUSES) {
        const request = inStatus(make(), status);
        for (const [name, view] of everyView(request)) expect([name, view.text]).toEqual([name, expect.stringContaining(request.id)]);
      }
    }
  });
});

describe('revert failing: the truth about the access (issue 16 §11)', () => {
  const failing = (accessEndsAt?: string) => ({
    since: at('2026-11-22T20:10:00Z'),
    failures: 1,
    retryAt: at('2026-11-22T20:11:00Z'),
    reason: 'Permission denied',
    ...(accessEndsAt ? { accessEndsAt: at(accessEndsAt) } : {}),
  });
  it('an invoker grant whose condition ends later: the access remains until then, runwarden keeps trying', () => {
    const request = { ...inStatus(aRequest(), 'active'), revertFailing: failing('2026-11-22T21:00:00Z') };
    const text = requesterNotice(request, 'revert_failing', { slash: '/warden' }).text;
    expect(text).toMatch(/still in force/);
    expect(text).toMatch(/The access remains until <!date\^\d+.*IAM condition ends it/);
    expect(text).toMatch(/keeps trying/);
    expect(text).not.toMatch(/expired|revoked your/);
  });
  it('an invoker grant whose condition has passed: the condition ended the access, the binding is still there', () => {
    const request = { ...inStatus(aRequest(), 'active'), revertFailing: failing('2026-11-22T20:00:00Z') };
    const text = requesterNotice(request, 'revert_failing', { slash: '/warden' }).text;
    expect(text).toMatch(/IAM condition ended the access .* but the binding is still on the service/);
  });
  it('an egress change: the access remains until runwarden manages to undo it', () => {
    const request = { ...inStatus(anEgressRequest(), 'active'), revertFailing: failing() };
    const text = requesterNotice(request, 'revert_failing', { slash: '/warden' }).text;
    expect(text).toMatch(/remains in force until runwarden manages to undo it/);
  });
  it('undone after all', () => {
    const text = requesterNotice(inStatus(aRequest(), 'expired'), 'revert_recovered', { slash: '/warden' }).text;
    expect(text).toMatch(/undone after all.*expired now/);
  });
});

describe('requesterNotice', () => {
  it.each(NOTICE_KINDS.map((k) => [k]))('renders %s for an invoker grant', (kind) => {
    const status: Status =
      kind === 'submitted' || kind === 'approval' || kind === 'step'
        ? 'pending'
        : kind === 'auto_approved'
          ? 'approved'
          : kind === 'applied' ||
              kind === 'drift' ||
              kind.startsWith('ext') ||
              kind === 'expiring' ||
              kind === 'window_open' ||
              kind === 'revert_failing'
            ? 'active'
            : kind === 'revert_recovered'
              ? 'revoked'
              : (kind as Status);
    const request = inStatus(aRequest({ approvalsRequired: 2 }), status);
    if (kind === 'approval') request.approvals = [{ approver: 'U0BOB', at: at('2026-11-22T19:58:00Z') }];
    if (kind === 'drift') request.outcome = 'the runwarden binding is missing from the IAM policy';
    if (kind === 'revert_failing') {
      const since = at('2026-11-22T20:10:00Z');
      request.revertFailing = {
        since,
        failures: 1,
        retryAt: at('2026-11-22T20:11:00Z'),
        reason: 'Permission denied',
        accessEndsAt: at('2026-11-22T21:00:00Z'),
      };
    }
    const view = expectValid(requesterNotice(request, kind, { slash: '/warden' }));
    expect(view.text).toContain(request.id);
    expect(allText(view)).toContain(request.target);
    expect(view).toMatchSnapshot();
  });

  it.each([
    ['egress applied', inStatus(anEgressRequest(), 'active'), 'applied'],
    ['egress expired', inStatus(anEgressRequest(), 'expired'), 'expired'],
    ['ingress applied permanently', inStatus(anIngressRequest(), 'applied'), 'applied'],
    ['rotation applied', inStatus(aRotateRequest(), 'applied'), 'applied'],
    ['revoked by the requester', { ...inStatus(aRequest(), 'revoked'), decidedBy: 'U0ALICE' }, 'revoked'],
  ] as const)('renders %s', (_name, request, kind) => {
    expect(expectValid(requesterNotice(request, kind, { slash: '/warden' }))).toMatchSnapshot();
  });

  it('says who approved and how many approvals remain', () => {
    const request = anEgressRequest({ approvals: [{ approver: 'U0CAROL', at: at('2026-11-22T19:58:00Z') }] });
    expect(requesterNotice(request, 'approval', { slash: '/warden' }).text).toContain('<@U0CAROL> approved your request `e5m3p8wz`');
    expect(requesterNotice(request, 'approval', { slash: '/warden' }).text).toContain('1 of 2 approvals; waiting for 1 more');
  });

  it('says what was put back when a temporary egress change expires', () => {
    expect(requesterNotice(inStatus(anEgressRequest(), 'expired'), 'expired', { slash: '/warden' }).text).toContain(
      'egress of `payments-api` was set back to `private-ranges-only`',
    );
  });
});

describe('statusView', () => {
  const events = [
    anEvent({ action: 'approved', actor: 'U0BOB', at: at('2026-11-22T19:58:00Z'), detail: { count: 1 } }),
    anEvent({ detail: { kind: 'invoker', durationSeconds: 7200 } }),
    anEvent({
      action: 'applied',
      actor: 'runwarden',
      at: at('2026-11-22T20:00:00Z'),
      detail: { binding: 'runwarden-r7x2k9qd', expiresAt: at('2026-11-22T22:00:00Z'), extra: { nested: [1, 2] } },
    }),
  ];

  it('renders the fields and the history oldest first', () => {
    const view = expectValid(statusView(inStatus(aRequest(), 'active'), events, NOW));
    const text = allText(view);
    expect(text.indexOf('*submitted*')).toBeLessThan(text.indexOf('*approved*'));
    expect(text.indexOf('*approved*')).toBeLessThan(text.indexOf('*applied*'));
    expect(text).toContain('expiresAt: 2026-11-22T22:00:00.000Z');
    expect(view).toMatchSnapshot();
  });

  it('renders a rotation with no events', () => {
    expect(expectValid(statusView(inStatus(aRotateRequest(), 'applied'), []))).toMatchSnapshot();
  });

  it('stays within the limits with a very long history', () => {
    const many = Array.from({ length: 600 }, (_, i) =>
      anEvent({ action: 'refused_click', actor: 'U0MALLORY', at: new Date(NOW.getTime() + i * 1000), detail: { why: 'x'.repeat(300) } }),
    );
    const view = expectValid(statusView(aRequest(), many, NOW));
    expect(allText(view)).toMatch(/…\d+ more events not shown/);
  });
});

describe('listView', () => {
  it('renders open requests, active grants and requests awaiting approval', () => {
    const mine = [inStatus(aRequest(), 'active'), anEgressRequest(), inStatus(anIngressRequest(), 'approved')];
    const awaitingMe = [aRotateRequest({ requester: 'U0DAVE', channel: 'C0SECURITY', message: undefined })];
    const view = expectValid(listView({ mine, awaitingMe }, NOW, '/warden'));
    for (const r of [...mine, ...awaitingMe]) expect(view.text).toContain(r.id);
    expect(allText(view)).toContain('in <#C0SECURITY>');
    expect(view).toMatchSnapshot();
  });

  it('has friendly empty states', () => {
    const view = expectValid(listView({ mine: [], awaitingMe: [] }, NOW, '/warden'));
    expect(allText(view)).toContain('Nothing open');
    expect(allText(view)).toContain('Nothing is waiting for you');
    expect(view).toMatchSnapshot();
  });

  it('stays within the limits with hundreds of requests', () => {
    const many = Array.from({ length: 300 }, (_, i) => aRequest({ id: `id${i}`, reason: 'r'.repeat(2000) }));
    expectValid(listView({ mine: many, awaitingMe: many }, NOW, '/warden'));
  });
});

describe('reminderMessage', () => {
  it('mentions only approvers who have not acted, never the requester', () => {
    const request = anEgressRequest({ approvals: [{ approver: 'U0BOB', at: at('2026-11-22T19:58:00Z') }] });
    const view = expectValid(reminderMessage(request, ['U0BOB', 'U0CAROL', 'U0ALICE', 'S0SECURITY']));
    expect(view.text).toContain('<@U0CAROL>');
    expect(view.text).toContain('<!subteam^S0SECURITY>');
    expect(view.text).not.toContain('<@U0BOB>');
    expect(view.text).not.toMatch(/<@U0ALICE>(?! \()/);
    expect(view.text.startsWith(':bell: <@U0CAROL> <!subteam^S0SECURITY>:')).toBe(true);
    expect(view).toMatchSnapshot();
  });

  it('falls back to the group name when no approver id is known', () => {
    expect(reminderMessage(aRequest(), []).text).toContain('approvers of *platform*');
  });
});

describe('refusal', () => {
  it('is a no-entry line with the text escaped', () => {
    const view = expectValid(refusal('You cannot approve your own request `r7x2k9qd`.'));
    expect(view.text).toBe(':no_entry: You cannot approve your own request `r7x2k9qd`.');
    expect(view).toMatchSnapshot();
    expect(refusal('<!channel>').text).toBe(':no_entry: &lt;!channel&gt;');
  });
});

describe('blockKitViolations', () => {
  it('catches what Slack would reject', () => {
    const tooMany: SlackView = {
      text: 'x',
      blocks: Array.from({ length: 51 }, () => ({ type: 'divider' as const })),
    };
    expect(blockKitViolations(tooMany)).toContain('51 blocks');
    const longSection: SlackView = { text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }] };
    expect(blockKitViolations(longSection)).toEqual(['block 0 (section): 3001 > 3000 chars']);
    const injected: SlackView = { text: 'hi <!channel>', blocks: [{ type: 'divider' }] };
    expect(blockKitViolations(injected)).toEqual(['text: unsafe token <!channel>']);
  });
});

describe('extensionMessage', () => {
  const extension = (status: import('../../../../src/domain/request').ExtensionStatus) => ({
    n: 1,
    duration: '30m',
    durationSeconds: 1800,
    reason: HOSTILE,
    status,
    approvals: status === 'pending' ? [] : [{ approver: 'U0BOB', at: at('2026-11-22T19:58:00Z') }],
    requestedAt: at('2026-11-22T19:50:00Z'),
    ...(status === 'denied' ? { decidedBy: 'U0CAROL' } : {}),
    ...(status === 'applied' ? { expiresAt: at('2026-11-22T22:30:00Z') } : {}),
    ...(status === 'lapsed' || status === 'failed' ? { outcome: 'The grant ended before the extension was decided.' } : {}),
  });
  it.each(['pending', 'approved', 'applied', 'denied', 'lapsed', 'failed'] as const)(
    'renders a %s extension, naming the original request',
    (status) => {
      const request = inStatus(aRequest({ extensions: [extension(status)] }), 'active');
      const view = expectValid(extensionMessage(request, extension(status), '/warden'));
      expect(view.text).toContain(request.id);
      const ids = buttons(view).map((b) => [b.action_id, b.value, b.text.text]);
      expect(ids).toEqual(
        status === 'pending'
          ? [
              ['runwarden_extension_approve', `${request.id}.1`, 'Approve'],
              ['runwarden_extension_deny', `${request.id}.1`, 'Deny'],
            ]
          : [],
      );
      expect(view).toMatchSnapshot();
      // the original request's message shows the extension
      expect(allText(expectValid(approvalMessage(request, NOW)))).toContain('Extension 1 (+30m)');
    },
  );
  it('renders an auto-approved extension as information, without Approve or Deny', () => {
    const auto = {
      ...extension('approved'),
      approvals: [{ approver: 'runwarden:auto', at: at('2026-11-22T19:50:00Z') }],
      autoApproved: true,
    };
    const request = inStatus(aRequest({ extensions: [auto] }), 'active');
    const view = expectValid(extensionMessage(request, auto, '/warden'));
    expect(buttons(view)).toEqual([]);
    expect(view.text).toContain('auto-approved');
    expect(allText(view)).not.toContain('<@runwarden:auto>');
    expect(view).toMatchSnapshot();
    expect(allText(expectValid(approvalMessage(request, NOW)))).toContain('Extension 1 (+30m): auto-approved');
  });
});

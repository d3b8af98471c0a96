/**
 * Policy power end to end, over signed Slack requests, the Firestore emulator
 * and the Cloud Run emulator: auto-approval, break-glass with its review and
 * reminders, and scheduled grants (SPEC §4, §8, §9).
 */
import { startHarness, service, PROJECT, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, channel: C0APPROVALS }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups: { platform: [U0BOB, U0CAROL] }
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/staging-*"]
    maxDuration: 8h
    approvers: platform
    autoApprove: { requesters: [S0SECURITY, U0ALICE], maxDuration: 1h }
    maxExtensions: 2
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    maxStartDelay: 2d
    breakGlass: { requesters: [U0ALICE, U0CAROL], maxDuration: 2h }
`;

const STAGING = service('staging-api');
const PROD = service('prod-api');

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY, settings: { remindAfterSeconds: 3600 } });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: STAGING });
  h.emulator.seedService({ name: PROD });
});

const ours = (resource: string) => h.emulator.policy(resource).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
const actionIds = (blocks: unknown): string[] =>
  [...JSON.stringify(blocks ?? []).matchAll(/"action_id":"([a-z_]+)"/g)].map((m) => m[1] ?? '');

describe('auto-approval', () => {
  it.each([
    ['a listed user', 'U0ALICE'],
    ['a member of a listed user group', 'U0DAVE'],
  ])(
    '%s within autoApprove.maxDuration is approved by runwarden:auto and applied at once; the channel is told without buttons',
    async (_who, user) => {
      const reply = await h.ask(user, 'invoker staging-api 30m reproduce the bug');
      expect(reply).toMatch(/auto-approved/);
      const id = /`([a-z0-9]{10})`/.exec(reply)?.[1] ?? '';
      const active = await h.waitForStatus(id, 'active');
      expect(active).toMatchObject({ autoApproved: true, approvals: [{ approver: 'runwarden:auto' }] });
      expect(ours(STAGING)).toHaveLength(1);
      const message = await h.slack.waitFor(() => h.approvalMessage(id), { description: 'auto-approval message' });
      expect(message.text).toMatch(/Auto-approved/);
      expect(actionIds(message.blocks)).toEqual([]);
      const events = await h.runwarden.deps.store.events(id);
      expect(events.find((e) => e.action === 'auto_approved')).toMatchObject({ actor: 'runwarden:auto', detail: { rule: 'invoker#1' } });
    },
  );

  it.each([
    ['longer than autoApprove.maxDuration', 'U0ALICE', 'invoker staging-api 2h reproduce the bug'],
    ['by someone who does not qualify', 'U0CAROL', 'invoker staging-api 30m reproduce the bug'],
  ])('a request %s waits for people, with Approve and Deny', async (_what, user, text) => {
    const id = await h.submit(user, text);
    const request = await h.request(id);
    expect(request).toMatchObject({ status: 'pending', approvals: [] });
    expect(request.autoApproved).toBeUndefined();
    expect(actionIds(h.approvalMessage(id)?.blocks)).toEqual(['runwarden_approve', 'runwarden_deny']);
    expect(ours(STAGING)).toEqual([]);
  });
});

describe('auto-approval of extensions', () => {
  it('an on-call extension that keeps the whole grant within autoApprove.maxDuration is applied without a click; one that would not waits for approval', async () => {
    const reply = await h.ask('U0DAVE', 'invoker staging-api 30m reproduce the bug');
    const id = /`([a-z0-9]{10})`/.exec(reply)?.[1] ?? '';
    const grant = await h.waitForStatus(id, 'active');
    await h.ask('U0DAVE', `extend ${id} 20m still reproducing`);
    const extended = await h.waitForRequest(id, (r) => r.extensions?.[0]?.status === 'applied' && r.op === undefined);
    const newExpiry = new Date((grant.expiresAt?.getTime() ?? 0) + 20 * 60_000);
    expect(extended.expiresAt).toEqual(newExpiry);
    expect(extended.extensions?.[0]).toMatchObject({
      status: 'applied',
      autoApproved: true,
      approvals: [{ approver: 'runwarden:auto' }],
      expiresAt: newExpiry,
    });
    expect(JSON.stringify(ours(STAGING))).toContain(newExpiry.toISOString().replace('.000Z', 'Z'));
    const message = await h.slack.waitFor(() => h.extensionMessage(id, 1), { description: 'auto-approved extension message' });
    expect(message.text).toMatch(/auto-approved/);
    expect(actionIds(message.blocks)).toEqual([]);
    const events = await h.runwarden.deps.store.events(id);
    expect(events.find((e) => e.action === 'extension_auto_approved')).toMatchObject({
      actor: 'runwarden:auto',
      detail: { n: 1, rule: 'invoker#1' },
    });

    // 30m + 20m + 20m would be 70m, past autoApprove.maxDuration (1h): people decide
    await h.ask('U0DAVE', `extend ${id} 20m needs longer`);
    const waiting = await h.waitForRequest(id, (r) => r.extensions?.[1] !== undefined);
    expect(waiting.extensions?.[1]).toMatchObject({ status: 'pending', approvals: [] });
    expect(waiting.extensions?.[1]?.autoApproved).toBeUndefined();
    expect(waiting.expiresAt).toEqual(newExpiry);
    const pending = await h.slack.waitFor(() => h.extensionMessage(id, 2), { description: 'extension 2 message' });
    expect(actionIds(pending.blocks)).toEqual(['runwarden_extension_approve', 'runwarden_extension_deny']);
  });
});

describe('break-glass', () => {
  it('is applied at once, announced loudly, reviewed by an approver and never by the requester; reminded until reviewed, also after expiry', async () => {
    const reply = await h.ask('U0ALICE', 'invoker prod-api 1h --break-glass checkout is down');
    expect(reply).toMatch(/Break-glass/);
    const id = /`([a-z0-9]{10})`/.exec(reply)?.[1] ?? '';
    const active = await h.waitForStatus(id, 'active');
    expect(active).toMatchObject({ breakGlass: true, approvals: [], reason: 'checkout is down' });
    expect(ours(PROD)).toHaveLength(1);

    const message = await h.slack.waitFor(() => h.approvalMessage(id), { description: 'break-glass announcement' });
    expect(message.text).toContain('<!here>');
    expect(message.text).toMatch(/break-glass/);
    expect(message.text).toContain('<@U0ALICE>');
    expect(message.text).toContain('checkout is down');
    expect(message.text).toContain('prod-api');
    expect(JSON.stringify(message.blocks)).toContain('"text":"Review"');
    expect(actionIds(message.blocks)).toContain('runwarden_review');

    // the requester cannot review; the refusal is audited and nothing changes
    await h.click('U0ALICE', 'review', id);
    await h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === 'U0ALICE' && /review your own/.test(e.text)), {
      description: 'self-review refusal',
    });
    expect((await h.request(id)).reviewedBy).toBeUndefined();

    // reminded in the thread after WARDEN_REMIND_AFTER, also once the grant expired
    h.clock.advance(3601);
    const first = await h.sweep();
    expect(first.body).toMatchObject({ reviewReminded: 1, expired: 1 });
    expect((await h.request(id)).status).toBe('expired');
    h.clock.advance(3601);
    expect((await h.sweep()).body.reviewReminded).toBe(1);
    const reminders = h.slack.messages('C0APPROVALS').filter((m) => m.threadTs === message.ts && /awaits review/.test(m.text));
    expect(reminders).toHaveLength(2);
    expect(reminders[0]?.text).toContain('<@U0BOB>');
    expect(reminders[0]?.text).not.toContain('<@U0ALICE>:');

    // listed for the approver while it awaits review
    expect(await h.ask('U0BOB', 'list')).toContain(id);

    await h.click('U0BOB', 'review', id);
    const reviewed = await h.waitForRequest(id, (r) => r.reviewedBy !== undefined);
    expect(reviewed).toMatchObject({ reviewedBy: 'U0BOB', status: 'expired', breakGlass: true });
    expect(reviewed.reviewedAt).toBeInstanceOf(Date);
    await h.slack.waitFor(() => (actionIds(h.approvalMessage(id)?.blocks).includes('runwarden_review') ? undefined : true), {
      description: 'Review button gone',
    });

    h.clock.advance(3601);
    expect((await h.sweep()).body.reviewReminded).toBe(0);
  });

  it.each([
    ['for longer than breakGlass.maxDuration', 'U0ALICE', 'invoker prod-api 3h --break-glass checkout is down', /longer than the 2h/],
    ['by someone who is not a break-glass requester', 'U0BOB', 'invoker prod-api 1h --break-glass checkout is down', /--break-glass/],
    ['on a rule without breakGlass', 'U0ALICE', 'invoker staging-api 30m --break-glass checkout is down', /does not allow --break-glass/],
  ])('is refused %s: nothing applied, nothing announced', async (_what, user, text, expected) => {
    const before = h.slack.messages('C0APPROVALS').length;
    const reply = await h.ask(user, text);
    expect(reply).toMatch(expected);
    expect(h.slack.messages('C0APPROVALS')).toHaveLength(before);
    expect(ours(PROD)).toEqual([]);
    expect(ours(STAGING)).toEqual([]);
  });
});

describe('scheduled grants', () => {
  it('approved, the binding carries both bounds at once; the requester is told when the window opens; removed after its end', async () => {
    const start = new Date(Math.ceil(h.clock.now().getTime() / 1000) * 1000 + 2 * 3600_000);
    const startText = start.toISOString().replace('.000Z', 'Z');
    const id = await h.submit('U0ALICE', `invoker prod-api 1h planned migration --start ${startText}`);
    const message = h.approvalMessage(id);
    expect(message?.text).toMatch(/from .* until /);
    await h.click('U0BOB', 'approve', id);
    const active = await h.waitForStatus(id, 'active');
    const end = new Date(start.getTime() + 3600_000);
    expect(active.startsAt).toEqual(start);
    expect(active.expiresAt).toEqual(end);
    expect(ours(PROD)).toEqual([
      expect.objectContaining({
        condition: expect.objectContaining({
          title: `runwarden-${id}`,
          expression: `request.time >= timestamp("${startText}") && request.time < timestamp("${end.toISOString().replace('.000Z', 'Z')}")`,
        }),
      }),
    ]);

    expect((await h.sweep()).body.windowsOpened).toBe(0);
    h.clock.advance(2 * 3600 + 1);
    expect((await h.sweep()).body.windowsOpened).toBe(1);
    await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && /window .* is open/.test(m.text)), {
      description: 'window DM',
    });
    expect((await h.sweep()).body.windowsOpened).toBe(0);

    h.clock.advance(3600);
    expect((await h.sweep()).body.expired).toBe(1);
    expect(ours(PROD)).toEqual([]);
  });

  it('a duration as --start works, and revoking before the start removes the binding', async () => {
    const id = await h.submit('U0ALICE', 'invoker prod-api 1h planned migration --start 3h');
    await h.click('U0CAROL', 'approve', id);
    await h.waitForStatus(id, 'active');
    expect(ours(PROD)).toHaveLength(1);
    await h.ask('U0ALICE', `revoke ${id}`);
    await h.waitForStatus(id, 'revoked');
    expect(ours(PROD)).toEqual([]);
  });

  it.each([
    ['further ahead than maxStartDelay', 'invoker prod-api 1h migration --start 3d', /more than the 2d ahead/],
    ['in the past', 'invoker prod-api 1h migration --start 2020-01-01T00:00:00Z', /in the past/],
  ])('a start %s is refused', async (_what, text, expected) => {
    expect(await h.ask('U0ALICE', text)).toMatch(expected);
  });
});

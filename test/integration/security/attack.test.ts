/**
 * Findings of the post-feature attack review, end to end through the public
 * interfaces (signed Slack requests, the Slack stand-in's failures, the
 * Firestore emulator and the project's Cloud Run emulator). Each case gave
 * someone a say over their own access before its fix.
 */
import { loadPolicy } from '../../../src/domain/policy/loadPolicy';
import type { Policy } from '../../../src/domain/policy/schema';
import { startHarness, service, PROJECT, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: C0APPROVALS }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/shared-*"]
    members: [self, user]
    maxDuration: 8h
    approvers: platform
    breakGlass: { requesters: [U0ALICE], maxDuration: 2h }
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/ext-*"]
    members: [self, user]
    maxDuration: 8h
    maxExtensions: 2
    approvers: platform
`;

function policyFrom(text: string): Policy {
  const loaded = loadPolicy(text);
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.policy;
}

let h: Harness;
const SHARED = service('shared-api');
const EXT = service('ext-api');

beforeAll(async () => {
  // Slack membership and emails change within these tests and must be seen at the next click: no directory cache
  // (the 30 s cache, and what it means for authority, is tested in test/integration/faults/slackRateLimits.test.ts)
  h = await startHarness({ policy: POLICY, settings: { directoryCacheSeconds: 0 } });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.runwarden.deps.policy = () => policyFrom(POLICY);
  h.emulator.reset();
  h.emulator.seedService({ name: SHARED });
  h.emulator.seedService({ name: EXT });
});

const ourBindings = () => h.emulator.policy(SHARED).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
const ephemeralTo = (user: string, id: string, pattern: RegExp) =>
  h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === user && e.text.includes(id) && pattern.test(e.text)), {
    description: `ephemeral to ${user}`,
  });

describe('a Slack failure never lets someone approve a grant to their own identity', () => {
  it('users.info failing for the clicker (rate limited) refuses the click instead of counting it', async () => {
    const homes = h.slack.homePublishes('U0BOB');
    const id = await h.submit('U0ALICE', 'invoker shared-api 1h pairing with bob --member user:bob@acme.example');
    // the approvers' Home tabs are refreshed in the background (and look Bob up): let that finish, so the failure hits the click
    await h.slack.waitFor(() => h.slack.homePublishes('U0BOB') > homes || undefined, { description: "Bob's Home refreshed" });
    h.slack.failNext('users.info', 'ratelimited');
    await h.click('U0BOB', 'approve', id);
    await h.slack.waitFor(
      () => h.slack.ephemerals.find((e) => e.user === 'U0BOB' && /could not look people up in Slack.*try again/i.test(e.text)),
      {
        description: 'the lookup failure told to Bob',
      },
    );
    expect(await h.request(id)).toMatchObject({ status: 'pending', approvals: [] });
    expect(ourBindings()).toHaveLength(0);

    // once Slack answers again, Bob is recognised as the member and refused as such
    await h.click('U0BOB', 'approve', id);
    await ephemeralTo('U0BOB', id, /your own identity/);
    expect(await h.request(id)).toMatchObject({ status: 'pending', approvals: [] });
    expect(ourBindings()).toHaveLength(0);
  });

  it('an approver whose Slack profile shows no email cannot approve a grant to another member (runwarden cannot tell it is not them)', async () => {
    h.slack.setUser({ id: 'U0CAROL', name: 'carol' });
    try {
      const id = await h.submit('U0ALICE', 'invoker shared-api 1h pairing with carol --member user:carol@acme.example');
      await h.click('U0CAROL', 'approve', id);
      await ephemeralTo('U0CAROL', id, /identity/);
      expect(await h.request(id)).toMatchObject({ status: 'pending', approvals: [] });
      expect(ourBindings()).toHaveLength(0);
    } finally {
      h.slack.setUser({ id: 'U0CAROL', name: 'carol', email: 'carol@acme.example' });
    }
  });
});

describe('break-glass review', () => {
  it('a break-glass grant is only ever to its requester, so no member reviews a grant to themselves; another approver reviews it', async () => {
    // SPEC §5: a request for another member is never break-glass (the member_review refusal is table-tested in the domain)
    expect(await h.ask('U0ALICE', 'invoker shared-api 1h --break-glass --member user:bob@acme.example bob must fix checkout')).toMatch(
      /one person alone never gives access/,
    );
    expect(ourBindings()).toHaveLength(0);

    const reply = await h.ask('U0ALICE', 'invoker shared-api 1h --break-glass checkout is down');
    const id = /`([a-z0-9]{10})`/.exec(reply)?.[1] ?? '';
    expect(id).not.toBe('');
    await h.waitForStatus(id, 'active');
    await h.slack.waitFor(() => h.approvalMessage(id), { description: 'break-glass announcement' });
    await h.click('U0ALICE', 'review', id);
    await ephemeralTo('U0ALICE', id, /your own break-glass/);
    const events = await h.runwarden.deps.store.events(id);
    expect(events).toContainEqual(
      expect.objectContaining({ actor: 'U0ALICE', action: 'review_refused', detail: { reason: 'self_review' } }),
    );

    await h.click('U0CAROL', 'review', id);
    expect((await h.waitForRequest(id, (r) => r.reviewedBy !== undefined)).reviewedBy).toBe('U0CAROL');
  });
});

describe('an extension is re-checked at apply like a request', () => {
  async function extensionLapsedInApply(member = ''): Promise<string> {
    const id = await h.submit('U0ALICE', `invoker ext-api 1h debugging${member}`);
    await h.click('U0CAROL', 'approve', id);
    await h.waitForStatus(id, 'active');
    expect(await h.ask('U0ALICE', `extend ${id} 30m still debugging`)).toContain('Extension 1');
    const message = await h.slack.waitFor(() => h.extensionMessage(id, 1), { description: 'extension message' });
    h.emulator.injectFault({ method: 'SetIamPolicy', code: 14, message: 'unavailable', times: 8 });
    await h.press('U0BOB', 'runwarden_extension_approve', `${id}.1`, message);
    await h.waitForRequest(
      id,
      (r) => r.extensions?.[0]?.status === 'approved' && r.op !== undefined && r.op.leaseUntil.getTime() <= h.clock.now().getTime(),
    );
    return id;
  }

  it('an extension approver who left the approver group no longer counts when the sweep finishes the apply', async () => {
    const id = await extensionLapsedInApply();
    const before = await h.request(id);
    const expression = h.emulator.policy(EXT).bindings.find((b) => b.condition?.title === `runwarden-${id}`)?.condition?.expression;
    expect(expression).toBeDefined();
    h.runwarden.deps.policy = () => policyFrom(POLICY.replace('platform: [U0BOB, U0CAROL]', 'platform: [U0CAROL, U0DAVE]'));
    await h.sweep();
    const after = await h.waitForRequest(id, (r) => r.extensions?.[0]?.status !== 'approved');
    expect(after.extensions?.[0]?.status).toBe('failed');
    expect(after.expiresAt).toEqual(before.expiresAt);
    expect(h.emulator.policy(EXT).bindings.find((b) => b.condition?.title === `runwarden-${id}`)?.condition?.expression).toBe(expression);
  });

  it('a requester the policy no longer lets ask gets no extension at apply', async () => {
    const id = await extensionLapsedInApply();
    const before = await h.request(id);
    h.runwarden.deps.policy = () =>
      policyFrom(POLICY.replace('    maxExtensions: 2\n', '    maxExtensions: 2\n    requesters: [U0DAVE]\n'));
    await h.sweep();
    const after = await h.waitForRequest(id, (r) => r.extensions?.[0]?.status !== 'approved');
    expect(after.extensions?.[0]?.status).toBe('failed');
    expect(after.expiresAt).toEqual(before.expiresAt);
  });
});

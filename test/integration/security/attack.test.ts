/**
 * Findings of the post-feature attack review, end to end through the public
 * interfaces (signed Slack requests, the Slack stand-in's failures, the
 * Firestore emulator and the project's Cloud Run emulator). Each case gave
 * someone a say over their own access before its fix.
 */
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
`;

let h: Harness;
const SHARED = service('shared-api');

beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: SHARED });
});

const ourBindings = () => h.emulator.policy(SHARED).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
const ephemeralTo = (user: string, id: string, pattern: RegExp) =>
  h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === user && e.text.includes(id) && pattern.test(e.text)), { description: `ephemeral to ${user}` });

describe('a Slack failure never lets someone approve a grant to their own identity', () => {
  it('users.info failing for the clicker (rate limited) refuses the click instead of counting it', async () => {
    const id = await h.submit('U0ALICE', 'invoker shared-api 1h pairing with bob --member user:bob@acme.example');
    h.slack.failNext('users.info', 'ratelimited');
    await h.click('U0BOB', 'approve', id);
    await h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === 'U0BOB' && /could not look people up in Slack.*try again/i.test(e.text)), {
      description: 'the lookup failure told to Bob',
    });
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
  it('the member a break-glass grant went to cannot review it', async () => {
    const reply = await h.ask('U0ALICE', 'invoker shared-api 1h --break-glass --member user:bob@acme.example bob must fix checkout');
    const id = /`([a-z0-9]{10})`/.exec(reply)?.[1] ?? '';
    expect(id).not.toBe('');
    await h.waitForStatus(id, 'active');
    await h.slack.waitFor(() => h.approvalMessage(id), { description: 'break-glass announcement' });

    await h.click('U0BOB', 'review', id);
    await ephemeralTo('U0BOB', id, /own identity/);
    expect((await h.request(id)).reviewedBy).toBeUndefined();
    const events = await h.runwarden.deps.store.events(id);
    expect(events).toContainEqual(expect.objectContaining({ actor: 'U0BOB', action: 'review_refused', detail: { reason: 'member_review' } }));

    await h.click('U0CAROL', 'review', id);
    expect((await h.waitForRequest(id, (r) => r.reviewedBy !== undefined)).reviewedBy).toBe('U0CAROL');
  });
});

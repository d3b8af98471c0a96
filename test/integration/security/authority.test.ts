/**
 * Issue 6 end to end, as an attacker would try it: signed Slack requests,
 * the Firestore emulator, the project's Cloud Run / KMS emulator. Each case
 * got access (or a record) it should not have before the fix.
 */
import { loadPolicy } from '../../../src/domain/policy/loadPolicy';
import type { Policy } from '../../../src/domain/policy/schema';
import { FORM_CONTENT_TYPE, slashCommandBody } from '../../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../../../dev/sandbox/slackSigner';
import { startHarness, service, PROJECT, SIGNING_SECRET, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: C0APPROVALS }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
  sre: [S0SRE]
  security: [S0SECURITY]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/shared-*"]
    members: [self, user]
    maxDuration: 8h
    approvers: platform
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/sre-*"]
    maxDuration: 8h
    approvers: sre
    approvals: 2
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
  - kind: egress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    approvers: platform
  - kind: ingress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    approvers: platform
  - kind: rotate
    resources: ["projects/${PROJECT}/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
    maxRotationPeriod: 30d
`;

function policyFrom(text: string): Policy {
  const loaded = loadPolicy(text);
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.policy;
}

let h: Harness;
const HELLO = service('hello');
const SHARED = service('shared-api');
const SRE = service('sre-api');
const KEY = `projects/${PROJECT}/locations/global/keyRings/run-cmek/cryptoKeys/payments`;

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
  h.slack.setUserGroup('S0SRE', ['U0CAROL', 'U0ERIN', 'U0DAVE']);
  h.emulator.reset();
  for (const name of [HELLO, SHARED, SRE])
    h.emulator.seedService({ name, vpcConnector: 'projects/acme-prod/locations/us-central1/connectors/c' });
  h.emulator.seedKey({ name: KEY });
});

const eventsOf = (id: string) => h.runwarden.deps.store.events(id);
const ourBindings = (resource: string) => h.emulator.policy(resource).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
const ephemeralTo = (user: string, id: string) =>
  h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === user && e.text.includes(id)), { description: `ephemeral to ${user}` });
async function refusedWithoutRequest(user: string, text: string, pattern: RegExp): Promise<void> {
  const before = h.slack.messages('C0APPROVALS').length;
  expect(await h.ask(user, text)).toMatch(pattern);
  expect(h.slack.messages('C0APPROVALS')).toHaveLength(before);
}

describe('1. nobody approves a grant to themselves', () => {
  it('a rule without members refuses --member of someone else at submission (default [self])', async () => {
    await refusedWithoutRequest(
      'U0DAVE',
      'invoker hello 8h on-call access --member user:bob@acme.example',
      /only to your own identity.*user:bob@acme\.example/,
    );
  });

  it('an approver cannot approve a grant to their own identity; the refusal is recorded; another approver can', async () => {
    const id = await h.submit('U0DAVE', 'invoker shared-api 8h on-call access --member user:bob@acme.example');
    await h.click('U0BOB', 'approve', id);
    expect((await ephemeralTo('U0BOB', id)).text).toMatch(/your own identity/);
    const refused = await h.waitForRequest(id, () => true);
    expect(refused).toMatchObject({ status: 'pending', approvals: [] });
    expect(await eventsOf(id)).toContainEqual(
      expect.objectContaining({ actor: 'U0BOB', action: 'approve_refused', detail: { reason: 'member_approval' } }),
    );
    expect(ourBindings(SHARED)).toHaveLength(0);

    await h.click('U0CAROL', 'approve', id);
    await h.waitForStatus(id, 'active');
    expect(ourBindings(SHARED)[0]?.members).toEqual(['user:bob@acme.example']);
  });
});

describe('2. authority is checked again at every click and at apply', () => {
  it('an approval whose approver left the Slack user group is dropped at the next click, audited, and the request waits', async () => {
    const id = await h.submit('U0ALICE', 'invoker sre-api 1h incident');
    await h.click('U0CAROL', 'approve', id);
    await h.waitForRequest(id, (r) => r.approvals.length === 1);
    h.slack.setUserGroup('S0SRE', ['U0ERIN', 'U0DAVE']);

    await h.click('U0ERIN', 'approve', id);
    const waiting = await h.waitForRequest(id, (r) => r.approvals.some((a) => a.approver === 'U0ERIN'));
    expect(waiting).toMatchObject({ status: 'pending', approvals: [expect.objectContaining({ approver: 'U0ERIN' })] });
    expect(await eventsOf(id)).toContainEqual(
      expect.objectContaining({ action: 'approval_dropped', detail: { approver: 'U0CAROL', reason: 'not_an_approver' } }),
    );
    expect(ourBindings(SRE)).toHaveLength(0);

    await h.click('U0DAVE', 'approve', id);
    const active = await h.waitForStatus(id, 'active');
    expect(active.approvals.map((a) => a.approver)).toEqual(['U0ERIN', 'U0DAVE']);
  });

  it('a policy redeploy that removes the requester stops a request already in flight, at the click', async () => {
    const id = await h.submit('U0ALICE', 'invoker hello 1h in flight');
    h.runwarden.deps.policy = () =>
      policyFrom(
        POLICY.replace(
          '    maxDuration: 8h\n    approvers: platform\n  - kind: egress',
          '    maxDuration: 8h\n    approvers: platform\n    requesters: [U0CAROL]\n  - kind: egress',
        ),
      );
    await h.click('U0BOB', 'approve', id);
    expect((await ephemeralTo('U0BOB', id)).text).toMatch(/can no longer be approved/);
    expect((await h.request(id)).status).toBe('pending');
    expect(await eventsOf(id)).toContainEqual(
      expect.objectContaining({ action: 'approve_refused', detail: { reason: 'no_longer_allowed' } }),
    );
    expect(ourBindings(HELLO)).toHaveLength(0);
  });

  it('at apply (the sweep finishing an interrupted apply): a policy that no longer allows the duration fails the request, nothing written', async () => {
    const id = await h.submit('U0ALICE', 'invoker hello 2h flaky network');
    h.emulator.injectFault({ method: 'SetIamPolicy', code: 14, message: 'unavailable', times: 8 });
    await h.click('U0BOB', 'approve', id);
    await h.waitForLapsedApply(id);
    h.runwarden.deps.policy = () => policyFrom(POLICY.replaceAll('maxDuration: 8h', 'maxDuration: 1h'));
    await h.sweep();
    const failed = await h.waitForStatus(id, 'failed');
    expect(failed.outcome).toMatch(/no longer allows.*longer than the 1h/);
    expect(ourBindings(HELLO)).toHaveLength(0);
  });

  it('at apply: an approver removed from the policy meanwhile no longer counts; the request goes back to pending', async () => {
    const id = await h.submit('U0ALICE', 'invoker hello 1h flaky network');
    h.emulator.injectFault({ method: 'SetIamPolicy', code: 14, message: 'unavailable', times: 8 });
    await h.click('U0BOB', 'approve', id);
    await h.waitForLapsedApply(id);
    h.runwarden.deps.policy = () => policyFrom(POLICY.replace('platform: [U0BOB, U0CAROL]', 'platform: [U0CAROL, U0ERIN]'));
    await h.sweep();
    const back = await h.waitForStatus(id, 'pending');
    expect(back.approvals).toEqual([]);
    expect(await eventsOf(id)).toContainEqual(
      expect.objectContaining({ action: 'approval_dropped', detail: { approver: 'U0BOB', reason: 'not_an_approver' } }),
    );
    expect(ourBindings(HELLO)).toHaveLength(0);
  });
});

describe('3. who may ask', () => {
  it.each([
    ['invoker', 'invoker hello 1h let me in'],
    ['egress', 'egress hello all-traffic exfiltrate'],
    ['ingress', 'ingress hello all open it up'],
    ['rotate', 'rotate run-cmek/payments rotate it'],
  ])('someone outside the domains may not ask for %s', async (_kind, text) => {
    await refusedWithoutRequest('U0MALLORY', text, /mallory@evil\.example is not in a domain/);
  });

  it('a --rotation-period above the rule’s maxRotationPeriod is refused', async () => {
    await refusedWithoutRequest(
      'U0ALICE',
      'rotate run-cmek/payments schedule --rotation-period 60d',
      /60d is longer than the 30d this rule allows/,
    );
  });

  it.each([
    ['2hrs', 'egress hello all-traffic 2hrs debugging', /`2hrs` is not a duration/],
    ['1h 30m', 'egress hello all-traffic 1h 30m debugging', /`1h 30m` is not a duration: write a duration as one word/],
    ['1h 30m (invoker)', 'invoker hello 1h 30m debugging', /`1h 30m` is not a duration/],
  ])(
    'a duration-looking word that is no duration (%s) is refused with the grammar, never a permanent change',
    async (_word, text, pattern) => {
      const answer = await h.ask('U0ALICE', text);
      expect(answer).toMatch(pattern);
      expect(answer).toMatch(/Usage: `\/warden/);
    },
  );
});

describe('5. user text and Google’s limits', () => {
  it.each([
    ['emoji', '🔥'.repeat(100)],
    ['CJK', '漢字'.repeat(60)],
    ['combining characters', 'e\u0301'.repeat(120)],
  ])('a long reason of %s still gets its binding, the description cut to 256 UTF-8 bytes', async (_kind, reason) => {
    const id = await h.submit('U0ALICE', `invoker hello 1h ${reason}`);
    await h.click('U0BOB', 'approve', id);
    await h.waitForStatus(id, 'active');
    const description = ourBindings(HELLO)[0]?.condition?.description ?? '';
    expect(Buffer.byteLength(description, 'utf8')).toBeLessThanOrEqual(256);
    expect(description.endsWith('…')).toBe(true);
  });
});

describe('6. Slack requests', () => {
  it('the same slash command delivered three times (Slack retries, same trigger_id) makes one request; every delivery gets the same answer', async () => {
    const body = slashCommandBody({
      text: 'egress hello all-traffic 1h retried',
      userId: 'U0ALICE',
      responseUrl: h.slack.responseUrl('retry'),
      triggerId: '1234.5678.retried',
    });
    const url = `${h.botUrl}/slack/events`;
    const first = await postToSlackEndpoint(url, SIGNING_SECRET, body, FORM_CONTENT_TYPE);
    const second = await postToSlackEndpoint(url, SIGNING_SECRET, body, FORM_CONTENT_TYPE, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    const third = await postToSlackEndpoint(url, SIGNING_SECRET, body, FORM_CONTENT_TYPE, {
      headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    const replies = await h.slack.waitFor(() => (h.slack.responses('retry').length === 3 ? h.slack.responses('retry') : undefined), {
      description: 'three replies',
    });
    const texts = replies.map((r) => r.body.text);
    expect(new Set(texts).size).toBe(1);
    const id = /`([23456789a-hjkmnp-z]{10})`/.exec(texts[0] ?? '')?.[1] ?? '';
    expect(id).not.toBe('');
    const mine = await h.runwarden.deps.store.listByRequester('U0ALICE', ['pending']);
    expect(mine.requests.filter((r) => r.reason === 'retried')).toHaveLength(1);
    expect(h.slack.messages('C0APPROVALS').filter((m) => !m.threadTs && JSON.stringify(m.blocks ?? []).includes(id))).toHaveLength(1);
  });

  it('a different trigger_id is a different command', async () => {
    const a = await h.submit('U0ALICE', 'egress hello all-traffic 1h twice on purpose');
    const b = await h.submit('U0ALICE', 'egress hello all-traffic 1h twice on purpose');
    expect(a).not.toBe(b);
  });
});

describe('7. the audit trail records every refused click', () => {
  it('clicks on a decided request — by an approver, by an outsider — and duplicate approvals are each recorded', async () => {
    const id = await h.submit('U0ALICE', 'invoker sre-api 1h audit me');
    await h.click('U0CAROL', 'approve', id);
    await h.waitForRequest(id, (r) => r.approvals.length === 1);
    await h.click('U0CAROL', 'approve', id);
    await ephemeralTo('U0CAROL', id);
    await h.click('U0ERIN', 'deny', id);
    await h.waitForStatus(id, 'denied');
    await h.click('U0BOB', 'approve', id);
    // the clicks are acknowledged at once and handled after: wait for Bob's refusal so the audit order is his, then Mallory's
    await ephemeralTo('U0BOB', id);
    await h.click('U0MALLORY', 'deny', id);
    const refusedEvents = async () => (await eventsOf(id)).filter((e) => e.action.endsWith('_refused'));
    await h.waitForRequest(id, () => true);
    let refused = await refusedEvents();
    for (const deadline = Date.now() + 30_000; refused.length < 3 && Date.now() < deadline; refused = await refusedEvents()) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // the last two clicks are sent without waiting for each other: their order is the machine's
    expect(refused).toHaveLength(3);
    expect(refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'U0CAROL', action: 'approve_refused', detail: { reason: 'duplicate_approval' } }),
        expect.objectContaining({ actor: 'U0BOB', action: 'approve_refused', detail: { reason: 'already_denied' } }),
        expect.objectContaining({ actor: 'U0MALLORY', action: 'deny_refused', detail: { reason: 'already_denied' } }),
      ]),
    );
    const all = await eventsOf(id);
    const times = all.map((e) => e.at.getTime());
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });
});

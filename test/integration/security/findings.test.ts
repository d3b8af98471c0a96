/**
 * Issue 15's attack findings (items 1–13) and issue 16 item 6, each kept as
 * it was found: signed Slack requests to the real bot, the Slack stand-in,
 * the Firestore emulator and the project's Cloud Run emulator. Every case
 * here failed against the code before the single authority decision
 * (src/domain/authority) and its fixes.
 */
import { createHash } from 'node:crypto';
import { loadPolicy } from '../../../src/domain/policy/loadPolicy';
import type { Policy } from '../../../src/domain/policy/schema';
import { FORM_CONTENT_TYPE, viewSubmissionBody } from '../../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../../../dev/sandbox/slackSigner';
import { startHarness, service, PROJECT, SIGNING_SECRET, type Harness } from '../../support/harness';

jest.setTimeout(240_000);

const TICKET = '^([A-Z]|[A-Z0-9])+-[0-9]+ ';
const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: C0APPROVALS }
domains: [acme.example, ${PROJECT}.iam.gserviceaccount.com]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
  security: [S0SECURITY]
auditors: [U0AUDREY]
rules:
  - kind: invoker
    name: payments
    resources: ["projects/${PROJECT}/locations/*/services/payments-*"]
    maxDuration: 8h
    steps: [{ approvers: platform }, { approvers: security }]
    breakGlass: { requesters: [U0ALICE], maxDuration: 1h }
    autoApprove: { requesters: [U0FRANK], maxDuration: 1h }
  - kind: invoker
    name: oncall
    resources: ["projects/${PROJECT}/locations/*/services/oncall-*"]
    maxDuration: 8h
    approvers: platform
    members: [self, user, serviceAccount]
    maxExtensions: 5
    autoApprove: { requesters: [S0ONCALL], maxDuration: 1h }
    breakGlass: { requesters: [S0ONCALL], maxDuration: 1h }
  - kind: invoker
    name: tickets
    resources: ["projects/${PROJECT}/locations/*/services/ticket-*"]
    maxDuration: 8h
    approvers: platform
    maxExtensions: 2
    reason: { pattern: "${TICKET}", hint: "start with the ticket id, e.g. OPS-123" }
  - kind: invoker
    name: restricted
    resources: ["projects/${PROJECT}/locations/*/services/restricted-*"]
    maxDuration: 8h
    approvers: platform
    requesters: [U0BOB]
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
`;

function policyFrom(text: string): Policy {
  const loaded = loadPolicy(text);
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.policy;
}

let h: Harness;
const PAYMENTS = service('payments-api');
const ONCALL = service('oncall-api');
const TICKETS = service('ticket-api');
const HELLO = service('hello');
const RESTRICTED = service('restricted-api');

beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.slack.setUser({ id: 'U0AUDREY', name: 'audrey', email: 'audrey@acme.example' });
  h.slack.setUser({ id: 'U0FRANK', name: 'frank', email: 'frank@acme.example' });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.runwarden.deps.policy = () => policyFrom(POLICY);
  h.slack.setUserGroup('S0SECURITY', ['U0DAVE', 'U0ERIN']);
  h.slack.setUserGroup('S0ONCALL', ['U0ALICE']);
  h.emulator.reset();
  for (const name of [PAYMENTS, ONCALL, TICKETS, HELLO, RESTRICTED]) h.emulator.seedService({ name });
});

const idIn = (reply: string): string => /`([23456789a-hjkmnp-z]{10})`/.exec(reply)?.[1] ?? '';
const ours = (resource: string) => h.emulator.policy(resource).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
const eventsOf = (id: string) => h.runwarden.deps.store.events(id);
const ephemeralTo = (user: string, id: string, pattern: RegExp) =>
  h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === user && e.text.includes(id) && pattern.test(e.text)), {
    description: `ephemeral to ${user} matching ${pattern}`,
  });
const dmTo = (user: string, pattern: RegExp) =>
  h.slack.waitFor(() => h.slack.dms(user).find((m) => pattern.test(m.text)), { description: `DM to ${user} matching ${pattern}` });
/** Waits until `until` holds; fails the test (instead of returning the last state) when it never does. */
async function settles(id: string, until: Parameters<Harness['waitForRequest']>[1], what: string) {
  const last = await h.waitForRequest(id, until);
  if (!until(last)) throw new Error(`request ${id} never reached: ${what} (it is ${last.status}, step ${last.step ?? '-'})`);
  return last;
}

describe('1. concurrent approvals never skip a step', () => {
  it.each([1, 2, 3])(
    'two platform approvers clicking Approve on step 1 at the same moment leave the request waiting for security (run %i)',
    async () => {
      const id = await h.submit('U0ALICE', 'invoker payments-api 1h settle the ledger');
      await Promise.all([h.click('U0BOB', 'approve', id), h.click('U0CAROL', 'approve', id)]);
      // one of the two counted in step 1; the other was weighed, in its own transaction, on step 2 and refused
      const loser = await h.slack.waitFor(
        () => h.slack.ephemerals.find((e) => ['U0BOB', 'U0CAROL'].includes(e.user) && e.text.includes(id)),
        { description: 'the second click refused' },
      );
      expect(loser.text).toMatch(/Step 2 of 2 .* \*security\*/);
      const waiting = await settles(id, (r) => r.step === 2, 'step 2');
      expect(waiting).toMatchObject({ status: 'pending', step: 2, approverGroup: 'security' });
      expect(waiting.approvals).toEqual([expect.objectContaining({ step: 1 })]);
      expect(ours(PAYMENTS)).toHaveLength(0);

      await h.click('U0DAVE', 'approve', id);
      const active = await h.waitForStatus(id, 'active');
      expect(active.approvals.map((a) => a.step)).toEqual([1, 2]);
      expect(active.approvals[1]?.approver).toBe('U0DAVE');
    },
  );
});

describe('2. a reason rule can never freeze the bot', () => {
  it('a reason built to make a backtracking engine explode is matched in linear time and refused with the hint', async () => {
    // 40 A's and a "!": 2^9 times the 22 s that 31 took with JavaScript's RegExp
    const reply = await h.ask('U0ALICE', `invoker ticket-api 1h ${'A'.repeat(40)}!`);
    expect(reply).toMatch(/does not have the form this rule requires\. Hint: start with the ticket id/);
    expect(idIn(reply)).toBe('');
    // and a well-formed reason still passes
    expect(idIn(await h.ask('U0ALICE', 'invoker ticket-api 1h OPS-123 settle the ledger'))).not.toBe('');
  });
});

describe('3. one person alone never gives access to someone else', () => {
  it('a grant to another user or a service account is never auto-approved, even for an on-call requester', async () => {
    for (const member of ['user:bob@acme.example', `serviceAccount:ci@${PROJECT}.iam.gserviceaccount.com`]) {
      const id = await h.submit('U0ALICE', `invoker oncall-api 30m pairing --member ${member}`);
      const request = await h.request(id);
      expect(request).toMatchObject({ status: 'pending', member, approvals: [] });
      expect(request.autoApproved).toBeUndefined();
    }
    expect(ours(ONCALL)).toHaveLength(0);
  });

  it('--break-glass for another member is refused: nothing applied, nothing announced', async () => {
    const before = h.slack.messages('C0APPROVALS').length;
    const reply = await h.ask('U0ALICE', 'invoker oncall-api 30m --break-glass --member user:bob@acme.example bob must fix checkout');
    expect(reply).toMatch(/one person alone never gives access to someone else/);
    expect(idIn(reply)).toBe('');
    expect(h.slack.messages('C0APPROVALS')).toHaveLength(before);
    expect(ours(ONCALL)).toHaveLength(0);
  });

  it('an auto-approved extension keeps the whole grant within autoApprove.maxDuration', async () => {
    const id = idIn(await h.ask('U0ALICE', 'invoker oncall-api 30m reproduce the bug'));
    const grant = await h.waitForStatus(id, 'active');
    expect(grant.autoApproved).toBe(true);
    await h.ask('U0ALICE', `extend ${id} 20m still reproducing`);
    const once = await settles(id, (r) => r.extensions?.[0]?.status === 'applied' && r.op === undefined, 'extension 1 applied');
    expect(once.extensions?.[0]?.autoApproved).toBe(true);
    // 30m + 20m + 20m = 70m: past autoApprove.maxDuration (1h), so people decide
    await h.ask('U0ALICE', `extend ${id} 20m a bit more`);
    const twice = await settles(id, (r) => r.extensions?.[1] !== undefined, 'extension 2 recorded');
    expect(twice.extensions?.[1]).toMatchObject({ status: 'pending', approvals: [] });
    expect(twice.expiresAt).toEqual(once.expiresAt);
  });

  it('an extension of a grant to another member is never auto-approved', async () => {
    const id = await h.submit('U0ALICE', 'invoker oncall-api 30m pairing --member user:dave@acme.example');
    await h.click('U0CAROL', 'approve', id);
    await h.waitForStatus(id, 'active');
    await h.ask('U0ALICE', `extend ${id} 10m still pairing`);
    const waiting = await settles(id, (r) => r.extensions?.[0] !== undefined, 'extension recorded');
    expect(waiting.extensions?.[0]).toMatchObject({ status: 'pending', approvals: [] });
  });
});

describe('4. who may read what', () => {
  it('status answers its requester, its member, its approvers and the auditors; anyone else gets "no such request", as for an unknown id', async () => {
    const id = await h.submit('U0CAROL', 'invoker oncall-api 1h pairing --member user:dave@acme.example');
    const unknown = await h.ask('U0MALLORY', 'status zzzzzzzzzz');
    const outsider = await h.ask('U0MALLORY', `status ${id}`);
    expect(outsider).toBe(unknown.replace('zzzzzzzzzz', id));
    expect(outsider).toMatch(/There is no request/);
    expect(outsider).not.toMatch(/pairing|dave@acme\.example/);
    for (const reader of ['U0CAROL', 'U0DAVE', 'U0BOB', 'U0AUDREY'])
      expect(await h.ask(reader, `status ${id}`)).toContain(`Request ${id}: \`roles/run.invoker\` for \`user:dave@acme.example\``);
  });

  it("Google's own error text never reaches Slack, status included", async () => {
    const id = await h.submit('U0ALICE', 'invoker hello 1h debugging');
    const google = 'SECRET-GOOGLE-TEXT runwarden@acme-prod.iam.gserviceaccount.com lacks run.services.setIamPolicy';
    h.emulator.injectFault({ method: 'SetIamPolicy', code: 3, message: google, times: 1 });
    await h.click('U0BOB', 'approve', id);
    await h.waitForStatus(id, 'failed');
    // the whole reply, its blocks included
    const asked = await h.slash('U0ALICE', `status ${id}`);
    const status = JSON.stringify(await h.slack.waitFor(() => h.slack.responses(asked.tag)[0], { description: 'the status reply' }));
    expect(status).toContain(id);
    expect(status).toContain('failed');
    expect(JSON.stringify(h.slack.dms('U0ALICE'))).not.toContain('SECRET-GOOGLE-TEXT');
    expect(JSON.stringify(h.slack.messages('C0APPROVALS'))).not.toContain('SECRET-GOOGLE-TEXT');
    expect(status).not.toContain('SECRET-GOOGLE-TEXT');
    // the audit trail keeps it for the operators
    expect(JSON.stringify(await eventsOf(id))).toContain('SECRET-GOOGLE-TEXT');
  });
});

describe('5. requests that stand on the rule are not weighed as approvals', () => {
  it('break-glass on a two-step rule is applied and stays active', async () => {
    const id = idIn(await h.ask('U0ALICE', 'invoker payments-api 30m --break-glass checkout is down'));
    const active = await h.waitForStatus(id, 'active');
    expect(active.breakGlass).toBe(true);
    expect(ours(PAYMENTS)).toHaveLength(1);
  });

  it('auto-approval on a two-step rule is applied and stays active', async () => {
    const id = idIn(await h.ask('U0FRANK', 'invoker payments-api 30m nightly reconciliation'));
    const active = await h.waitForStatus(id, 'active');
    expect(active.autoApproved).toBe(true);
    expect(ours(PAYMENTS)).toHaveLength(1);
  });
});

describe('6. the Target search answers only people who may ask, with only what their rules cover', () => {
  it('an outsider gets no options; a requester gets only targets a rule lets them ask for; a view the bot never opened gets none', async () => {
    const modal = await h.openForm('U0ALICE');
    await h.waitForOptions('U0ALICE', modal, 'hello');
    expect(await h.suggest('U0MALLORY', modal, 'hello')).toEqual([]);
    expect((await h.suggest('U0ALICE', modal, 'api')).map((o) => o.value)).not.toContain(RESTRICTED);
    expect((await h.suggest('U0BOB', modal, 'restricted')).map((o) => o.value)).toEqual([RESTRICTED]);
    const foreign = { id: 'V0NOTOURS', view: { ...modal.view, callback_id: 'someone_elses_modal' } };
    expect(await h.suggest('U0ALICE', foreign, 'hello')).toEqual([]);
  });
});

describe('7. extensions keep the rule’s reason rules, and say how they were decided', () => {
  it('an extension whose reason breaks the rule’s pattern is refused with the hint; nothing is put up', async () => {
    const id = await h.submit('U0ALICE', 'invoker ticket-api 1h OPS-1 settle the ledger');
    await h.click('U0BOB', 'approve', id);
    await h.waitForStatus(id, 'active');
    expect(await h.ask('U0ALICE', `extend ${id} 30m still settling`)).toMatch(
      /does not have the form this rule requires\. Hint: start with the ticket id/,
    );
    expect((await h.request(id)).extensions ?? []).toHaveLength(0);
    expect(await eventsOf(id)).toContainEqual(
      expect.objectContaining({ actor: 'U0ALICE', action: 'extend_refused', detail: { reason: 'reason_rejected' } }),
    );
  });

  it('the reply to an auto-approved extension says it was auto-approved, not that it waits', async () => {
    const id = idIn(await h.ask('U0ALICE', 'invoker oncall-api 20m reproduce the bug'));
    await h.waitForStatus(id, 'active');
    const reply = await h.ask('U0ALICE', `extend ${id} 10m still reproducing`);
    expect(reply).toMatch(/auto-approved/);
    expect(reply).not.toMatch(/waiting for/);
  });
});

describe('8. every refusal is recorded, without contending on the request', () => {
  it('a review of a request that is not break-glass, and a second review, are refused and recorded', async () => {
    const plain = await h.submit('U0ALICE', 'invoker hello 1h debugging');
    await h.click('U0BOB', 'review', plain);
    await ephemeralTo('U0BOB', plain, /not a break-glass request/);
    expect(await eventsOf(plain)).toContainEqual(
      expect.objectContaining({ actor: 'U0BOB', action: 'review_refused', detail: { reason: 'not_break_glass' } }),
    );

    const glass = idIn(await h.ask('U0ALICE', 'invoker oncall-api 30m --break-glass checkout is down'));
    await h.waitForStatus(glass, 'active');
    await h.slack.waitFor(() => h.approvalMessage(glass), { description: 'break-glass announcement' });
    await h.click('U0BOB', 'review', glass);
    await settles(glass, (r) => r.reviewedBy === 'U0BOB', 'reviewed');
    await h.click('U0CAROL', 'review', glass);
    await ephemeralTo('U0CAROL', glass, /already reviewed/);
    expect(await eventsOf(glass)).toContainEqual(
      expect.objectContaining({ actor: 'U0CAROL', action: 'review_refused', detail: { reason: 'already_reviewed' } }),
    );
  });

  it('approving an unknown or an already decided extension is refused and recorded', async () => {
    const id = await h.submit('U0ALICE', 'invoker ticket-api 1h OPS-2 settle the ledger');
    await h.click('U0BOB', 'approve', id);
    await h.waitForStatus(id, 'active');
    await h.ask('U0ALICE', `extend ${id} 30m OPS-2 still settling`);
    const message = await h.slack.waitFor(() => h.extensionMessage(id, 1), { description: 'extension message' });
    await h.press('U0CAROL', 'runwarden_extension_approve', `${id}.7`, message);
    await h.press('U0CAROL', 'runwarden_extension_deny', `${id}.1`, message);
    await settles(id, (r) => r.extensions?.[0]?.status === 'denied', 'extension denied');
    await h.press('U0BOB', 'runwarden_extension_approve', `${id}.1`, message);
    const recorded = async () => (await eventsOf(id)).filter((e) => e.action === 'extension_approve_refused').map((e) => e.detail);
    await h.slack.waitFor(
      () => h.slack.ephemerals.filter((e) => ['U0CAROL', 'U0BOB'].includes(e.user) && e.text.includes(id)).length >= 2 || undefined,
      { description: 'both clickers told' },
    );
    expect(await recorded()).toEqual(
      expect.arrayContaining([
        { n: 7, reason: 'no_such_extension' },
        { n: 1, reason: 'extension_not_pending' },
      ]),
    );
  });

  it('120 concurrent refused revokes of one request are all recorded and all answered', async () => {
    const id = await h.submit('U0ALICE', 'invoker hello 1h debugging');
    const replies = await Promise.all(Array.from({ length: 120 }, () => h.ask('U0ALICE', `revoke ${id}`)));
    for (const reply of replies) expect(reply).toMatch(/still pending, so it can't be revoked/);
    const refusals = (await eventsOf(id)).filter((e) => e.action === 'revoke_refused');
    expect(refusals).toHaveLength(120);
    expect((await h.request(id)).status).toBe('pending');
  });
});

describe('9. later steps are visible to their approvers', () => {
  it('a request waiting for step 2 is in the step-2 approvers’ list and App Home; any step’s approver may review break-glass', async () => {
    const id = await h.submit('U0ALICE', 'invoker payments-api 1h settle the ledger');
    await h.click('U0BOB', 'approve', id);
    await settles(id, (r) => r.step === 2, 'step 2');
    expect(await h.ask('U0DAVE', 'list')).toContain(id);
    expect(JSON.stringify(await h.openHome('U0DAVE'))).toContain(id);
    expect(await h.ask('U0CAROL', 'list')).not.toContain(id);

    const glass = idIn(await h.ask('U0ALICE', 'invoker payments-api 30m --break-glass checkout is down'));
    await h.waitForStatus(glass, 'active');
    await h.slack.waitFor(() => h.approvalMessage(glass), { description: 'break-glass announcement' });
    await h.click('U0ERIN', 'review', glass);
    expect((await settles(glass, (r) => r.reviewedBy !== undefined, 'reviewed')).reviewedBy).toBe('U0ERIN');
  });
});

describe('10. a grant whose window has passed is never put in force', () => {
  it('a scheduled grant approved after its window ends, nothing written, and the requester is told', async () => {
    const id = await h.submit('U0ALICE', 'invoker hello 2m planned migration --start 2m');
    h.clock.advance(5 * 60);
    await h.click('U0BOB', 'approve', id);
    const ended = await h.waitForStatus(id, 'expired');
    expect(ended.outcome).toMatch(/window .* had passed/);
    expect(ours(HELLO)).toHaveLength(0);
    await dmTo('U0ALICE', new RegExp(`${id}.*expired.*window`));
  });

  it('issue 16 item 6: an apply that stalls past its lease and lands after the grant’s window ends expired, undone, and says so', async () => {
    const id = await h.submit('U0ALICE', 'invoker hello 5m checking the cache');
    const held = h.emulator.hold('SetIamPolicy', HELLO);
    await h.click('U0BOB', 'approve', id);
    await held.reached;
    h.clock.advance(6 * 60);
    held.release();
    const ended = await h.waitForStatus(id, 'expired');
    expect(ended.outcome).toMatch(/window had passed/);
    expect(ours(HELLO)).toHaveLength(0);
    const told = await dmTo('U0ALICE', new RegExp(`${id}.*expired`));
    expect(h.slack.dms('U0ALICE').filter((m) => m.text.includes(id) && /is in force|now has|was applied/.test(m.text))).toEqual([]);
    expect(told.text).toMatch(/gave no access/);
  });
});

describe('11. one person cannot flood the approvers', () => {
  it('the eleventh open request is refused with how to go on; the approvers were asked ten times', async () => {
    const before = h.slack.messages('C0APPROVALS').length;
    for (let i = 1; i <= 10; i += 1) await h.submit('U0ERIN', `invoker hello 1h flood ${i}`);
    const reply = await h.ask('U0ERIN', 'invoker hello 1h flood 11');
    expect(reply).toMatch(/You already have 10 open requests .* allows 10 at once/);
    expect(idIn(reply)).toBe('');
    expect(h.slack.messages('C0APPROVALS').length - before).toBe(10);
  });
});

describe('rule names (SPEC §5 `name`)', () => {
  it('the approval message and the audit trail name the rule, by its name or by kind and position', async () => {
    const named = await h.submit('U0ALICE', 'invoker payments-api 1h settle the ledger');
    expect(JSON.stringify(h.approvalMessage(named)?.blocks)).toContain('under rule `payments`');
    expect(await eventsOf(named)).toContainEqual(
      expect.objectContaining({ action: 'submitted', detail: expect.objectContaining({ rule: 'payments' }) }),
    );
    const unnamed = await h.submit('U0ALICE', 'invoker hello 1h debugging');
    expect(JSON.stringify(h.approvalMessage(unnamed)?.blocks)).toContain('under rule `invoker#5`');
  });
});

describe('13. the request form', () => {
  it('a whitespace-only Reason gets a clear message on the Reason block', async () => {
    const modal = await h.openForm('U0ALICE');
    const view = await h.chooseKind('U0ALICE', modal, 'invoker');
    const answer = await h.submitView(
      'U0ALICE',
      view,
      {
        runwarden_form_kind: 'invoker',
        runwarden_form_target: HELLO,
        runwarden_form_duration: '1h',
        runwarden_form_reason: '    ',
      },
      modal.id,
    );
    expect(answer).toEqual({
      response_action: 'errors',
      errors: { runwarden_form_reason: 'Give a reason: the approvers see it, and it is recorded.' },
    });
  });

  it('a submission Slack delivers twice files one request', async () => {
    const modal = await h.openForm('U0CAROL');
    const view = await h.chooseKind('U0CAROL', modal, 'invoker');
    const before = h.slack.messages('C0APPROVALS').length;
    const reason = `redelivered ${createHash('sha256').update(String(Date.now())).digest('hex').slice(0, 8)}`;
    const body = viewSubmissionBody({
      userId: 'U0CAROL',
      view,
      viewId: modal.id,
      values: {
        runwarden_form_kind: 'invoker',
        runwarden_form_target: HELLO,
        runwarden_form_duration: '1h',
        runwarden_form_reason: reason,
      },
    });
    const answers = await Promise.all(
      [1, 2].map(() => postToSlackEndpoint(`${h.botUrl}/slack/events`, SIGNING_SECRET, body, FORM_CONTENT_TYPE)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await dmTo('U0CAROL', new RegExp(`waiting for .*`));
    const posted = () =>
      h.slack
        .messages('C0APPROVALS')
        .slice(before)
        .filter((m) => JSON.stringify(m).includes(reason));
    await h.slack.waitFor(() => posted().length > 0, { description: 'the request posted' });
    const mine = await h.runwarden.deps.store.listByRequester('U0CAROL', ['pending']);
    expect(mine.requests.filter((r) => r.reason === reason)).toHaveLength(1);
    expect(posted()).toHaveLength(1);
  });
});

/**
 * Deny and revoke with a reason (issue 19, "Approving"): "Deny with reason…",
 * "Revoke with reason…" (channel message), "End with reason…" (App Home) and
 * an extension's "Deny with reason…" open a modal at once (views.open with the
 * click's trigger_id); its submission decides through the same use case and
 * authority re-check as the plain click, which keeps deciding as SPEC §6 says.
 * `/warden revoke <id> <reason…>` takes the words after the id. The reason is
 * stored (decisionReason), audited in the event's detail, and shown in the
 * requester's DM, the channel message and `status`. `status <id> --all` shows
 * the bookkeeping events too.
 */
import { startHarness, service, PROJECT, APPROVALS_CHANNEL, type Harness } from '../../support/harness';
import type { OpenedView } from '../../../dev/sandbox/slackStandIn';

jest.setTimeout(180_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    maxExtensions: 2
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

const REASON_BLOCK = 'runwarden_decision_reason';

/** Presses a button and waits for the modal it opens. */
async function openReasonModal(
  user: string,
  actionId: string,
  value: string,
  source?: { channel: string; ts: string },
): Promise<OpenedView> {
  const before = h.slack.modals().length;
  const answer = await h.press(user, actionId, value, source);
  expect(answer.status).toBe(200);
  return h.slack.waitFor(() => h.slack.modals()[before], { description: `the modal of ${actionId}` });
}

async function statusText(user: string, text: string): Promise<string> {
  const answer = await h.slash(user, text);
  const body = answer.text.trim()
    ? (JSON.parse(answer.text) as Record<string, unknown>)
    : (await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: `the reply to ${text}` })).body;
  return JSON.stringify(body);
}

function lastDm(user: string, pattern: RegExp): Promise<string> {
  return h.slack.waitFor(() => h.slack.dms(user).find((m) => pattern.test(m.text))?.text, { description: `a DM matching ${pattern}` });
}

it('Deny with reason… opens a modal; its submission denies, and the requester, the channel and status show the reason', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h reading the logs');
  const message = h.approvalMessage(id);
  if (!message) throw new Error('no approval message');
  // the channel message carries exactly SPEC §6's Approve and Deny; the reason button is the approver's App Home's
  const texts = JSON.stringify(message.blocks);
  expect(texts).toContain('"text":"Approve"');
  expect(texts).toContain('"text":"Deny"');
  expect(texts).not.toContain('Deny with reason…');
  expect(JSON.stringify(await h.openHome('U0BOB'))).toContain('Deny with reason…');

  const modal = await openReasonModal('U0BOB', 'runwarden_deny_reason', id);
  expect(JSON.stringify(modal.view)).toContain(id);
  expect((await h.request(id)).status).toBe('pending'); // opening the modal decides nothing

  const answer = await h.submitView(
    'U0BOB',
    modal.view,
    { [REASON_BLOCK]: '  too broad:\n ask for   the staging service instead ' },
    modal.id,
  );
  expect(answer).toBeUndefined(); // the modal closes
  const denied = await h.waitForStatus(id, 'denied');
  expect(denied.decidedBy).toBe('U0BOB');
  expect(denied.decisionReason).toBe('too broad: ask for the staging service instead');

  const events = await h.runwarden.deps.store.events(id);
  expect(events.find((e) => e.action === 'denied')?.detail).toEqual({ reason: 'too broad: ask for the staging service instead' });

  expect(await lastDm('U0ALICE', /denied your request/)).toContain('Reason given: too broad: ask for the staging service instead');
  await h.slack.waitFor(() => h.approvalMessage(id)?.text.includes('reason given: too broad') || undefined, {
    description: 'the channel message with the reason',
  });
  expect(JSON.stringify(h.approvalMessage(id)?.blocks)).not.toContain('runwarden_deny_reason');
  expect(await statusText('U0ALICE', `status ${id}`)).toContain('reason given: too broad: ask for the staging service instead');
});

it('the modal decides with the same authority re-check: an outsider submitting it is refused inline and nothing changes', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h outsiders cannot deny');
  const message = h.approvalMessage(id);
  if (!message) throw new Error('no approval message');
  const modal = await openReasonModal('U0DAVE', 'runwarden_deny_reason', id);
  const answer = await h.submitView('U0DAVE', modal.view, { [REASON_BLOCK]: 'I say no' }, modal.id);
  expect(answer).toMatchObject({ response_action: 'errors' });
  expect(JSON.stringify(answer)).toContain(REASON_BLOCK);
  expect((await h.request(id)).status).toBe('pending');
  const events = await h.runwarden.deps.store.events(id);
  expect(events.map((e) => e.action)).toContain('deny_refused');
  // the requester cannot deny her own request through it either
  const own = await openReasonModal('U0ALICE', 'runwarden_deny_reason', id);
  expect(await h.submitView('U0ALICE', own.view, { [REASON_BLOCK]: 'never mind' }, own.id)).toMatchObject({ response_action: 'errors' });
  expect((await h.request(id)).status).toBe('pending');
});

it('a reason over 500 characters is refused inline; a blank one denies without a reason', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h long reasons');
  const message = h.approvalMessage(id);
  if (!message) throw new Error('no approval message');
  const modal = await openReasonModal('U0BOB', 'runwarden_deny_reason', id);
  const tooLong = await h.submitView('U0BOB', modal.view, { [REASON_BLOCK]: 'x'.repeat(501) }, modal.id);
  expect(tooLong).toEqual({ response_action: 'errors', errors: { [REASON_BLOCK]: 'The reason is 501 characters long: keep it to 500.' } });
  expect((await h.request(id)).status).toBe('pending');

  expect(await h.submitView('U0BOB', modal.view, { [REASON_BLOCK]: undefined }, modal.id)).toBeUndefined();
  const denied = await h.waitForStatus(id, 'denied');
  expect(denied.decisionReason).toBeUndefined();
  expect((await h.runwarden.deps.store.events(id)).find((e) => e.action === 'denied')?.detail).toEqual({});
});

it('the plain Deny click still denies at once, without a reason (SPEC §6)', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h the plain click');
  await h.click('U0CAROL', 'deny', id);
  const denied = await h.waitForStatus(id, 'denied');
  expect(denied.decisionReason).toBeUndefined();
});

it('/warden revoke <id> <reason…>: revoked with the reason, audited, told to the requester and shown by status', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h revoke with a reason');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  const reply = await h.ask('U0CAROL', `revoke ${id} the incident is closed`);
  expect(reply).toContain('reason given: the incident is closed');
  const revoked = await h.waitForStatus(id, 'revoked');
  expect(revoked.decisionReason).toBe('the incident is closed');
  const events = await h.runwarden.deps.store.events(id);
  expect(events.find((e) => e.action === 'revoke_requested')?.detail).toEqual({ reason: 'the incident is closed' });
  expect(events.find((e) => e.action === 'revoked')?.detail).toMatchObject({ reason: 'the incident is closed' });
  expect(await lastDm('U0ALICE', /revoked your request/)).toContain('Reason given: the incident is closed');
  await h.slack.waitFor(() => h.approvalMessage(id)?.text.includes('reason given: the incident is closed') || undefined, {
    description: 'the channel message with the reason',
  });
  expect(await statusText('U0ALICE', `status ${id}`)).toContain('reason given: the incident is closed');
});

it('End with reason… in App Home: the modal revokes the grant with the reason', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h ending from home');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  const home = JSON.stringify(await h.openHome('U0ALICE'));
  expect(home).toContain('End with reason…');
  const modal = await openReasonModal('U0ALICE', 'runwarden_revoke_reason', id);
  expect(await h.submitView('U0ALICE', modal.view, { [REASON_BLOCK]: 'done early' }, modal.id)).toBeUndefined();
  const revoked = await h.waitForStatus(id, 'revoked');
  expect(revoked.decisionReason).toBe('done early');
  expect(revoked.decidedBy).toBe('U0ALICE');
});

it("an extension's Deny with reason…: the extension is denied with the reason, the requester is told", async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h extension reasons');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  await h.ask('U0ALICE', `extend ${id} 30m a bit longer`);
  const message = await h.slack.waitFor(() => h.extensionMessage(id, 1), { description: 'the extension message' });
  expect(JSON.stringify(message.blocks)).not.toContain('Deny with reason…');
  expect(JSON.stringify(await h.openHome('U0BOB'))).toContain('Deny with reason…');
  const modal = await openReasonModal('U0BOB', 'runwarden_extension_deny_reason', `${id}.1`);
  expect(await h.submitView('U0BOB', modal.view, { [REASON_BLOCK]: 'finish tomorrow' }, modal.id)).toBeUndefined();
  const request = await h.waitForRequest(id, (r) => r.extensions?.[0]?.status === 'denied', 60_000, 'the extension denied');
  expect(request.extensions?.[0]?.decisionReason).toBe('finish tomorrow');
  expect(request.status).toBe('active');
  const events = await h.runwarden.deps.store.events(id);
  expect(events.find((e) => e.action === 'extension_denied')?.detail).toEqual({ n: 1, reason: 'finish tomorrow' });
  expect(await lastDm('U0ALICE', /denied the extension/)).toContain('Reason given: finish tomorrow');
});

it('status shows the history to the second; status --all adds the bookkeeping, marked', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h all of the trail');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  await h.waitForRequest(id, (r) => r.outbox === undefined, 60_000, 'the outbox delivered');

  const plain = await statusText('U0ALICE', `status ${id}`);
  for (const action of ['submitted', 'approved', 'applied']) expect(plain).toContain(`*${action}*`);
  expect(plain).not.toContain('google_write');
  expect(plain).toContain(`status ${id} --all`);

  const all = await statusText('U0ALICE', `status ${id} --all`);
  for (const action of ['submitted', 'approved', 'applied', 'google_write', 'delivered']) expect(all).toContain(`*${action}*`);
  expect(all).toContain('*google_write* _(bookkeeping)_');
  expect(all).not.toContain('*applied* _(bookkeeping)_');
  expect(all).not.toMatch(/and \d+ bookkeeping event/);
});

/**
 * Multi-step approvals end to end (SPEC §9 Steps), over signed Slack
 * requests and the emulators: step 2 is asked only after step 1; one person
 * counts in one step only; a deny at step 2 ends the request; `approvals`
 * records each approval's step; the message shows every step.
 */
import { startHarness, service, PROJECT, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

// U0CAROL is in both groups: she can count in one step only.
const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, channel: C0APPROVALS }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups: { platform: [U0BOB, U0CAROL], security: [U0CAROL, U0DAVE] }
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    steps:
      - { approvers: platform, approvals: 1 }
      - { approvers: security, approvals: 1 }
`;

const PAYMENTS = service('payments-api');
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: PAYMENTS });
});

const ours = () => h.emulator.policy(PAYMENTS).bindings.filter((b) => b.condition?.title.startsWith('runwarden-'));
const ephemeralFor = (user: string, pattern: RegExp) =>
  h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === user && pattern.test(e.text)), { description: `refusal for ${user}` });

it('step 2 is asked only after step 1; a person counts in one step only; approvals record their step', async () => {
  const id = await h.submit('U0ALICE', 'invoker payments-api 1h settle the ledger');
  expect(await h.request(id)).toMatchObject({
    status: 'pending',
    step: 1,
    approverGroup: 'platform',
    steps: [{ approverGroup: 'platform' }, { approverGroup: 'security' }],
  });

  // a step-2 approver cannot decide step 1
  await h.click('U0DAVE', 'approve', id);
  await ephemeralFor('U0DAVE', /platform/);
  expect((await h.request(id)).approvals).toEqual([]);

  await h.click('U0CAROL', 'approve', id);
  const second = await h.waitForRequest(id, (r) => r.step === 2);
  expect(second).toMatchObject({ status: 'pending', approverGroup: 'security', approvals: [{ approver: 'U0CAROL', step: 1 }] });
  expect(ours()).toEqual([]);
  const thread = await h.slack.waitFor(
    () => h.slack.messages('C0APPROVALS').find((m) => m.threadTs === h.approvalMessage(id)?.ts && /Step 2 of 2/.test(m.text)),
    { description: 'step 2 asked in the thread' },
  );
  expect(thread.text).toContain('<@U0DAVE>');
  expect(thread.text).not.toContain('<@U0CAROL>:');

  // Carol approved step 1, so she cannot count in step 2 as well
  await h.click('U0CAROL', 'approve', id);
  await ephemeralFor('U0CAROL', /one step only/);
  expect((await h.request(id)).status).toBe('pending');

  await h.click('U0DAVE', 'approve', id);
  const active = await h.waitForStatus(id, 'active');
  expect(active.approvals.map((a) => [a.approver, a.step])).toEqual([
    ['U0CAROL', 1],
    ['U0DAVE', 2],
  ]);
  expect(ours()).toHaveLength(1);
  // the message, updated after the apply, shows every step and who approved it
  const blocks = await h.slack.waitFor(
    () => {
      const text = JSON.stringify(h.approvalMessage(id)?.blocks);
      return text.includes('Step 2 (*security*): approved by <@U0DAVE>') ? text : undefined;
    },
    { description: 'message with both steps approved' },
  );
  expect(blocks).toContain('Step 1 (*platform*): approved by <@U0CAROL>');
});

it('a deny at step 2 ends the request; nothing is applied', async () => {
  const id = await h.submit('U0ALICE', 'invoker payments-api 1h settle the ledger');
  await h.click('U0BOB', 'approve', id);
  await h.waitForRequest(id, (r) => r.step === 2);
  await h.click('U0DAVE', 'deny', id);
  const denied = await h.waitForStatus(id, 'denied');
  expect(denied.decidedBy).toBe('U0DAVE');
  expect(ours()).toEqual([]);
});

/**
 * The request form end to end (SPEC §9): `/warden` with no arguments opens a
 * modal (views.open, checked by the stand-in); Kind redraws it; Target is
 * answered from block_suggestion; a submission is validated like the slash
 * command, problems inline per block, a valid one posted for approval.
 */
import { startHarness, service, PROJECT, APPROVALS_CHANNEL, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/pay-*"]
    maxDuration: 4h
    approvers: platform
  - kind: egress
    resources: ["projects/${PROJECT}/locations/*/services/pay-*"]
    approvers: platform
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({ name: service('pay-api') });
  h.emulator.seedService({ name: service('pay-worker', 'europe-west1') });
  h.emulator.seedService({ name: service('billing') });
});
afterAll(async () => {
  await h.stop();
});

const labels = (view: Record<string, unknown>): string[] =>
  (view.blocks as Array<{ type: string; label?: { text: string } }>).filter((b) => b.type === 'input').map((b) => b.label?.text ?? '');

it('opens the form with Kind, Target, Setting, Duration and Reason, and adapts it to the kind', async () => {
  const modal = await h.openForm('U0ALICE');
  expect(labels(modal.view)).toEqual(['Kind', 'Target', 'Setting', 'Duration', 'Reason']);
  const invoker = await h.chooseKind('U0ALICE', modal, 'invoker');
  expect(labels(invoker)).toEqual(['Kind', 'Target', 'Duration', 'Reason']);
  expect(JSON.stringify(invoker)).toContain('At most 4h');
});

it('Target lists the matching services the policy covers, in every region, at most 100', async () => {
  const modal = await h.openForm('U0ALICE');
  // opening the form starts the listing; keystrokes are answered from it once it is there
  await h.waitForOptions('U0ALICE', modal, 'pay');
  const all = await h.suggest('U0ALICE', modal, 'pay', { runwarden_form_kind: 'invoker' });
  expect(all.map((o) => o.value).sort()).toEqual([service('pay-api'), service('pay-worker', 'europe-west1')].sort());
  expect(all.map((o) => o.text.text)).toContain('pay-worker (europe-west1)');
  expect(await h.suggest('U0ALICE', modal, 'bill', { runwarden_form_kind: 'invoker' })).toEqual([]);
  expect((await h.suggest('U0ALICE', modal, 'WORK')).map((o) => o.value)).toEqual([service('pay-worker', 'europe-west1')]);
});

it('refuses each invalid field inline, keyed by its block, and creates nothing', async () => {
  const modal = await h.openForm('U0ALICE');
  const view = await h.chooseKind('U0ALICE', modal, 'invoker');
  const submit = (values: Record<string, string | undefined>) =>
    h.submitView(
      'U0ALICE',
      view,
      {
        runwarden_form_kind: 'invoker',
        runwarden_form_target: service('pay-api'),
        runwarden_form_duration: '1h',
        runwarden_form_reason: 'debugging',
        ...values,
      },
      modal.id,
    );
  expect(await submit({ runwarden_form_kind: undefined })).toMatchObject({
    response_action: 'errors',
    errors: { runwarden_form_kind: expect.any(String) },
  });
  expect(await submit({ runwarden_form_target: undefined })).toMatchObject({
    response_action: 'errors',
    errors: { runwarden_form_target: expect.any(String) },
  });
  expect(await submit({ runwarden_form_duration: 'soon' })).toMatchObject({
    response_action: 'errors',
    errors: { runwarden_form_duration: expect.stringContaining('soon') },
  });
  expect(await submit({ runwarden_form_duration: '9h' })).toMatchObject({
    response_action: 'errors',
    errors: { runwarden_form_duration: expect.any(String) },
  });
  expect(await submit({ runwarden_form_reason: undefined })).toMatchObject({
    response_action: 'errors',
    errors: { runwarden_form_reason: expect.any(String) },
  });
  expect(await submit({ runwarden_form_target: service('billing') })).toMatchObject({
    response_action: 'errors',
    errors: { runwarden_form_target: expect.any(String) },
  });
  const egress = await h.submitView(
    'U0ALICE',
    view,
    { runwarden_form_kind: 'egress', runwarden_form_target: service('pay-api'), runwarden_form_reason: 'partner' },
    modal.id,
  );
  expect(egress).toMatchObject({ response_action: 'errors', errors: { runwarden_form_setting: expect.any(String) } });
  expect(h.slack.messages(APPROVALS_CHANNEL)).toHaveLength(0);
});

it('a valid submission is posted for approval and confirmed to the requester like the slash command', async () => {
  const modal = await h.openForm('U0ALICE');
  const view = await h.chooseKind('U0ALICE', modal, 'invoker');
  const answer = await h.submitView(
    'U0ALICE',
    view,
    {
      runwarden_form_kind: 'invoker',
      runwarden_form_target: service('pay-api'),
      runwarden_form_duration: '1h',
      runwarden_form_reason: 'checking the form',
    },
    modal.id,
  );
  expect(answer).toBeUndefined();
  const dm = await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes('is waiting for 1 approval')), {
    description: 'confirmation DM',
  });
  const id = /`([a-z0-9]{10})`/.exec(dm.text)?.[1] ?? '';
  const request = await h.request(id);
  expect(request).toMatchObject({
    kind: 'invoker',
    target: service('pay-api'),
    durationSeconds: 3600,
    reason: 'checking the form',
    status: 'pending',
  });
  await h.slack.waitFor(() => h.approvalMessage(id), { description: 'approval message' });
});

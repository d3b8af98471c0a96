/**
 * App Home's Approve, Deny and End now ask for confirmation as the channel's
 * buttons do (issue 19): every deciding or ending button of the published
 * home view carries a Block Kit `confirm` dialog saying what the click does.
 */
import { startHarness, service, PROJECT, APPROVALS_CHANNEL, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

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
    maxExtensions: 1
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({ name: service('hello') });
  h.emulator.seedService({ name: service('ledger') });
  h.emulator.seedService({ name: service('reports') });
});
afterAll(async () => {
  await h.stop();
});

interface Confirm {
  title: { text: string };
  text: { text: string };
  confirm: { text: string };
  deny: { text: string };
}
type Element = { action_id?: string; value?: string; text?: { text: string }; confirm?: Confirm };
const buttonsOf = (view: Record<string, unknown>): Element[] =>
  (view.blocks as Array<{ elements?: Element[]; accessory?: Element }>)
    .flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])])
    .filter((e) => e.action_id);
const confirmOf = (view: Record<string, unknown>, actionId: string, value: string): Confirm | undefined =>
  buttonsOf(view).find((e) => e.action_id === actionId && e.value === value)?.confirm;

it('Approve and Deny in the approver’s Home, End now in the requester’s, each with a confirmation saying what it does', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h confirm from home');
  const bob = await h.openHome('U0BOB');
  expect(confirmOf(bob, 'runwarden_approve', id)).toMatchObject({
    title: { text: `Approve request ${id}?` },
    text: { text: expect.stringContaining('roles/run.invoker for user:alice@acme.example on service hello') },
    confirm: { text: 'Approve' },
  });
  expect(confirmOf(bob, 'runwarden_deny', id)).toMatchObject({
    title: { text: `Deny request ${id}?` },
    confirm: { text: 'Deny' },
    deny: { text: 'Cancel' },
  });
  // the channel's Approve asks the same
  const channel = h.slack.messages(APPROVALS_CHANNEL).find((m) => JSON.stringify(m.blocks).includes(`"value":"${id}"`));
  expect(confirmOf({ blocks: channel?.blocks ?? [] }, 'runwarden_approve', id)).toEqual(confirmOf(bob, 'runwarden_approve', id));

  await h.press('U0BOB', 'runwarden_approve', id);
  await h.waitForStatus(id, 'active');
  const alice = await h.openHome('U0ALICE');
  expect(confirmOf(alice, 'runwarden_revoke', id)).toMatchObject({
    title: { text: `Revoke request ${id}?` },
    text: { text: expect.stringContaining('This removes roles/run.invoker for user:alice@acme.example on service hello now') },
    confirm: { text: 'Revoke now' },
    deny: { text: 'Keep it' },
  });
});

it('an extension waiting in the approver’s Home: Approve and Deny confirm too', async () => {
  const id = await h.submit('U0ALICE', 'invoker ledger 1h extension confirm'); // (hello: she holds it from the case above)
  await h.press('U0CAROL', 'runwarden_approve', id);
  await h.waitForStatus(id, 'active');
  await h.slash('U0ALICE', `extend ${id} 30m a bit longer`);
  await h.slack.waitFor(() => h.extensionMessage(id, 1), { description: 'the extension message' });
  const bob = await h.openHome('U0BOB');
  expect(confirmOf(bob, 'runwarden_extension_approve', `${id}.1`)).toMatchObject({ title: { text: `Extend request ${id}?` } });
  expect(confirmOf(bob, 'runwarden_extension_deny', `${id}.1`)).toMatchObject({
    title: { text: 'Deny extension 1?' },
    confirm: { text: 'Deny' },
  });
});

it('App Home and list name where (project, region) and why (the reason) of every request they show', async () => {
  const id = await h.submit('U0ALICE', 'invoker reports 1h reading the payment logs');
  const where = new RegExp(
    `project \`${PROJECT}\` · region \`us-central1\` · by <@U0ALICE> · rule \`[^\`]+\` · reason: reading the payment logs`,
  );
  expect(JSON.stringify(await h.openHome('U0BOB'))).toMatch(where);
  expect(JSON.stringify(await h.openHome('U0ALICE'))).toMatch(where);
  const answer = await h.slash('U0BOB', 'list');
  const body = answer.text.trim()
    ? answer.text
    : JSON.stringify((await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: 'list' })).body);
  expect(body).toContain(id);
  expect(body).toMatch(where);
});

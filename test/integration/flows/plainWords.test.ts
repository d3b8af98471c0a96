/**
 * What people read (issue 19): one DM per outcome — never "approved;
 * runwarden is applying it now" beside "is in force" — and no configuration
 * words (`autoApprove`, a rule's position in the file) in anything a person
 * is shown: the reply, the channel message, the DMs, `status`, App Home.
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
    resources: ["projects/${PROJECT}/locations/*/services/staging-*"]
    maxDuration: 8h
    approvers: platform
    autoApprove: { requesters: [U0ALICE], maxDuration: 2h }
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({ name: service('hello') });
  h.emulator.seedService({ name: service('staging-web') });
});
afterAll(async () => {
  await h.stop();
});

/** The requester's DMs about `id` once everything owed was delivered, oldest first. */
async function settledDms(id: string): Promise<string[]> {
  await h.waitForRequest(id, (r) => r.outbox === undefined);
  return h.slack
    .dms('U0ALICE')
    .filter((m) => m.text.includes(id))
    .sort((a, b) => Number(a.ts) - Number(b.ts))
    .map((m) => m.text);
}

async function statusText(id: string): Promise<string> {
  const answer = await h.slash('U0ALICE', `status ${id}`);
  const body = answer.text.trim()
    ? (JSON.parse(answer.text) as Record<string, unknown>)
    : (await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: 'status' })).body;
  return JSON.stringify(body);
}

it('an approval that applies the grant: one DM, "in force" (no "applying it now")', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h one dm per outcome');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  expect(await settledDms(id)).toEqual([expect.stringContaining('is in force')]);
});

it('an auto-approved grant: one DM saying it was approved automatically, and no configuration word anywhere', async () => {
  const reply = await h.ask('U0ALICE', 'invoker staging-web 30m reproduce the bug');
  const id = /`([a-z0-9]{10})`/.exec(reply)?.[1] ?? '';
  await h.waitForStatus(id, 'active');
  const dms = await settledDms(id);
  expect(dms).toEqual([expect.stringMatching(/is in force \(auto-approved/)]);
  const channel = h.slack
    .messages(APPROVALS_CHANNEL)
    .filter((m) => m.text.includes(id))
    .map((m) => `${m.text} ${JSON.stringify(m.blocks)}`);
  const home = JSON.stringify(await h.openHome('U0ALICE'));
  const everything = [reply, ...dms, ...channel, await statusText(id), home].join('\n');
  expect(everything).not.toMatch(/autoApprove|rule: ?\d|rule #?\d|rules\[\d/);
  expect(channel.join(' ')).toMatch(/Auto-approved/);
});

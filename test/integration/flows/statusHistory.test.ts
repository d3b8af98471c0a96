/**
 * `/warden status <id>` (issue 19): the history gives every event's time to
 * the second, as a Slack date token each reader sees in their own time zone
 * (`{time_secs}`), with the exact UTC second as the fallback text.
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
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

async function statusBlocks(user: string, id: string): Promise<string> {
  const answer = await h.slash(user, `status ${id}`);
  const body = answer.text.trim()
    ? (JSON.parse(answer.text) as { blocks?: unknown[] })
    : (await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: 'the status reply' })).body;
  return JSON.stringify(body.blocks ?? []);
}

it('every history line carries its time to the second', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h seconds in the history');
  await h.press('U0BOB', 'runwarden_approve', id);
  await h.waitForStatus(id, 'active');
  const blocks = await statusBlocks('U0ALICE', id);
  const history = blocks.slice(blocks.indexOf('*History*'));
  const tokens = [...history.matchAll(/<!date\^(\d+)\^\{date_short_pretty\} \{time_secs\}\|(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC>/g)];
  expect(tokens.length).toBeGreaterThanOrEqual(3); // submitted, approved, applied at least
  for (const [, unix, fallback] of tokens)
    expect(new Date(Number(unix) * 1000).toISOString().slice(0, 19).replace('T', ' ')).toBe(fallback);
  expect(history).not.toMatch(/\{time\}\|/);
});

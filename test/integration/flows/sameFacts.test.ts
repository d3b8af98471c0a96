/**
 * Every place a request is shown names the same facts (issue 19, "Approving"):
 * the project and region, the requester, the member, the reason and the rule
 * by its name — the channel message, the requester's DMs, `list` (the
 * requester's and an approver's) and App Home (the requester's and an
 * approver's), pending and then active.
 */
import { startHarness, service, PROJECT, APPROVALS_CHANNEL, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: europe-west1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
rules:
  - name: prod-invoker
    kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({ name: service('hello', 'europe-west1') });
});
afterAll(async () => {
  await h.stop();
});

const REASON = 'reading the checkout logs';

function expectTheFacts(surface: string, what: string): void {
  for (const fact of [PROJECT, 'europe-west1', '<@U0ALICE>', 'user:alice@acme.example', REASON, 'prod-invoker']) {
    if (!surface.includes(fact)) throw new Error(`${what} does not name ${fact}: ${surface.slice(0, 3000)}`);
  }
}

async function replyBlocks(user: string, text: string): Promise<string> {
  const answer = await h.slash(user, text);
  const body = answer.text.trim()
    ? (JSON.parse(answer.text) as Record<string, unknown>)
    : (await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: `the reply to ${text}` })).body;
  return JSON.stringify(body.blocks ?? body);
}

/** The part of a Home or list that is about request `id` (its blocks from the one that names it). */
function about(surface: string, id: string): string {
  const at = surface.indexOf(id);
  if (at < 0) throw new Error(`${id} is not shown: ${surface.slice(0, 2000)}`);
  return surface.slice(at, at + 1500);
}

it('the channel message, the DMs, list and App Home name project, region, requester, member, reason and rule', async () => {
  const id = await h.submit('U0ALICE', `invoker hello 1h ${REASON}`);
  expectTheFacts(JSON.stringify(h.approvalMessage(id)?.blocks), 'the channel message');
  expectTheFacts(about(await replyBlocks('U0ALICE', 'list'), id), "the requester's list");
  expectTheFacts(about(await replyBlocks('U0BOB', 'list'), id), "an approver's list");
  expectTheFacts(about(JSON.stringify(await h.openHome('U0ALICE')), id), "the requester's App Home (pending)");
  expectTheFacts(about(JSON.stringify(await h.openHome('U0BOB')), id), "an approver's App Home (waiting for approval)");

  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  const inForce = await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes('in force')), {
    description: 'the in-force DM',
  });
  expectTheFacts(JSON.stringify(inForce.blocks), 'the requester DM once in force');
  await h.slack.waitFor(() => h.approvalMessage(id)?.text.includes('Active') || undefined, { description: 'the channel message updated' });
  expectTheFacts(JSON.stringify(h.approvalMessage(id)?.blocks), 'the channel message once active');
  expectTheFacts(about(await replyBlocks('U0ALICE', 'list'), id), "the requester's list (active)");
  expectTheFacts(about(JSON.stringify(await h.openHome('U0ALICE')), id), "the requester's App Home (active)");
});

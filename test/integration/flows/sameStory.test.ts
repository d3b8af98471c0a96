/**
 * Every surface tells the same story (issue 19): a revoke of a temporary
 * egress change whose setting someone else had changed meanwhile ends the
 * request with the drift recorded, runwarden leaves their setting alone, and
 * the revoke's reply, the channel message and the requester's DM all say so —
 * none of them "is back as it was" or "was set back".
 */
import { APPROVALS_CHANNEL, PROJECT, service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

const PAYMENTS = service('payments-api');
const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
rules:
  - kind: egress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 4h
    approvers: platform
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({
    name: PAYMENTS,
    vpcConnector: `projects/${PROJECT}/locations/us-central1/connectors/main`,
    egress: 'private-ranges-only',
  });
});
afterAll(async () => {
  await h.stop();
});

it('a revoke that finds the setting changed by someone else: reply, channel and DM all say it was left alone', async () => {
  const id = await h.submit('U0ALICE', 'egress payments-api all-traffic 1h partner debugging');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  h.emulator.foreignUpdateService(PAYMENTS, { egress: 'private-ranges-only' }); // an admin puts it back by hand

  const reply = await h.ask('U0ALICE', `revoke ${id}`);
  const ended = await h.waitForStatus(id, 'revoked');
  expect(ended.result?.drift).toBe('private-ranges-only');
  const channel = await h.slack.waitFor(
    () => h.slack.messages(APPROVALS_CHANNEL).find((m) => m.text.includes(id) && /revoked/i.test(JSON.stringify(m.blocks))),
    { description: 'the updated channel message' },
  );
  // the DM telling the requester how it ended (after the ones about submission, approval and apply)
  const dm = await h.slack.waitFor(
    () =>
      h.slack
        .dms('U0ALICE')
        .filter((m) => m.text.includes(id))
        .find((m) => /revoked|no longer matches|left/.test(m.text)),
    { description: 'the revoke DM' },
  );

  const told = { reply, channel: `${channel.text} ${JSON.stringify(channel.blocks)}`, dm: dm.text };
  expect(dm.text).not.toContain('..');
  for (const [surface, text] of Object.entries(told)) {
    expect([surface, text]).toEqual([surface, expect.not.stringMatching(/back as it was|set back to|was set back/)]);
    expect([surface, text]).toEqual([surface, expect.stringMatching(/not set back|left at|left it alone/)]);
  }
});

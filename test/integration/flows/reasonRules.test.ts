/**
 * Justification rules end to end: a reason that fails the rule's `reason`
 * is refused at submission with the hint, over a signed slash command, and
 * nothing is stored or posted.
 */
import { startHarness, service, PROJECT, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, channel: C0APPROVALS }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups: { platform: [U0BOB, U0CAROL] }
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    reason: { pattern: "^[A-Z]+-[0-9]+ ", hint: "start with the ticket id, e.g. OPS-123", minLength: 12 }
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ policy: POLICY });
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

it.each([
  ['without the ticket id', 'invoker hello 1h checking the logs', /does not have the form.*Hint: start with the ticket id, e\.g\. OPS-123/],
  ['too short', 'invoker hello 1h OPS-1 logs', /at least 12.*Hint: start with the ticket id, e\.g\. OPS-123/],
])('a reason %s is refused with the hint; nothing is posted', async (_what, text, expected) => {
  const before = h.slack.messages('C0APPROVALS').length;
  const reply = await h.ask('U0ALICE', text);
  expect(reply).toMatch(expected);
  expect(reply).not.toMatch(/waiting for/);
  expect(h.slack.messages('C0APPROVALS')).toHaveLength(before);
});

it('a reason that follows the rule is posted for approval', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h OPS-123 checking the logs');
  expect(await h.request(id)).toMatchObject({ status: 'pending', reason: 'OPS-123 checking the logs' });
});

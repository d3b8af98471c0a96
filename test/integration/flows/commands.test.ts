/**
 * Slash commands end to end: help, malformed input, policy refusals with
 * their reasons, identities, list and status.
 */
import { startHarness, service, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

it.each([
  ['`help` with extra words', 'help me please', /\/warden invoker <service> <duration>/],
  ['an unknown subcommand', 'grant hello 1h x', /Usage/],
  ['a bad duration', 'invoker hello 3x testing', /3x.*duration/],
  ['a missing reason', 'invoker hello 1h', /reason/i],
  ['an unknown flag', 'invoker hello 1h testing --colour red', /colour/],
  ['a bad egress value', 'egress hello everything 1h testing', /all-traffic/],
  ['a malformed id', 'status NOT-AN-ID', /id/i],
])('%s is answered at once, with the usage line', async (_what, text, expected) => {
  const answer = await h.slash('U0ALICE', text);
  expect(answer.status).toBe(200);
  const body = JSON.parse(answer.text) as { text: string; response_type: string };
  expect(body.response_type).toBe('ephemeral');
  expect(body.text).toMatch(expected);
});

it.each([
  ['longer than the rule allows', 'invoker hello 9h testing', /longer|at most|8h/],
  ['shorter than the rule allows', 'invoker hello 30s testing', /shorter|at least|1m/],
  ['a role the rule does not allow', 'invoker hello 1h testing --role roles/run.admin', /roles\/run\.admin/],
  ['no rule for the resource', 'invoker hello 1h testing --project other-project', /rule/i],
  ['a member outside the domains', 'invoker hello 1h testing --member user:eve@evil.example', /evil\.example/],
])('a request %s is refused with the reason, and nothing is stored', async (_what, text, expected) => {
  const reply = await h.ask('U0ALICE', text);
  expect(reply).toMatch(expected);
  expect(reply).not.toMatch(/waiting for/);
});

it('a requester whose Slack email is outside the domains is refused', async () => {
  expect(await h.ask('U0MALLORY', 'invoker hello 1h let me in')).toMatch(/evil\.example|domain/);
});

it('the Slack profile email becomes the member when no identity is mapped', async () => {
  const id = await h.submit('U0CAROL', 'invoker hello 1h on call');
  expect((await h.request(id)).member).toBe('user:carol@acme.example');
  await h.ask('U0CAROL', `cancel ${id}`);
});

it('list shows my open requests and those awaiting my approval; status shows the history', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h listed');
  expect(await h.ask('U0ALICE', 'list')).toContain(id);
  expect(await h.ask('U0BOB', 'list')).toContain(id);
  expect(await h.ask('U0DAVE', 'list')).not.toContain(id);
  const status = await h.slash('U0ALICE', `status ${id}`);
  const reply = await h.slack.waitFor(() => h.slack.responses(status.tag)[0], { description: 'status reply' });
  expect(JSON.stringify(reply.body.blocks)).toContain('submitted');
  expect(await h.ask('U0ALICE', 'status zzzzzzzzzz')).toMatch(/no request/i);
  await h.ask('U0ALICE', `cancel ${id}`);
});

describe('a rule that could never be satisfied for this requester', () => {
  let small: Harness;
  beforeAll(async () => {
    small = await startHarness({
      policy: `
defaults: { project: acme-prod, region: us-central1, channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { duo: [U0ALICE, U0BOB] }
rules:
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    maxDuration: 1h
    approvers: duo
    approvals: 2
`,
    });
    small.emulator.seedService({ name: service('hello') });
  });
  afterAll(async () => {
    await small.stop();
  });

  it('is refused at submission instead of waiting forever', async () => {
    expect(await small.ask('U0ALICE', 'invoker hello 30m testing')).toMatch(/only 1 member\(s\) besides you/);
    expect(await small.ask('U0CAROL', 'invoker hello 30m testing')).toMatch(/waiting for 2 approvals/);
  });
});

it('an empty command opens the request form instead of answering with help (SPEC §4)', async () => {
  const before = h.slack.modals().length;
  const answer = await h.slash('U0ALICE', '');
  expect(answer.status).toBe(200);
  const modal = await h.slack.waitFor(() => h.slack.modals()[before], { description: 'the request form' });
  expect(modal.view.callback_id).toBe('runwarden_request_form');
});

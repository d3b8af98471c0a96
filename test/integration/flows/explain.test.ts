/**
 * `/warden explain <request…>` end to end, over signed slash commands: the
 * rule by name, who would approve it (each step), auto-approval,
 * break-glass, or the very refusal submit gives — and nothing stored, nothing
 * audited, nothing posted to a channel or a DM, nothing written to Google.
 */
import { Firestore } from '@google-cloud/firestore';
import type { AuditLog } from '../../../src/app/auditLog';
import { startHarness, service, PROJECT, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: C0APPROVALS }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
  security: [S0SECURITY]
rules:
  - kind: invoker
    name: staging
    resources: ["projects/acme-staging/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    autoApprove: { requesters: [S0ONCALL], maxDuration: 2h }
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/payments-*"]
    maxDuration: 4h
    steps: [{ approvers: platform, approvals: 1 }, { approvers: security, approvals: 1 }]
  - kind: invoker
    name: prod-invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    breakGlass: { requesters: [S0ONCALL], maxDuration: 1h }
  - kind: egress
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    approvers: platform
`;

const audited: string[] = [];
const auditLog: AuditLog = { record: (_request, event) => audited.push(event.action) };
let h: Harness;
let firestore: Firestore;

beforeAll(async () => {
  h = await startHarness({ policy: POLICY, auditLog });
  firestore = new Firestore({ projectId: h.projectId });
  h.slack.setUserGroup('S0ONCALL', ['U0ALICE']);
  h.emulator.seedService({ name: service('hello') });
  h.emulator.seedService({ name: service('payments-api') });
  h.emulator.seedService({ name: 'projects/acme-staging/locations/us-central1/services/hello' });
});
afterAll(async () => {
  await firestore?.terminate();
  await h?.stop();
});

/** The explain reply, after checking it was ephemeral and left no trace anywhere. */
async function explain(user: string, request: string): Promise<string> {
  const calls = h.slack.calls.length;
  const etag = h.emulator.policy(service('hello')).etag;
  const answer = await h.slash(user, `explain ${request}`);
  expect(answer.status).toBe(200);
  const reply =
    answer.text.trim() !== ''
      ? (JSON.parse(answer.text) as { text: string; response_type?: string })
      : (await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: 'the explain reply' })).body;
  expect(reply.response_type ?? 'ephemeral').toBe('ephemeral');
  // nothing recorded, audited, posted (channels, DMs, App Home) or written to Google
  expect((await firestore.collection('requests').get()).size).toBe(0);
  expect(audited).toEqual([]);
  expect(h.slack.calls.slice(calls).filter((call) => !/^(users\.|usergroups\.|auth\.test$)/.test(call.method))).toEqual([]);
  expect(h.slack.messages()).toEqual([]);
  expect(h.emulator.policy(service('hello')).etag).toEqual(etag);
  return reply.text ?? '';
}

it('a request that would wait: its rule by name, the group, how many, who — never the requester — and break-glass', async () => {
  const reply = await explain('U0BOB', 'invoker hello 2h checking the logs');
  expect(reply).toContain('rule *prod-invoker*');
  expect(reply).toContain('would wait for approval in <#C0APPROVALS>');
  expect(reply).toContain('1 approval from *platform* (<@U0CAROL>)');
  expect(reply).not.toContain('<@U0BOB>');
  expect(reply).toContain('It would grant `roles/run.invoker` to `user:bob@acme.example`');
  expect(reply).toContain('--break-glass is not open to you here');
  expect(await explain('U0ALICE', 'invoker hello 30m checking the logs')).toContain(
    'With --break-glass it would be applied at once without approval',
  );
});

it('two steps, one after the other, each with its people (user groups expanded)', async () => {
  const reply = await explain('U0ALICE', 'invoker payments-api 1h refund stuck');
  expect(reply).toContain('rule *invoker#2*');
  expect(reply).toContain('in 2 steps');
  expect(reply).toContain('Step 1: 1 approval from *platform* (<@U0BOB>, <@U0CAROL>)');
  expect(reply).toContain('Step 2: 1 approval from *security* (<@U0DAVE>, <@U0ERIN>)');
});

it('auto-approval and break-glass are said as such', async () => {
  expect(await explain('U0ALICE', 'invoker hello 1h on call --project acme-staging')).toMatch(
    /rule \*staging\*, which approves it itself: it would be applied at once/,
  );
  expect(await explain('U0ALICE', 'invoker hello 30m outage --break-glass')).toMatch(
    /rule \*prod-invoker\*: it would be applied at once without approval \(break-glass\).*reviewed afterwards by \*platform\*/,
  );
});

it.each([
  ['longer than the rule allows', 'invoker hello 9h checking the logs'],
  ['no rule', 'invoker hello 1h checking --project acme-dev'],
  ['break-glass by someone not on call', 'invoker hello 30m outage --break-glass'],
])('refused (%s): exactly the refusal submit gives', async (_, request) => {
  const reply = await explain('U0BOB', request);
  const submitted = await h.ask('U0BOB', request);
  expect(submitted).toMatch(/^:no_entry: /);
  expect(reply).toContain(`It would be refused`);
  expect(reply).toContain(submitted.replace(/^:no_entry: /, ''));
  expect((await firestore.collection('requests').get()).size).toBe(0);
});

it("Google's read-only check, as submit makes it: a service that does not exist", async () => {
  const reply = await explain('U0BOB', 'invoker nosuch 1h checking');
  expect(reply).toContain('The policy allows it under rule *prod-invoker*, but it would be refused:');
  expect(reply).toContain(await h.ask('U0BOB', 'invoker nosuch 1h checking').then((text) => text.replace(/^:no_entry: /, '')));
});

it('a malformed request: what is wrong and the usage line', async () => {
  expect(await explain('U0BOB', 'invoker hello 2h')).toMatch(/reason/i);
  expect(await explain('U0BOB', 'list')).toContain('`list` is not a request');
});

it('(the checks above see what a real request leaves: stored, audited, posted)', async () => {
  await h.submit('U0BOB', 'invoker hello 2h checking the logs');
  expect((await firestore.collection('requests').get()).size).toBe(1);
  expect(audited).toContain('submitted');
  expect(h.slack.messages('C0APPROVALS')).toHaveLength(1);
});

it('access already in force is answered as submit answers it: the grant and how to extend it', async () => {
  // the request above (Bob's, on hello), approved and in force
  const [id] = (await firestore.collection('requests').get()).docs.map((doc) => doc.id);
  if (!id) throw new Error('no request from the case above');
  await h.click('U0CAROL', 'approve', id);
  await h.waitForStatus(id, 'active');
  const answer = await h.slash('U0BOB', 'explain invoker hello 1h more logs');
  const reply =
    answer.text.trim() !== ''
      ? (JSON.parse(answer.text) as { text: string })
      : (await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: 'the explain reply' })).body;
  expect(reply.text).toContain(`extend ${id}`);
  const submitted = await h.ask('U0BOB', 'invoker hello 1h more logs');
  expect(submitted).toContain(`extend ${id}`);
  expect((await firestore.collection('requests').get()).size).toBe(1);
});

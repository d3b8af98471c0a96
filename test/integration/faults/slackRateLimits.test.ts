/**
 * Issue 16 §2: Slack answering HTTP 429 on the interactive paths. A lookup
 * Slack rate-limits is waited out when its Retry-After fits in Slack's 3
 * seconds; otherwise the person is answered plainly and nothing half-done is
 * recorded. User-group membership and profile emails are cached briefly, so a
 * burst of requests does not call usergroups.users.list once per request, and
 * a method Slack rate-limited is not called again before its Retry-After.
 */
import { PROJECT, APPROVALS_CHANNEL, service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

const POLICY = `
defaults: { project: ${PROJECT}, region: us-central1, kmsLocation: global, channel: ${APPROVALS_CHANNEL} }
domains: [acme.example]
maxOpenRequests: 1000   # the burst below files 20 at once
approverGroups:
  platform: [S0PLATFORM]
rules:
  - kind: invoker
    resources: ["projects/${PROJECT}/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    approvals: 1
    requesters: [S0ENGINEERS]
`;
const CACHE_SECONDS = 3600; // long enough that a burst on a loaded machine stays within it
const GROUPS = 'usergroups.users.list';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ policy: POLICY, settings: { directoryCacheSeconds: CACHE_SECONDS } });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: service('hello') });
  h.slack.setUserGroup('S0PLATFORM', ['U0BOB', 'U0CAROL']);
  h.slack.setUserGroup('S0ENGINEERS', ['U0ALICE', 'U0DAVE']);
  h.slack.endRateLimit(GROUPS);
  // every test starts with nothing cached
  h.clock.advance(CACHE_SECONDS + 1);
});

const groupCalls = (): number => h.slack.calls.filter((c) => c.method === GROUPS).length;
const requestsOf = async (user: string): Promise<number> =>
  (await h.runwarden.deps.store.listByRequester(user, ['pending', 'approved', 'active', 'failed'])).requests.length;

it('usergroups.users.list rate limited (Retry-After 20): a submit is answered plainly and records nothing', async () => {
  const before = await requestsOf('U0ALICE');
  h.slack.rateLimitFor(GROUPS, 20);
  const reply = await h.ask('U0ALICE', 'invoker hello 1h checking the canary');
  expect(reply).toMatch(/Slack is rate-limiting runwarden/);
  expect(reply).toMatch(/nothing was changed/i);
  expect(reply).toMatch(/try again in about 2\d s/);
  expect(reply).not.toContain('Something went wrong');
  expect(await requestsOf('U0ALICE')).toBe(before);

  // within the Retry-After, runwarden does not ask Slack again
  const calls = groupCalls();
  expect(await h.ask('U0DAVE', 'invoker hello 1h checking the canary')).toMatch(/Slack is rate-limiting runwarden/);
  expect(groupCalls()).toBe(calls);
});

it('an Approve click while Slack rate-limits the lookup: the approval is not recorded, and the approver is told so', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h checking the canary');
  h.clock.advance(CACHE_SECONDS + 1); // what the submit looked up has expired
  h.slack.rateLimitFor(GROUPS, 20);
  h.slack.rateLimitFor('chat.postEphemeral', 20); // the whole Web API is limited: the answer goes through the response_url
  const click = await h.click('U0BOB', 'approve', id);
  expect(click.status).toBe(200);
  const told = await h.slack.waitFor(() => h.slack.responses(click.tag)[0], { description: 'the answer to the click' });
  expect(told.body.text).toMatch(/Slack is rate-limiting runwarden/);
  expect(told.body.text).toMatch(/nothing was (changed|recorded)/i);
  const request = await h.request(id);
  expect(request.status).toBe('pending');
  expect(request.approvals).toEqual([]);
  h.slack.endRateLimit('chat.postEphemeral');

  // once Slack answers again, the same click works
  h.slack.endRateLimit(GROUPS);
  h.clock.advance(21);
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
});

it('a Retry-After that fits in Slack’s 3 s is waited out: the request goes through', async () => {
  const from = h.slack.calls.length;
  h.slack.rateLimitNext(GROUPS, 1);
  const id = await h.submit('U0ALICE', 'invoker hello 1h checking the canary');
  expect((await h.request(id)).status).toBe('pending');
  expect(h.slack.calls.slice(from).filter((c) => c.method === GROUPS && c.error === 'ratelimited')).toHaveLength(1);
});

it('a burst of 20 submits at once asks Slack for each user group once; after the cache time it asks again', async () => {
  const before = groupCalls();
  const users = ['U0ALICE', 'U0DAVE'];
  const replies = await Promise.all(
    Array.from({ length: 20 }, (_, i) => h.ask(users[i % 2] ?? 'U0ALICE', `invoker hello 1h burst number ${i}`)),
  );
  expect(replies.filter((r) => /is waiting/.test(r))).toHaveLength(20);
  expect(groupCalls() - before).toBe(2); // S0ENGINEERS (who may ask) and S0PLATFORM (who approves)

  h.clock.advance(CACHE_SECONDS + 1);
  await h.ask('U0ALICE', 'invoker hello 1h after the cache time');
  expect(groupCalls() - before).toBe(4);
});

it('an approver removed from the user group loses the right to approve once the cache time has passed', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h checking the canary');
  h.slack.setUserGroup('S0PLATFORM', ['U0CAROL']);
  h.clock.advance(CACHE_SECONDS + 1);
  const click = await h.click('U0BOB', 'approve', id);
  await h.slack.waitFor(
    () => h.slack.ephemerals.find((e) => e.user === 'U0BOB' && e.text.includes(id)) ?? h.slack.responses(click.tag)[0],
    {
      description: 'the refusal told to Bob',
    },
  );
  expect(await h.request(id)).toMatchObject({ status: 'pending', approvals: [] });
});

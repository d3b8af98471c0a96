/**
 * The configured slash command (WARDEN_SLASH_COMMAND) is the one every text
 * names: an empty `list`, the requester's DMs (their footers, "ends it
 * earlier"), the extension message, App Home and the Extend fallback. Before
 * this, `/warden` was written into these texts whatever the configuration.
 */
import { startHarness, service, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

const SLASH = '/jit';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ slashCommand: SLASH });
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

/** Every text and block runwarden showed in Slack, as one string. */
function everything(): string {
  const surfaces = [...h.slack.messages(), ...['U0ALICE', 'U0BOB', 'U0CAROL'].flatMap((user) => h.slack.dms(user))];
  const homes = ['U0ALICE', 'U0BOB'].map((user) => h.slack.home(user));
  return JSON.stringify([surfaces.map((m) => [m.text, m.blocks]), homes]);
}

it('an empty list names the configured command', async () => {
  const { status, text, tag } = await h.slash('U0CAROL', 'list');
  expect(status).toBe(200);
  // answered in the acknowledgement, or by response_url
  const answer =
    text.trim() !== '' ? text : JSON.stringify((await h.slack.waitFor(() => h.slack.responses(tag)[0], { description: 'the list' })).body);
  expect(answer).toContain(`${SLASH} invoker`);
  expect(answer).toContain(`${SLASH} help`);
  expect(answer).not.toContain('/warden');
});

it('DMs, the channel, the extension message and App Home name the configured command, never /warden', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h checking the slash command');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  await h.waitForRequest(id, (r) => r.outbox === undefined);
  const inForce = h.slack.dms('U0ALICE').find((m) => m.text.includes('is in force'));
  expect(inForce?.text).toContain(`${SLASH} revoke ${id}`);
  expect(JSON.stringify(inForce?.blocks)).toContain(`${SLASH} status ${id}`);
  await h.openHome('U0ALICE');
  expect(everything()).toContain(SLASH);
  expect(everything()).not.toContain('/warden');
});

/**
 * Google first, Slack after — inside the sweep's one-IAM-write-per-service
 * batch too. A request in the batch that ends without a removal (its revert
 * attempts used up: failed) still owes Slack work; a slow Slack on it must not
 * hold back the IAM write that ends the other due grants on the service.
 * (Found by an attack review: the batch waited for each task's Slack work.)
 */
import { service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(240_000);

let h: Harness;
const HELLO = service('hello');

beforeAll(async () => {
  h = await startHarness({ settings: { maxAttempts: 1 } });
  h.emulator.seedService({ name: HELLO });
});
afterAll(async () => {
  await h.stop();
});

const titles = (): Array<string | undefined> => (h.emulator.policy(HELLO).bindings ?? []).map((b) => b.condition?.title);

it("one request's held Slack call does not keep another due grant on the same service in force", async () => {
  const early = await h.submit('U0ALICE', 'invoker hello 5m its revert will fail');
  await h.click('U0BOB', 'approve', early);
  await h.waitForStatus(early, 'active');
  const due = await h.submit('U0DAVE', 'invoker hello 10m must end on time');
  await h.click('U0BOB', 'approve', due);
  await h.waitForStatus(due, 'active');
  await h.waitForRequest(due, (r) => r.outbox === undefined);
  await h.waitForRequest(early, (r) => r.outbox === undefined);

  // `early` is due; its revert fails once (its IAM condition has passed: maxAttempts 1 leaves it one more claim, which ends it failed)
  h.clock.advance(301);
  h.emulator.injectFault({ method: 'SetIamPolicy', code: 7, message: 'Permission denied' });
  expect((await h.sweep()).body).toMatchObject({ revertFailing: 1 });
  await h.waitForRequest(early, (r) => r.outbox === undefined);

  h.clock.advance(300); // `due` has expired too; both are in one batch on hello
  const held = h.slack.hold('chat.update'); // Slack hangs on the refresh of `early`'s message
  const sweeping = h.sweep();
  await held.reached;
  // The due grant is ended and its binding gone while the Slack call still hangs: `early`'s message
  // refresh is still claimed and has not failed yet (before, the batch waited for the call's deadline).
  await h.waitForStatus(due, 'expired', 60_000);
  expect(titles()).not.toContain(`runwarden-${due}`);
  const refresh = (await h.request(early)).outbox?.find((d) => d.type === 'refresh_message');
  expect(refresh).toMatchObject({ attempts: 0, claim: expect.anything() });
  held.release();
  await sweeping;
  expect((await h.request(early)).status).toBe('failed');
});

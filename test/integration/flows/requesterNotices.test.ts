/**
 * The requester's direct messages tell the story in order (a newcomer's run
 * found "is in force" posted before "was approved; runwarden is applying it
 * now", so the last thing the requester read was that it was still being
 * applied). Whatever is delivered, the last DM about a grant that is in force
 * says so, and nothing says "applying" after it.
 */
import { startHarness, service, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

it('after an approval that applies the grant, the last DM about it says it is in force', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h checking the order');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  await h.waitForRequest(id, (r) => r.outbox === undefined);
  const texts = h.slack
    .dms('U0ALICE')
    .filter((m) => m.text.includes(id))
    .sort((a, b) => Number(a.ts) - Number(b.ts))
    .map((m) => m.text);
  const inForce = texts.findIndex((t) => t.includes('is in force'));
  expect(inForce).toBeGreaterThanOrEqual(0);
  expect(texts.slice(inForce + 1).filter((t) => /applying it now/.test(t))).toEqual([]);
  expect(texts[texts.length - 1]).toContain('is in force');
});

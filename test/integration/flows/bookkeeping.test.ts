/**
 * Bookkeeping events (a lease renewed right before a write to Google, a
 * Slack message delivered) are kept apart from the request's history: every
 * transition still appends to requests/{id}/events (SPEC §7), each event
 * with its category; `status` shows the history and counts the rest; the
 * audit log carries the category.
 */
import { auditLine, type AuditLine } from '../../../src/app/auditLog';
import { startHarness, service, type Harness } from '../../support/harness';

jest.setTimeout(180_000);

let h: Harness;
const lines: AuditLine[] = [];

beforeAll(async () => {
  // the production line builder: the test reads what operators read
  h = await startHarness({ auditLog: { record: (request, event) => void lines.push(auditLine(request, event)) } });
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

it('every event of an applied grant carries its category; status shows the history only', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h looking at bookkeeping');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  await h.waitForRequest(id, (r) => r.outbox === undefined);

  const events = await h.runwarden.deps.store.events(id);
  const byCategory = (category: string) => events.filter((e) => e.category === category).map((e) => e.action);
  expect(byCategory('history')).toEqual(expect.arrayContaining(['submitted', 'approved', 'applied']));
  expect(byCategory('history')).not.toEqual(expect.arrayContaining(['google_write']));
  expect(byCategory('bookkeeping')).toEqual(expect.arrayContaining(['google_write', 'message_posted', 'delivered']));
  expect(events.every((e) => e.category === 'history' || e.category === 'bookkeeping')).toBe(true);

  const { tag } = await h.slash('U0ALICE', `status ${id}`);
  const body = JSON.stringify((await h.slack.waitFor(() => h.slack.responses(tag)[0], { description: 'status' })).body);
  expect(body).toContain('applied');
  expect(body).not.toContain('google_write');
  expect(body).toMatch(/bookkeeping event/);

  const ofRequest = lines.filter((l) => l.requestId === id);
  expect(ofRequest.find((l) => l.action === 'google_write')?.category).toBe('bookkeeping');
  expect(ofRequest.find((l) => l.action === 'approved')?.category).toBe('history');
});

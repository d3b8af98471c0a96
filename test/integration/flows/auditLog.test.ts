/**
 * The audit export end to end: every audit event stored in Firestore (SPEC §7)
 * is also one audit line with the stable shape of src/app/auditLog.ts —
 * including refused clicks — and nothing else is.
 */
import type { AuditLog } from '../../../src/app/auditLog';
import { auditLine, AUDIT_SCHEMA, type AuditLine } from '../../../src/app/auditLog';
import type { AccessRequest, AuditEvent } from '../../../src/domain/request';
import { startHarness, service, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

const lines: AuditLine[] = [];
const collecting: AuditLog = {
  record: (request: AccessRequest, event: AuditEvent) => lines.push(JSON.parse(JSON.stringify(auditLine(request, event))) as AuditLine),
};
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ auditLog: collecting });
  h.emulator.seedService({ name: service('hello') });
});
afterAll(async () => {
  await h.stop();
});

const SHAPE = [
  'action',
  'actor',
  'auditSchema',
  'category',
  'detail',
  'kind',
  'logging.googleapis.com/labels',
  'message',
  'requestAgeSeconds',
  'requestId',
  'severity',
  'status',
  'target',
  'time',
];

it('writes one line per stored audit event, refused clicks included, with the stable shape', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h checking the audit export');
  const refused = await h.click('U0ALICE', 'approve', id); // self-approval: refused, and audited
  // the refusal reaches Alice after its audit event is committed
  await h.slack.waitFor(() => h.slack.ephemerals.find((e) => e.user === 'U0ALICE') ?? h.slack.responses(refused.tag)[0], {
    description: 'the refusal of the self-approval',
  });
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');

  const stored = await h.runwarden.deps.store.events(id);
  const ours = lines.filter((line) => line.requestId === id);
  expect(ours.map((l) => [l.action, l.actor, l.time])).toEqual(stored.map((e) => [e.action, e.actor, e.at.toISOString()]));
  expect(ours.map((l) => l.action)).toEqual(expect.arrayContaining(['approve_refused', 'applied']));
  for (const line of ours) {
    expect(Object.keys(line).sort()).toEqual(SHAPE);
    expect(line).toMatchObject({ severity: 'NOTICE', auditSchema: AUDIT_SCHEMA, kind: 'invoker', target: service('hello') });
    expect(typeof JSON.parse(line.detail)).toBe('object');
  }
  // the status is the request's after each event: pending until approved, active at the end
  expect(ours[0]?.status).toBe('pending');
  expect(ours.at(-1)?.status).toBe('active');
  expect(ours.find((l) => l.action === 'approve_refused')).toMatchObject({ actor: 'U0ALICE', status: 'pending' });
});

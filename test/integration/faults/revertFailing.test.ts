/**
 * Issue 16 §11 and §9: a removal or revert that Google keeps refusing. The
 * request stays `active` (never a quiet `failed`, never called ended while
 * the change is in force), the requester and the approvers are told the truth
 * once, later sweeps honour a backoff recorded on the request (no call to
 * Google before it is due), every failure is an ERROR line with
 * `event: "revert_failing"` and the sweep counts it in `revertFailing`; when
 * the revert finally goes through, both are told it is undone after all.
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/app/logger';
import { titleFor } from '../../../src/domain/iamCondition';
import { APPROVALS_CHANNEL, service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(240_000);

let h: Harness;
const HELLO = service('hello');
const PAYMENTS = service('payments-api');
const CONNECTOR = 'projects/acme-prod/locations/us-central1/connectors/prod-connector';

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

beforeAll(async () => {
  h = await startHarness({ logger: createLogger({ level: 'info', destination: sink }) });
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: HELLO });
  h.emulator.seedService({ name: PAYMENTS, vpcConnector: CONNECTOR, egress: 'private-ranges-only' });
});

const calls = (method: string): number => h.emulator.calls.filter((c) => c.method === method).length;
const failingLines = (id: string) => lines.filter((l) => l.event === 'revert_failing' && l.requestId === id);
const dms = (id: string, pattern: RegExp) => h.slack.dms('U0ALICE').filter((m) => m.text.includes(id) && pattern.test(m.text));
const thread = (id: string, pattern: RegExp) => {
  const ts = h.approvalMessage(id)?.ts;
  return h.slack.messages(APPROVALS_CHANNEL).filter((m) => m.threadTs === ts && m.text.includes(id) && pattern.test(m.text));
};
const bindings = (id: string) => h.emulator.policy(HELLO).bindings.filter((b) => b.condition?.title === titleFor(id));

it('an invoker revoke refused three times: stays active, one notice, backoff honoured, then revoked and "undone after all"', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 2h debugging');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  await h.waitForRequest(id, (r) => r.outbox === undefined);
  h.emulator.injectFault({
    method: 'SetIamPolicy',
    code: 7,
    message: "Permission 'run.services.setIamPolicy' denied",
    times: 3,
    resource: HELLO,
  });

  // the revoke: refused by Google at once, and the reply says the change is still in force
  expect(await h.ask('U0ALICE', `revoke ${id}`)).toMatch(
    /Still in force \(revoke requested\): Google refused to undo it 1 time; runwarden keeps trying/,
  );
  const first = await h.waitForRequest(id, (r) => r.revertFailing?.failures === 1, 30_000, 'the first failure recorded');
  expect(first.status).toBe('active');
  expect(first.endedAt).toBeUndefined();
  expect(first.op).toMatchObject({ type: 'revert', intent: 'revoke' });
  expect(bindings(id)).toHaveLength(1);
  // told the truth once: the access remains until the IAM condition ends it, runwarden keeps trying
  const told = await h.slack.waitFor(() => dms(id, /still in force/)[0], { description: 'the requester told' });
  expect(told.text).toMatch(/A revoke was requested, but Google refused.*The access remains until .*IAM condition ends it.*keeps trying/);
  await h.slack.waitFor(() => thread(id, /still in force/)[0], { description: 'the approvers told' });
  expect(dms(id, /revoked your|undone after all/)).toHaveLength(0);
  // the approval message says so too (no "Revoked")
  await h.slack.waitFor(() => (/Still in force \(revoke requested\)/.test(h.approvalMessage(id)?.text ?? '') ? true : undefined), {
    description: 'the approval message shows the revert failing',
  });
  expect(failingLines(id)).toHaveLength(1);
  expect(failingLines(id)[0]).toMatchObject({ severity: 'ERROR', kind: 'invoker', failures: 1 });

  // the backoff (1 min) is honoured: a sweep before it is due does not call Google
  const before = calls('SetIamPolicy');
  expect((await h.sweep()).body).toMatchObject({ revertFailing: 1, revoked: 0, failed: 0, retried: 0 });
  expect(calls('SetIamPolicy')).toBe(before);

  // due: tried again and refused (the backoff doubles to 2 min)
  h.clock.advance(61);
  expect((await h.sweep()).body).toMatchObject({ revertFailing: 1, revoked: 0, failed: 0 });
  expect(calls('SetIamPolicy')).toBe(before + 1);
  const second = await h.request(id);
  expect(second.revertFailing).toMatchObject({ failures: 2 });
  expect(second.revertFailing?.retryAt.getTime()).toBe(second.updatedAt.getTime() + 120_000);
  h.clock.advance(61);
  expect((await h.sweep()).body).toMatchObject({ revertFailing: 1 });
  expect(calls('SetIamPolicy')).toBe(before + 1);
  h.clock.advance(60);
  expect((await h.sweep()).body).toMatchObject({ revertFailing: 1 });
  expect(calls('SetIamPolicy')).toBe(before + 2);
  expect((await h.request(id)).revertFailing).toMatchObject({ failures: 3 });
  expect(failingLines(id)).toHaveLength(3);
  // still one notice each, however many failures
  expect(dms(id, /still in force/)).toHaveLength(1);
  expect(thread(id, /still in force/)).toHaveLength(1);

  // Google accepts at last
  h.clock.advance(241);
  expect((await h.sweep()).body).toMatchObject({ revoked: 1, revertFailing: 0 });
  const revoked = await h.waitForStatus(id, 'revoked');
  expect(revoked.revertFailing).toBeUndefined();
  expect(revoked.decidedBy).toBe('U0ALICE');
  expect(bindings(id)).toHaveLength(0);
  await h.slack.waitFor(() => dms(id, /undone after all/)[0], { description: 'the requester told it is undone' });
  await h.slack.waitFor(() => thread(id, /undone after all/)[0], { description: 'the approvers told it is undone' });
  const actions = (await h.runwarden.deps.store.events(id)).map((e) => e.action);
  expect(actions.filter((a) => a === 'revert_interrupted')).toHaveLength(3);
  expect(actions).not.toContain('failed');
});

it('an egress change whose revert UpdateService keeps refusing: stays active, the approvers alarmed, never failed', async () => {
  const id = await h.submit('U0ALICE', 'egress payments-api all-traffic 1h partner debugging');
  await h.click('U0BOB', 'approve', id);
  await h.click('U0CAROL', 'approve', id);
  await h.waitForStatus(id, 'active');
  await h.waitForRequest(id, (r) => r.outbox === undefined);
  h.emulator.injectFault({
    method: 'UpdateService',
    code: 7,
    message: "Permission 'run.services.update' denied",
    times: 100,
    resource: PAYMENTS,
  });

  h.clock.advance(3601);
  // far more failures than maxAttempts (5), each after its backoff: the change is still in force, so the request is never ended
  for (let sweep = 0; sweep < 8; sweep++) {
    const { body } = await h.sweep();
    expect(body).toMatchObject({ revertFailing: 1, expired: 0, failed: 0 });
    const request = await h.request(id);
    expect(request.status).toBe('active');
    expect(request.revertFailing).toMatchObject({ failures: sweep + 1 });
    expect(request.revertFailing?.accessEndsAt).toBeUndefined();
    h.clock.advance(Math.ceil((request.revertFailing!.retryAt.getTime() - h.clock.now().getTime()) / 1000) + 1);
  }
  expect(h.emulator.service(PAYMENTS)?.egress).toBe('all-traffic');
  const alarm = await h.slack.waitFor(() => thread(id, /still in force/)[0], { description: 'the approvers alarmed' });
  expect(alarm.text).toMatch(/remains in force until runwarden manages to undo it/);
  await h.slack.waitFor(() => dms(id, /still in force/)[0], { description: 'the requester told' });
  expect(thread(id, /still in force/)).toHaveLength(1);
  expect(dms(id, /expired|failed/)).toHaveLength(0);
  expect(failingLines(id)).toHaveLength(8);
  expect((await h.request(id)).revertFailing?.retryAt.getTime()).toBeLessThanOrEqual(h.clock.now().getTime() + 3600_000);
});

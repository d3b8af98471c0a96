/**
 * Issue 7 §2 and §3: one malformed request document never stops the sweep or
 * `/warden list` (skipped, counted as `malformed`, the rest done), and the
 * sweep's counts say what happened — a refused revert is `revertFailing`,
 * never `applied`; an invoker grant whose IAM condition has ended the access
 * ends `failed` once its attempts are used up, and the approvers are told
 * (issue 16 §11).
 */
import { Firestore } from '@google-cloud/firestore';
import { titleFor } from '../../../src/domain/iamCondition';
import { APPROVALS_CHANNEL, service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
let firestore: Firestore;
const HELLO = service('hello');
const PAYMENTS = service('payments-api');
const CONNECTOR = 'projects/acme-prod/locations/us-central1/connectors/prod-connector';

beforeAll(async () => {
  h = await startHarness();
  firestore = new Firestore({ projectId: h.projectId });
});
afterAll(async () => {
  await firestore?.terminate();
  await h?.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: HELLO });
  h.emulator.seedService({ name: PAYMENTS, vpcConnector: CONNECTOR, egress: 'private-ranges-only' });
});

async function activeEgress(): Promise<string> {
  const id = await h.submit('U0ALICE', 'egress payments-api all-traffic 1h partner debugging');
  await h.click('U0BOB', 'approve', id);
  await h.click('U0CAROL', 'approve', id);
  await h.waitForStatus(id, 'active');
  return id;
}

it('an open request whose approvalsRequired is 0 is skipped and counted; due changes are still reverted, and list works', async () => {
  const id = await activeEgress();
  const good = (await firestore.collection('requests').doc(id).get()).data() ?? {};
  await firestore
    .collection('requests')
    .doc('brkn2zerxq')
    .set({ ...good, id: 'brkn2zerxq', status: 'pending', approvalsRequired: 0, message: null });
  await firestore.collection('requests').doc('brkn2junkz').set({ status: 'active', kind: 'teleport' });

  h.clock.advance(3601);
  const sweep = await h.sweep();
  expect(sweep.status).toBe(200);
  expect(sweep.body).toMatchObject({ malformed: 2, expired: 1, errors: 0 });
  await h.waitForStatus(id, 'expired');
  expect(h.emulator.service(PAYMENTS)?.egress).toBe('private-ranges-only');

  expect(await h.ask('U0ALICE', 'list')).not.toMatch(/went wrong/i);
  expect(await h.ask('U0BOB', 'list')).not.toMatch(/went wrong/i);
  expect(await h.ask('U0ALICE', 'status brkn2zerxq')).toMatch(/record of request `brkn2zerxq` is damaged/);

  await firestore.collection('requests').doc('brkn2zerxq').delete();
  await firestore.collection('requests').doc('brkn2junkz').delete();
});

it('a revert refused by Google is counted as revertFailing (never applied), retried with backoff; an invoker grant whose condition has passed ends failed after the attempts, approvers told', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h debugging');
  await h.click('U0BOB', 'approve', id);
  await h.waitForStatus(id, 'active');
  h.emulator.injectFault({
    method: 'GetIamPolicy',
    code: 7,
    message: "Permission 'run.services.getIamPolicy' denied",
    times: 5,
    resource: HELLO,
  });

  h.clock.advance(3601);
  for (let attempt = 1; attempt <= 5; attempt++) {
    const { body } = await h.sweep();
    expect(body).toMatchObject({ revertFailing: 1, retried: 0, applied: 0, expired: 0, failed: 0 });
    const request = await h.request(id);
    expect(request.status).toBe('active');
    expect(request.op).toMatchObject({ type: 'revert', attempts: attempt });
    expect(request.revertFailing).toMatchObject({ failures: attempt });
    h.clock.advance(Math.ceil(((request.revertFailing?.retryAt.getTime() ?? 0) - h.clock.now().getTime()) / 1000) + 1);
  }
  const events = (await h.runwarden.deps.store.events(id)).map((e) => e.action);
  expect(events.filter((a) => a === 'revert_interrupted')).toHaveLength(5);

  const last = await h.sweep();
  expect(last.body).toMatchObject({ failed: 1, retried: 0, revertFailing: 0 });
  const failed = await h.waitForStatus(id, 'failed');
  expect(failed.outcome).toMatch(/could not remove the IAM binding after 5 attempts.*its IAM condition ended the access at/);
  const ts = h.approvalMessage(id)?.ts;
  await h.slack.waitFor(
    () => h.slack.messages(APPROVALS_CHANNEL).find((m) => m.threadTs === ts && m.text.includes(id) && /remove it by hand/.test(m.text)),
    {
      description: 'approvers told',
    },
  );
  // the binding is still there (and its condition has ended access): nothing pretended otherwise
  expect(h.emulator.policy(HELLO).bindings.filter((b) => b.condition?.title === titleFor(id))).toHaveLength(1);
});

it('an apply interrupted by a transient error is counted as retried, then applied by the next sweep', async () => {
  const id = await h.submit('U0ALICE', 'invoker hello 1h debugging');
  h.emulator.injectFault({ method: 'GetIamPolicy', code: 13, message: 'internal error', resource: HELLO });
  await h.click('U0BOB', 'approve', id);
  await h.waitForRequest(id, (r) => r.status === 'approved' && r.op !== undefined && r.op.leaseUntil.getTime() <= h.clock.now().getTime());
  h.emulator.injectFault({ method: 'GetIamPolicy', code: 13, message: 'internal error', resource: HELLO });
  expect((await h.sweep()).body).toMatchObject({ retried: 1, applied: 0 });
  expect((await h.sweep()).body).toMatchObject({ applied: 1, retried: 0 });
  await h.waitForStatus(id, 'active');
});

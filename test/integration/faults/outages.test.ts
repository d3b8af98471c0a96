/**
 * Issue 7 §6: an interrupted rotation is finished with the version it
 * created (no second one), a service deleted under an active grant ends the
 * grant with that as its outcome (not five failed retries). (A database that
 * does not answer: test/unit/adapters/firestore/boundedStore.test.ts.)
 */
import { PROJECT, service, startHarness, type Harness } from '../../support/harness';

jest.setTimeout(120_000);

let h: Harness;
const HELLO = service('hello');
const PAYMENTS = service('payments-api');
const CONNECTOR = 'projects/acme-prod/locations/us-central1/connectors/prod-connector';
const KEY = `projects/${PROJECT}/locations/global/keyRings/app-ring/cryptoKeys/app-key`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => {
  h.emulator.reset();
  h.emulator.seedService({ name: HELLO });
  h.emulator.seedService({ name: PAYMENTS, vpcConnector: CONNECTOR, egress: 'private-ranges-only' });
  h.emulator.seedKey({ name: KEY, versions: 2 });
});

it('a rotation interrupted after creating its version is finished with that version: no extra ENABLED version', async () => {
  const id = await h.submit('U0ALICE', 'rotate app-ring/app-key suspected exposure');
  h.emulator.injectFault({ method: 'UpdateCryptoKeyPrimaryVersion', code: 13, message: 'internal error' });
  await h.click('U0DAVE', 'approve', id);
  const interrupted = await h.waitForLapsedApply(id);
  expect(interrupted.writing?.version).toBe(`${KEY}/cryptoKeyVersions/3`);
  expect((await h.sweep()).body).toMatchObject({ applied: 1 });
  const applied = await h.waitForStatus(id, 'applied');
  expect(applied.result?.version).toBe(`${KEY}/cryptoKeyVersions/3`);
  const key = h.emulator.key(KEY);
  expect(key?.versions).toHaveLength(3);
  expect(key?.primaryVersion).toBe(`${KEY}/cryptoKeyVersions/3`);
  expect(h.emulator.calls.filter((c) => c.method === 'CreateCryptoKeyVersion')).toHaveLength(1);
});

it.each([
  ['invoker', 'invoker hello 1h debugging', HELLO, ['U0BOB']],
  ['egress', 'egress payments-api all-traffic 1h partner debugging', PAYMENTS, ['U0BOB', 'U0CAROL']],
])(
  'a service deleted while a %s change is active: the change ended with it, recorded as the outcome',
  async (_kind, text, target, approvers) => {
    const id = await h.submit('U0ALICE', text);
    for (const approver of approvers) await h.click(approver, 'approve', id);
    await h.waitForStatus(id, 'active');
    h.emulator.reset(); // the service is gone, and with it its IAM policy and settings
    expect((await h.sweep()).body).toMatchObject({ errors: 0, drifted: 0 }); // the periodic check leaves it to expiry
    h.clock.advance(3601);
    expect((await h.sweep()).body).toMatchObject({ expired: 1, retried: 0, failed: 0 });
    const ended = await h.waitForStatus(id, 'expired');
    expect(ended.outcome).toBe(`${target} no longer exists; the access ended with it.`);
    await h.slack.waitFor(() => h.slack.dms('U0ALICE').find((m) => m.text.includes(id) && /expired/.test(m.text)), {
      description: 'requester told',
    });
  },
);

/**
 * A policy without a `posture` section: the scan has nothing to do and says
 * so (HTTP 200: nothing for Cloud Scheduler to retry), never touching Asset
 * Inventory; `/warden posture` says the scan is off.
 */
import { startHarness, type Harness } from '../../support/harness';
import { runPostureScan } from '../../support/posture';

describe('posture turned off', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  test('POST /jobs/posture answers that there is nothing to scan, after the same OIDC check', async () => {
    expect((await runPostureScan(h, null)).status).toBe(401);
    expect(await runPostureScan(h)).toEqual({
      status: 200,
      body: { skipped: 'the policy has no posture section (SPEC §5): nothing to scan' },
    });
    expect(h.emulator.calls.filter((c) => c.service === 'google.cloud.asset.v1.AssetService')).toEqual([]);
  });

  test('/warden posture says the scan is not turned on', async () => {
    expect(await h.ask('U0BOB', 'posture')).toContain('The posture scan is not turned on: the policy has no `posture` section');
  });
});

/**
 * The permission manifest against the wire: every port method of the four
 * Google adapters is driven through the real client libraries against the
 * gRPC emulator, and every gRPC method the emulator saw must be a manifest
 * entry's `rpc` (so its permission is granted by infra/iam.tf). A new port
 * method fails here until it has a scenario below.
 */
import { createAssetClient } from '../../../src/adapters/gcp/assetClient';
import { createAssetInventory } from '../../../src/adapters/gcp/assetInventory';
import { createKmsKeys } from '../../../src/adapters/gcp/kmsKeys';
import { createStandingBindings } from '../../../src/adapters/gcp/standingBindings';
import { PERMISSION_MANIFEST } from '../../../src/adapters/gcp/permissions';
import { createRunIamPolicy } from '../../../src/adapters/gcp/runIamPolicy';
import { createRunServices } from '../../../src/adapters/gcp/runServices';
import { leaseHeld, useGcpEmulator } from './harness';

const SERVICE = 'projects/acme-prod/locations/us-central1/services/payments';
const KEY = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/payments';

describe('the gRPC methods runwarden sends are all in the permission manifest', () => {
  const gcp = useGcpEmulator();

  it('drives every port method and sees only manifest methods on the wire', async () => {
    gcp().emulator.seedService({
      name: SERVICE,
      ingress: 'internal',
      vpcConnector: 'projects/acme-prod/locations/us-central1/connectors/main',
      egress: 'private-ranges-only',
    });
    gcp().emulator.seedKey({ name: KEY, purpose: 'ENCRYPT_DECRYPT', versions: 1 });
    const services = createRunServices({ client: gcp().run });
    const iam = createRunIamPolicy({ client: gcp().run });
    const keys = createKmsKeys({ client: gcp().kms });
    const assetClient = createAssetClient({ emulatorHost: gcp().emulator.address });
    const inventory = createAssetInventory({ client: assetClient });
    const standing = createStandingBindings({ client: gcp().run });
    const binding = {
      role: 'roles/run.invoker',
      members: ['user:alice@acme.example'],
      condition: { title: 'runwarden-perm22test', description: 'test', expression: 'request.time < timestamp("2030-01-01T00:00:00Z")' },
    };
    const extended = { ...binding, condition: { ...binding.condition, expression: 'request.time < timestamp("2030-01-02T00:00:00Z")' } };
    const scenarios: Record<string, () => Promise<unknown>> = {
      'services.getService': () => services.getService(SERVICE),
      'services.listServices': () => services.listServices('projects/acme-prod/locations/us-central1'),
      'services.listServices (all regions)': () => services.listServices('projects/acme-prod/locations/-'),
      'services.updateSetting': async () => {
        await services.updateSetting(SERVICE, 'egress', () => ({ type: 'write', value: 'all-traffic' }), leaseHeld);
        return services.updateSetting(SERVICE, 'ingress', () => ({ type: 'write', value: 'all' }), leaseHeld);
      },
      'iam.addBinding': () => iam.addBinding(SERVICE, binding, leaseHeld),
      'iam.replaceBinding': () => iam.replaceBinding(SERVICE, binding, extended, leaseHeld),
      'iam.getBindings': () => iam.getBindings(SERVICE),
      'iam.removeBinding': () => iam.removeBinding(SERVICE, extended, leaseHeld),
      'iam.removeBindings': async () => {
        await iam.addBinding(SERVICE, binding, leaseHeld);
        return iam.removeBindings(SERVICE, [{ binding, beforeWrite: leaseHeld }]);
      },
      'keys.getKey': () => keys.getKey(KEY),
      'keys.createVersion': () => keys.createVersion(KEY, leaseHeld),
      'keys.waitUntilEnabled': () => keys.waitUntilEnabled(`${KEY}/cryptoKeyVersions/2`),
      'keys.makePrimary': () => keys.makePrimary(KEY, `${KEY}/cryptoKeyVersions/2`, leaseHeld),
      'keys.setRotationSchedule': () => keys.setRotationSchedule(KEY, 30 * 86_400, new Date('2030-01-01T00:00:00Z'), leaseHeld),
      'inventory.services': () => inventory.services('projects/acme-prod', { size: 10 }),
      'inventory.keys': () => inventory.keys('projects/acme-prod', { size: 10 }),
      'inventory.policies': () => inventory.policies('projects/acme-prod', { size: 10 }),
      'standing.removeMembers': async () => {
        gcp().emulator.foreignSetBindings(SERVICE, [{ role: 'roles/run.invoker', members: ['user:bob@acme.example'] }]);
        return standing.removeMembers(
          SERVICE,
          { role: 'roles/run.invoker', members: ['user:bob@acme.example'], expected: ['user:bob@acme.example'] },
          leaseHeld,
        );
      },
    };
    const covered = new Set(Object.keys(scenarios).map((name) => name.split(' ')[0]));
    const portMethods = [
      ...Object.keys(services).map((m) => `services.${m}`),
      ...Object.keys(iam).map((m) => `iam.${m}`),
      ...Object.keys(keys).map((m) => `keys.${m}`),
      ...Object.keys(inventory).map((m) => `inventory.${m}`),
      ...Object.keys(standing).map((m) => `standing.${m}`),
    ];
    expect(portMethods.filter((m) => !covered.has(m))).toEqual([]);

    try {
      for (const run of Object.values(scenarios)) await run();
    } finally {
      await assetClient.close();
    }

    const listed = new Set(PERMISSION_MANIFEST.map((entry) => entry.rpc));
    const seen = [...new Set(gcp().emulator.calls.map((call) => `${call.service}/${call.method}`))];
    expect(seen.length).toBeGreaterThanOrEqual(9);
    expect(seen.filter((rpc) => !listed.has(rpc))).toEqual([]);
  }, 60_000);
});

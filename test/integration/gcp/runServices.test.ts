/**
 * The Cloud Run services adapter through the real client against the gRPC
 * emulator: reading the network posture, one-field updates through the
 * long-running operation, listing across regions.
 */
import { createRunServices } from '../../../src/adapters/gcp/runServices';
import { ErrorCode } from '../../../src/domain/errors';
import type { ServicesPort } from '../../../src/ports';
import { rejectionOf, useGcpEmulator } from './harness';

const PAYMENTS = 'projects/acme-prod/locations/us-central1/services/payments';
const LEDGER = 'projects/acme-prod/locations/europe-west1/services/ledger';
const CONNECTOR = 'projects/acme-prod/locations/us-central1/connectors/main';
const KEY = 'projects/acme-prod/locations/us-central1/keyRings/run/cryptoKeys/payments';

describe('Cloud Run services adapter (real client, gRPC emulator)', () => {
  const gcp = useGcpEmulator();
  let services: ServicesPort;

  beforeEach(() => {
    services = createRunServices({ client: gcp().run });
    gcp().emulator.seedService({
      name: PAYMENTS,
      ingress: 'internal',
      vpcConnector: CONNECTOR,
      egress: 'private-ranges-only',
      encryptionKey: KEY,
    });
    gcp().emulator.seedService({
      name: LEDGER,
      ingress: 'internal-and-cloud-load-balancing',
      networkInterfaces: [{ network: 'shared-vpc', subnetwork: 'ledger-subnet' }],
      egress: 'all-traffic',
    });
  });

  it('reads a service’s ingress, egress, connector, key and latest ready revision', async () => {
    const info = await services.getService(PAYMENTS);
    expect(info).toEqual({
      name: PAYMENTS,
      ingress: 'internal',
      egress: 'private-ranges-only',
      vpcConnector: CONNECTOR,
      networkInterfaces: [],
      latestReadyRevision: gcp().emulator.service(PAYMENTS)?.latestReadyRevision,
      encryptionKey: KEY,
    });
    expect(info.latestReadyRevision).toMatch(new RegExp(`^${PAYMENTS}/revisions/`));
  });

  it('reads Direct VPC egress as network/subnetwork', async () => {
    const info = await services.getService(LEDGER);
    expect(info).toMatchObject({
      ingress: 'internal-and-cloud-load-balancing',
      egress: 'all-traffic',
      vpcConnector: undefined,
      networkInterfaces: ['shared-vpc/ledger-subnet'],
      encryptionKey: undefined,
    });
  });

  it('has no egress when the service has no VPC access', async () => {
    const plain = 'projects/acme-prod/locations/us-central1/services/plain';
    gcp().emulator.seedService({ name: plain });
    await expect(services.getService(plain)).resolves.toMatchObject({ ingress: 'all', egress: undefined, networkInterfaces: [] });
  });

  it('setEgress changes only the egress, through a one-path update mask, and returns the new revision', async () => {
    const before = gcp().emulator.service(PAYMENTS);
    const { revision } = await services.setEgress(PAYMENTS, 'all-traffic');

    const after = gcp().emulator.service(PAYMENTS);
    expect(after).toMatchObject({ egress: 'all-traffic', ingress: 'internal', vpcConnector: CONNECTOR, encryptionKey: KEY });
    expect(revision).toBe(after?.latestReadyRevision);
    expect(revision).not.toBe(before?.latestReadyRevision);

    const update = gcp().emulator.calls.find((c) => c.method === 'UpdateService');
    expect(update?.request).toMatchObject({
      service: { name: PAYMENTS, template: { vpcAccess: { egress: 'ALL_TRAFFIC' } } },
      updateMask: { paths: ['template.vpc_access.egress'] },
    });
    await expect(services.getService(PAYMENTS)).resolves.toMatchObject({ egress: 'all-traffic', latestReadyRevision: revision });
  });

  it('setIngress changes only the ingress', async () => {
    await services.setIngress(PAYMENTS, 'all');
    expect(gcp().emulator.service(PAYMENTS)).toMatchObject({ ingress: 'all', egress: 'private-ranges-only', vpcConnector: CONNECTOR });
    const update = gcp().emulator.calls.find((c) => c.method === 'UpdateService');
    expect(update?.request).toMatchObject({
      service: { name: PAYMENTS, ingress: 'INGRESS_TRAFFIC_ALL' },
      updateMask: { paths: ['ingress'] },
    });
  });

  it('turns a failed operation into a WardenError, Google’s message for the operators only', async () => {
    gcp().emulator.failNextOperation(PAYMENTS, 'Revision payments-00002 is not ready: container failed to start.');
    const error = await rejectionOf(services.setEgress(PAYMENTS, 'all-traffic'));
    expect(error.code).toBe(ErrorCode.Precondition);
    expect(error.operatorMessage).toContain('container failed to start');
    expect(error.userMessage).not.toContain('container failed to start');
    expect(error.userMessage).toContain(PAYMENTS);

    gcp().emulator.failNextOperation(PAYMENTS, 'Internal error while deploying.', 13);
    expect((await rejectionOf(services.setIngress(PAYMENTS, 'all'))).code).toBe(ErrorCode.Upstream);
  });

  it('turns NOT_FOUND into ResourceNotFound naming the service', async () => {
    const missing = 'projects/acme-prod/locations/us-central1/services/nope';
    const error = await rejectionOf(services.getService(missing));
    expect(error.code).toBe(ErrorCode.ResourceNotFound);
    expect(error.userMessage).toBe(`Cloud Run service ${missing} was not found.`);
    expect((await rejectionOf(services.setEgress(missing, 'all-traffic'))).code).toBe(ErrorCode.ResourceNotFound);
  });

  it('turns PERMISSION_DENIED into PermissionDenied, Google’s message for the operators only', async () => {
    gcp().emulator.injectFault({ method: 'UpdateService', code: 7, message: "Permission 'run.services.update' denied" });
    const error = await rejectionOf(services.setIngress(PAYMENTS, 'all'));
    expect(error.code).toBe(ErrorCode.PermissionDenied);
    expect(error.operatorMessage).toContain("Permission 'run.services.update' denied");
    expect(error.userMessage).not.toContain("Permission 'run.services.update' denied");
  });

  it('lists the services of one region, and of every region with "-"', async () => {
    gcp().emulator.seedService({ name: 'projects/other-project/locations/us-central1/services/elsewhere' });
    const inOne = await services.listServices('projects/acme-prod/locations/us-central1');
    expect(inOne.map((s) => s.name)).toEqual([PAYMENTS]);

    const everywhere = await services.listServices('projects/acme-prod/locations/-');
    expect(everywhere.map((s) => s.name).sort()).toEqual([LEDGER, PAYMENTS].sort());
    expect(everywhere.find((s) => s.name === LEDGER)?.networkInterfaces).toEqual(['shared-vpc/ledger-subnet']);
  });

  it('pages through long lists', async () => {
    const names = Array.from({ length: 230 }, (_, i) => `projects/acme-prod/locations/us-east1/services/svc-${String(i).padStart(3, '0')}`);
    for (const name of names) gcp().emulator.seedService({ name });
    const listed = await services.listServices('projects/acme-prod/locations/us-east1');
    expect(listed.map((s) => s.name).sort()).toEqual(names);
  });

  it('refuses a malformed parent', async () => {
    expect((await rejectionOf(services.listServices('projects/acme-prod'))).code).toBe(ErrorCode.UsageError);
  });
});

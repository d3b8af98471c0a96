/**
 * The Cloud Run services adapter through the real client against the gRPC
 * emulator: reading the network posture, one-field updates through the
 * long-running operation, listing across regions.
 */
import { createRunServices } from '../../../src/adapters/gcp/runServices';
import { ErrorCode } from '../../../src/domain/errors';
import type { ServicesPort } from '../../../src/ports';
import { leaseHeld, rejectionOf, useGcpEmulator } from './harness';

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

  const write = (value: string) => () => ({ type: 'write' as const, value });
  const updates = (): Array<{ service?: Record<string, unknown>; updateMask?: { paths?: string[] } }> =>
    gcp()
      .emulator.calls.filter((c) => c.method === 'UpdateService')
      .map((c) => c.request as { service?: Record<string, unknown>; updateMask?: { paths?: string[] } });

  it('updateSetting egress changes only the egress, through a one-path update mask with the etag read, and returns the new revision', async () => {
    const before = gcp().emulator.service(PAYMENTS);
    const { revision, read, plan } = await services.updateSetting(PAYMENTS, 'egress', write('all-traffic'), leaseHeld);

    const after = gcp().emulator.service(PAYMENTS);
    expect(after).toMatchObject({ egress: 'all-traffic', ingress: 'internal', vpcConnector: CONNECTOR, encryptionKey: KEY });
    expect(revision).toBe(after?.latestReadyRevision);
    expect(revision).not.toBe(before?.latestReadyRevision);
    expect(read.egress).toBe('private-ranges-only');
    expect(plan).toEqual({ type: 'write', value: 'all-traffic' });

    expect(updates()).toEqual([
      expect.objectContaining({
        service: expect.objectContaining({
          name: PAYMENTS,
          etag: before?.etag,
          template: expect.objectContaining({ vpcAccess: expect.objectContaining({ egress: 'ALL_TRAFFIC' }) }),
        }),
        updateMask: expect.objectContaining({ paths: ['template.vpc_access.egress'] }),
      }),
    ]);
    await expect(services.getService(PAYMENTS)).resolves.toMatchObject({ egress: 'all-traffic', latestReadyRevision: revision });
  });

  it('updateSetting ingress changes only the ingress, with the etag read', async () => {
    const etag = gcp().emulator.service(PAYMENTS)?.etag;
    await services.updateSetting(PAYMENTS, 'ingress', write('all'), leaseHeld);
    expect(gcp().emulator.service(PAYMENTS)).toMatchObject({ ingress: 'all', egress: 'private-ranges-only', vpcConnector: CONNECTOR });
    expect(updates()).toEqual([
      expect.objectContaining({
        service: expect.objectContaining({ name: PAYMENTS, etag, ingress: 'INGRESS_TRAFFIC_ALL' }),
        updateMask: expect.objectContaining({ paths: ['ingress'] }),
      }),
    ]);
  });

  it('a plan to keep writes nothing', async () => {
    const result = await services.updateSetting(PAYMENTS, 'ingress', () => ({ type: 'keep' }), leaseHeld);
    expect(result.plan).toEqual({ type: 'keep' });
    expect(updates()).toEqual([]);
  });

  it('someone else changes the service between the read and the write: Google refuses the stale etag, and the whole read-plan-write is redone on the fresh service', async () => {
    const sleeps: number[] = [];
    const port = createRunServices({ client: gcp().run, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms) });
    const seen: string[] = [];
    let first = true;
    const result = await port.updateSetting(
      PAYMENTS,
      'ingress',
      (service) => {
        seen.push(service.ingress);
        return service.ingress === 'all' ? { type: 'keep' } : { type: 'write', value: 'all' };
      },
      async () => {
        // an admin's change lands between runwarden's read and its write
        if (first) gcp().emulator.foreignUpdateService(PAYMENTS, { ingress: 'internal-and-cloud-load-balancing' });
        first = false;
      },
    );
    expect(seen).toEqual(['internal', 'internal-and-cloud-load-balancing']);
    expect(result.read.ingress).toBe('internal-and-cloud-load-balancing');
    expect(gcp().emulator.service(PAYMENTS)?.ingress).toBe('all');
    expect(sleeps).toHaveLength(1);
    expect(updates()).toHaveLength(2); // the refused one, then the one on the fresh read
  });

  it('an etag that keeps going stale ends in runwarden_conflict after the attempts', async () => {
    const port = createRunServices({ client: gcp().run, maxAttempts: 3, random: () => 0, sleep: async () => undefined });
    const error = await rejectionOf(
      port.updateSetting(PAYMENTS, 'ingress', write('all'), async () =>
        gcp().emulator.foreignUpdateService(PAYMENTS, { ingress: 'internal' }),
      ),
    );
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(updates()).toHaveLength(3);
    expect(gcp().emulator.service(PAYMENTS)?.ingress).toBe('internal');
  });

  it('a template carrying a revision name: an egress change clears it (mask template.revision), and Cloud Run names a new revision', async () => {
    const named = 'projects/acme-prod/locations/us-central1/services/deployed';
    gcp().emulator.seedService({ name: named, vpcConnector: CONNECTOR, egress: 'private-ranges-only', templateRevision: 'deployed-v42' });
    const before = gcp().emulator.service(named);
    expect(before?.latestReadyRevision).toBe(`${named}/revisions/deployed-v42`);

    const { revision } = await services.updateSetting(named, 'egress', write('all-traffic'), leaseHeld);
    expect(gcp().emulator.service(named)?.egress).toBe('all-traffic');
    expect(gcp().emulator.service(named)?.templateRevision).toBeUndefined();
    expect(revision).toBe(gcp().emulator.service(named)?.latestReadyRevision);
    expect(revision).not.toBe(before?.latestReadyRevision);
    expect(updates()[0]?.updateMask?.paths).toEqual(['template.vpc_access.egress', 'template.revision']);

    // and back: the revert makes one more new revision
    await services.updateSetting(named, 'egress', write('private-ranges-only'), leaseHeld);
    expect(gcp().emulator.service(named)?.egress).toBe('private-ranges-only');
    expect(gcp().emulator.service(named)?.revisions).toHaveLength(3);
  });

  it('an ingress change keeps a template’s revision name (ingress is not part of the template: no new revision)', async () => {
    const named = 'projects/acme-prod/locations/us-central1/services/deployed';
    gcp().emulator.seedService({ name: named, ingress: 'all', templateRevision: 'deployed-v42' });
    await services.updateSetting(named, 'ingress', write('internal'), leaseHeld);
    expect(gcp().emulator.service(named)).toMatchObject({
      ingress: 'internal',
      templateRevision: 'deployed-v42',
      revisions: [`${named}/revisions/deployed-v42`],
    });
    expect(updates()[0]?.updateMask?.paths).toEqual(['ingress']);
  });

  it('turns a failed operation into a WardenError, Google’s message for the operators only', async () => {
    gcp().emulator.failNextOperation(PAYMENTS, 'Revision payments-00002 is not ready: container failed to start.');
    const error = await rejectionOf(services.updateSetting(PAYMENTS, 'egress', write('all-traffic'), leaseHeld));
    expect(error.code).toBe(ErrorCode.Precondition);
    expect(error.operatorMessage).toContain('container failed to start');
    expect(error.userMessage).not.toContain('container failed to start');
    expect(error.userMessage).toContain(PAYMENTS);

    gcp().emulator.failNextOperation(PAYMENTS, 'Internal error while deploying.', 13);
    expect((await rejectionOf(services.updateSetting(PAYMENTS, 'ingress', write('all'), leaseHeld))).code).toBe(ErrorCode.Upstream);
  });

  it('turns NOT_FOUND into ResourceNotFound naming the service', async () => {
    const missing = 'projects/acme-prod/locations/us-central1/services/nope';
    const error = await rejectionOf(services.getService(missing));
    expect(error.code).toBe(ErrorCode.ResourceNotFound);
    expect(error.userMessage).toBe(`Cloud Run service ${missing} was not found.`);
    expect((await rejectionOf(services.updateSetting(missing, 'egress', write('all-traffic'), leaseHeld))).code).toBe(
      ErrorCode.ResourceNotFound,
    );
  });

  it('turns PERMISSION_DENIED into PermissionDenied, Google’s message for the operators only', async () => {
    gcp().emulator.injectFault({ method: 'UpdateService', code: 7, message: "Permission 'run.services.update' denied" });
    const error = await rejectionOf(services.updateSetting(PAYMENTS, 'ingress', write('all'), leaseHeld));
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

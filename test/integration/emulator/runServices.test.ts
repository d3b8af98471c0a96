/**
 * Cloud Run Admin API v2 on the emulator, driven by the real ServicesClient.
 */
import { status } from '@grpc/grpc-js';
import { startEmulator, type Emulator } from '../../../dev/emulator';
import { emulatorClients, type EmulatorClients } from '../../support/emulatorClients';

const PROJECT = 'acme-test';
const REGION = `projects/${PROJECT}/locations/us-central1`;
const HELLO = `${REGION}/services/hello`;
const PAYMENTS = `${REGION}/services/payments-api`;
const KEY = `projects/${PROJECT}/locations/global/keyRings/run-cmek/cryptoKeys/payments`;

let emulator: Emulator;
let clients: EmulatorClients;

beforeAll(async () => {
  emulator = await startEmulator();
  clients = emulatorClients(emulator.address);
});

afterAll(async () => {
  await clients.close();
  await emulator.stop();
});

beforeEach(() => {
  emulator.reset();
  emulator.seedKey({ name: KEY });
  emulator.seedService({ name: HELLO });
  emulator.seedService({
    name: PAYMENTS,
    ingress: 'internal',
    vpcConnector: `${REGION}/connectors/payments-vpc`,
    egress: 'private-ranges-only',
    encryptionKey: KEY,
  });
  emulator.seedService({ name: `projects/${PROJECT}/locations/europe-west1/services/billing-worker` });
});

describe('GetService and ListServices', () => {
  test('returns a seeded service with its settings', async () => {
    const [service] = await clients.run.getService({ name: PAYMENTS });
    expect(service.name).toBe(PAYMENTS);
    expect(service.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
    expect(service.template?.vpcAccess?.connector).toBe(`${REGION}/connectors/payments-vpc`);
    expect(service.template?.vpcAccess?.egress).toBe('PRIVATE_RANGES_ONLY');
    expect(service.template?.encryptionKey).toBe(KEY);
    expect(service.latestReadyRevision).toMatch(new RegExp(`^${PAYMENTS}/revisions/payments-api-00001-[a-z]{3}$`));
  });

  test('an unknown service is NOT_FOUND with the resource in the message', async () => {
    const name = `${REGION}/services/nope`;
    await expect(clients.run.getService({ name })).rejects.toMatchObject({
      code: status.NOT_FOUND,
      details: `Resource '${name}' was not found`,
    });
  });

  test('a malformed name is INVALID_ARGUMENT', async () => {
    await expect(clients.run.getService({ name: 'services/hello' })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  test('lists the services of one region, page by page', async () => {
    const [all] = await clients.run.listServices({ parent: REGION });
    expect(all.map((s) => s.name)).toEqual([HELLO, PAYMENTS]);
    const [first, next] = await clients.run.listServices({ parent: REGION, pageSize: 1 }, { autoPaginate: false });
    expect(first.map((s) => s.name)).toEqual([HELLO]);
    expect(next?.pageToken).toBeTruthy();
  });

  test('refuses the "-" wildcard location like Google', async () => {
    await expect(clients.run.listServices({ parent: `projects/${PROJECT}/locations/-` })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  test('lists the regions holding services, plus us-central1', async () => {
    emulator.seedService({ name: `projects/${PROJECT}/locations/asia-east1/services/x` });
    const regions: string[] = [];
    for await (const location of clients.run.listLocationsAsync({ name: `projects/${PROJECT}` })) {
      regions.push(location.locationId ?? '');
    }
    expect(regions).toEqual(['asia-east1', 'europe-west1', 'us-central1']);
  });
});

describe('UpdateService', () => {
  test('with an update mask changes only that field and makes a new revision', async () => {
    const before = emulator.service(PAYMENTS);
    const [operation] = await clients.run.updateService({
      service: { name: PAYMENTS, template: { vpcAccess: { egress: 'ALL_TRAFFIC' } } },
      updateMask: { paths: ['template.vpc_access.egress'] },
    });
    expect(operation.name).toMatch(new RegExp(`^${REGION}/operations/[0-9a-f-]{36}$`));
    const [service] = await operation.promise();
    const after = emulator.service(PAYMENTS);
    expect(after).toMatchObject({
      egress: 'all-traffic',
      ingress: 'internal',
      vpcConnector: `${REGION}/connectors/payments-vpc`,
      encryptionKey: KEY,
      generation: (before?.generation ?? 0) + 1,
    });
    expect(after?.etag).not.toBe(before?.etag);
    expect(after?.latestReadyRevision).toMatch(/payments-api-00002-[a-z]{3}$/);
    expect(service.latestReadyRevision).toBe(after?.latestReadyRevision);
    expect(service.latestCreatedRevision).toBe(after?.latestReadyRevision);
  });

  test('an ingress change keeps the revision', async () => {
    const before = emulator.service(HELLO);
    const [operation] = await clients.run.updateService({
      service: { name: HELLO, ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER' },
      updateMask: { paths: ['ingress'] },
    });
    await operation.promise();
    expect(emulator.service(HELLO)).toMatchObject({
      ingress: 'internal-and-cloud-load-balancing',
      latestReadyRevision: before?.latestReadyRevision,
    });
  });

  test('without a mask the whole settable spec is replaced: a partial service is refused', async () => {
    await expect(clients.run.updateService({ service: { name: PAYMENTS, ingress: 'INGRESS_TRAFFIC_ALL' } })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    expect(emulator.service(PAYMENTS)?.ingress).toBe('internal');
  });

  test('a read-modify-write of the whole service changes what was edited and keeps the revision', async () => {
    const before = emulator.service(PAYMENTS);
    const [current] = await clients.run.getService({ name: PAYMENTS });
    const [operation] = await clients.run.updateService({ service: { ...current, ingress: 'INGRESS_TRAFFIC_ALL' } });
    await operation.promise();
    expect(emulator.service(PAYMENTS)).toMatchObject({
      ingress: 'all',
      egress: 'private-ranges-only',
      encryptionKey: KEY,
      generation: 2,
      latestReadyRevision: before?.latestReadyRevision,
    });
  });

  test('a stale service etag is ABORTED', async () => {
    const [current] = await clients.run.getService({ name: HELLO });
    emulator.foreignUpdateService(HELLO, { ingress: 'internal' });
    await expect(clients.run.updateService({ service: { ...current, ingress: 'INGRESS_TRAFFIC_ALL' } })).rejects.toMatchObject({
      code: status.ABORTED,
    });
  });

  test('refuses egress on a service without VPC access, and unknown mask paths', async () => {
    await expect(
      clients.run.updateService({
        service: { name: HELLO, template: { vpcAccess: { egress: 'ALL_TRAFFIC' } } },
        updateMask: { paths: ['template.vpc_access.egress'] },
      }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(
      clients.run.updateService({ service: { name: HELLO }, updateMask: { paths: ['template.vpcAccess.egress'] } }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  test('an unknown service is NOT_FOUND', async () => {
    await expect(
      clients.run.updateService({
        service: { name: `${REGION}/services/ghost`, ingress: 'INGRESS_TRAFFIC_ALL' },
        updateMask: { paths: ['ingress'] },
      }),
    ).rejects.toMatchObject({ code: status.NOT_FOUND });
  });

  test('failNextOperation makes the operation fail and leaves the service as it was', async () => {
    emulator.failNextOperation(PAYMENTS, 'Revision payments-api-00002 is not ready');
    const [operation] = await clients.run.updateService({
      service: { name: PAYMENTS, template: { vpcAccess: { egress: 'ALL_TRAFFIC' } } },
      updateMask: { paths: ['template.vpc_access.egress'] },
    });
    await expect(operation.promise()).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
      message: 'Revision payments-api-00002 is not ready',
    });
    expect(emulator.service(PAYMENTS)).toMatchObject({ egress: 'private-ranges-only', generation: 1 });
  });

  test('checkUpdateServiceProgress reads the operation back', async () => {
    const [operation] = await clients.run.updateService({
      service: { name: HELLO, ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY' },
      updateMask: { paths: ['ingress'] },
    });
    const decoded = await clients.run.checkUpdateServiceProgress(operation.name ?? '');
    expect(decoded.done).toBe(true);
    expect(decoded.result).toMatchObject({ name: HELLO });
  });
});

describe('operations', () => {
  type RunClient = EmulatorClients['run'];
  test('are listed per location and can be deleted', async () => {
    const [operation] = await clients.run.updateService({
      service: { name: HELLO, ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY' },
      updateMask: { paths: ['ingress'] },
    });
    const names: string[] = [];
    const list = { name: REGION } as Parameters<RunClient['listOperationsAsync']>[0];
    for await (const op of clients.run.listOperationsAsync(list)) names.push(op.name ?? '');
    expect(names).toEqual([operation.name]);
    await clients.run.deleteOperation({ name: operation.name } as Parameters<RunClient['deleteOperation']>[0]);
    await expect(clients.run.getOperation({ name: operation.name } as Parameters<RunClient['getOperation']>[0])).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });
  });
});

describe('fault injection and recording', () => {
  test('the next call fails with the injected status, then calls succeed again', async () => {
    emulator.injectFault({ method: 'GetService', code: status.PERMISSION_DENIED, message: 'denied', resource: HELLO });
    await expect(clients.run.getService({ name: PAYMENTS })).resolves.toBeDefined();
    await expect(clients.run.getService({ name: HELLO })).rejects.toMatchObject({ code: status.PERMISSION_DENIED, details: 'denied' });
    await expect(clients.run.getService({ name: HELLO })).resolves.toBeDefined();
  });

  test('records every call with its decoded request', async () => {
    await clients.run.getService({ name: HELLO });
    expect(emulator.calls).toEqual([{ method: 'GetService', service: 'google.cloud.run.v2.Services', request: { name: HELLO } }]);
  });

  test('foreignUpdateService drifts a service behind the caller', async () => {
    emulator.foreignUpdateService(PAYMENTS, { egress: 'all-traffic' });
    const [service] = await clients.run.getService({ name: PAYMENTS });
    expect(service.template?.vpcAccess?.egress).toBe('ALL_TRAFFIC');
    expect(service.latestReadyRevision).toMatch(/payments-api-00002-[a-z]{3}$/);
  });
});

/**
 * The Asset Inventory adapter through the REAL @google-cloud/asset client
 * against the project's emulator, which answers from the same state as its
 * Cloud Run, KMS and IAM methods: what the posture scan reads, paged, and
 * what it is refused.
 */
import { status } from '@grpc/grpc-js';
import type { AssetServiceClient } from '@google-cloud/asset';
import { createAssetClient } from '../../../src/adapters/gcp/assetClient';
import { createAssetInventory } from '../../../src/adapters/gcp/assetInventory';
import { ErrorCode } from '../../../src/domain/errors';
import type { AssetInventoryPort, InventoryPage } from '../../../src/ports';
import { rejectionOf, useGcpEmulator } from './harness';

const PROD = 'projects/acme-prod';
const svc = (project: string, name: string, region = 'us-central1') => `projects/${project}/locations/${region}/services/${name}`;
const KEY = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/orders';
const FULL = { size: 500 };

describe('Asset Inventory through the real client', () => {
  const gcp = useGcpEmulator();
  let client: AssetServiceClient;
  let inventory: AssetInventoryPort;

  beforeAll(() => {
    client = createAssetClient({ emulatorHost: gcp().emulator.address });
    inventory = createAssetInventory({ client });
  });
  afterAll(async () => {
    await client.close();
  });

  async function all<T>(read: (token?: string) => Promise<InventoryPage<T>>): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await read(token);
      items.push(...page.items);
      pages += 1;
      token = page.next;
    } while (token !== undefined);
    return { items, pages };
  }

  test('reads a service’s ingress, runtime identity and key from its v2 version, and a key’s rotation', async () => {
    const { emulator } = gcp();
    emulator.seedKey({ name: KEY, rotationPeriodSeconds: 30 * 86_400, nextRotationTime: new Date('2030-01-01T00:00:00Z') });
    emulator.seedService({
      name: svc('acme-prod', 'orders'),
      ingress: 'internal',
      encryptionKey: KEY,
      serviceAccount: 'orders@acme-prod.iam.gserviceaccount.com',
    });
    emulator.seedService({ name: svc('acme-prod', 'hello'), ingress: 'all' });

    const services = await inventory.services(PROD, FULL);
    expect(services.items).toEqual([
      {
        name: svc('acme-prod', 'hello'),
        ingress: 'all',
        serviceAccount: expect.stringMatching(/^[0-9]+-compute@developer\.gserviceaccount\.com$/),
        encryptionKey: undefined,
      },
      {
        name: svc('acme-prod', 'orders'),
        ingress: 'internal',
        serviceAccount: 'orders@acme-prod.iam.gserviceaccount.com',
        encryptionKey: KEY,
      },
    ]);
    expect(services.skipped).toEqual([]);
    expect(services.next).toBeUndefined();
    expect(services.projects[0]).toEqual({ number: expect.stringMatching(/^[0-9]+$/), id: 'acme-prod' });

    const keys = await inventory.keys(PROD, FULL);
    expect(keys.items).toEqual([{ name: KEY, purpose: 'ENCRYPT_DECRYPT', rotationPeriodSeconds: 30 * 86_400 }]);
  });

  test('reads the same from the Knative v1 version when that is all Asset Inventory shows', async () => {
    const { emulator } = gcp();
    emulator.setServiceAssetVersions(['v1']);
    emulator.seedService({
      name: svc('acme-prod', 'orders'),
      ingress: 'internal-and-cloud-load-balancing',
      encryptionKey: KEY,
      serviceAccount: 'orders@acme-prod.iam.gserviceaccount.com',
    });
    emulator.seedService({ name: svc('acme-prod', 'hello'), ingress: 'all' });
    const { items } = await all((t) => inventory.services(PROD, { token: t, size: 500 }));
    expect(items).toEqual([
      {
        name: svc('acme-prod', 'hello'),
        ingress: 'all',
        serviceAccount: expect.stringMatching(/-compute@developer\.gserviceaccount\.com$/),
        encryptionKey: undefined,
      },
      {
        name: svc('acme-prod', 'orders'),
        ingress: 'internal-and-cloud-load-balancing',
        serviceAccount: 'orders@acme-prod.iam.gserviceaccount.com',
        encryptionKey: KEY,
      },
    ]);
  });

  test('a binding written through Cloud Run’s SetIamPolicy is found by the next policy search', async () => {
    const { emulator, run } = gcp();
    emulator.seedService({ name: svc('acme-prod', 'orders') });
    expect((await inventory.policies(PROD, FULL)).items).toEqual([]);
    const [policy] = await run.getIamPolicy({ resource: svc('acme-prod', 'orders') });
    await run.setIamPolicy({
      resource: svc('acme-prod', 'orders'),
      policy: { etag: policy.etag, bindings: [{ role: 'roles/run.invoker', members: ['group:eng@acme.example'] }] },
    });
    expect((await inventory.policies(PROD, FULL)).items).toEqual([
      {
        resource: svc('acme-prod', 'orders'),
        level: 'service',
        bindings: [{ role: 'roles/run.invoker', members: ['group:eng@acme.example'] }],
      },
    ]);
  });

  test('policies: conditions kept, a project’s own policy named by number (and the number mapped by the page)', async () => {
    const { emulator } = gcp();
    const condition = { title: 'runwarden-abc', description: 'd', expression: 'request.time < timestamp("2026-01-01T00:00:00Z")' };
    emulator.seedService({
      name: svc('acme-prod', 'orders'),
      bindings: [{ role: 'roles/run.invoker', members: ['user:a@acme.example'], condition }],
    });
    emulator.seedProject({ id: 'acme-prod', bindings: [{ role: 'roles/run.developer', members: ['group:eng@acme.example'] }] });
    const page = await inventory.policies(PROD, FULL);
    const project = page.items.find((p) => p.level === 'project');
    expect(project?.resource).toMatch(/^projects\/[0-9]+$/);
    expect(page.projects).toContainEqual({ number: project?.resource.slice('projects/'.length), id: 'acme-prod' });
    expect(page.items.find((p) => p.level === 'service')).toEqual({
      resource: svc('acme-prod', 'orders'),
      level: 'service',
      bindings: [{ role: 'roles/run.invoker', members: ['user:a@acme.example'], condition }],
    });
  });

  test('pages honour page_size and page_token: every item once, in order', async () => {
    const { emulator } = gcp();
    for (let i = 0; i < 7; i += 1)
      emulator.seedService({
        name: svc('acme-prod', `s${i}`),
        bindings: [{ role: 'roles/run.invoker', members: [`user:u${i}@acme.example`] }],
      });
    const services = await all((t) => inventory.services(PROD, { token: t, size: 3 }));
    expect(services.pages).toBe(3);
    expect(services.items.map((s) => s.name)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => svc('acme-prod', `s${i}`)));
    const policies = await all((t) => inventory.policies(PROD, { token: t, size: 3 }));
    expect(policies.pages).toBe(3);
    expect(policies.items).toHaveLength(7);
    const sizes = gcp()
      .emulator.calls.filter((c) => c.method === 'SearchAllIamPolicies')
      .map((c) => (c.request as { pageSize?: number }).pageSize);
    expect(sizes).toEqual([3, 3, 3]);
  });

  test('folders and organizations reach the projects under them; a project is a scope by id or by number', async () => {
    const { emulator } = gcp();
    emulator.seedFolder({ name: 'folders/100', parent: 'organizations/1' });
    emulator.seedFolder({ name: 'folders/200', parent: 'folders/100' });
    emulator.seedProject({ id: 'acme-prod', parent: 'folders/200' });
    emulator.seedProject({ id: 'acme-dev', parent: 'organizations/1' });
    emulator.seedService({ name: svc('acme-prod', 'orders') });
    emulator.seedService({ name: svc('acme-dev', 'sandbox') });
    emulator.seedService({ name: svc('other-corp', 'x') });
    const names = async (scope: string) => (await inventory.services(scope, FULL)).items.map((s) => s.name);
    expect(await names('folders/100')).toEqual([svc('acme-prod', 'orders')]);
    expect(await names('organizations/1')).toEqual([svc('acme-dev', 'sandbox'), svc('acme-prod', 'orders')]);
    const number = (await inventory.services(PROD, FULL)).projects[0]?.number ?? '';
    expect(await names(`projects/${number}`)).toEqual([svc('acme-prod', 'orders')]);
  });

  test('a scope runwarden may not read is refused with what it needs; the same call works elsewhere', async () => {
    const { emulator } = gcp();
    emulator.seedService({ name: svc('acme-prod', 'orders') });
    emulator.seedService({ name: svc('acme-secret', 'vault') });
    emulator.denyAssetScope('projects/acme-secret');
    const refused = await rejectionOf(inventory.services('projects/acme-secret', FULL));
    expect(refused.code).toBe(ErrorCode.PermissionDenied);
    expect(refused.userMessage).toBe(
      'runwarden may not read the inventory of projects/acme-secret: it needs cloudasset.assets.searchAllResources there (roles/cloudasset.viewer or runwarden’s posture role), and the Cloud Asset API enabled.'.replace(
        '’',
        "'",
      ),
    );
    expect((await rejectionOf(inventory.policies('projects/acme-secret', FULL))).userMessage).toContain(
      'cloudasset.assets.searchAllIamPolicies',
    );
    expect((await inventory.services(PROD, FULL)).items).toHaveLength(1);
  });

  test.each([
    ['a query (never ignored: it would drop bindings)', { query: 'policy:roles/run.invoker' }],
    ['an order_by', { orderBy: 'resource' }],
    ['an asset type given as a regular expression', { assetTypes: ['run.googleapis.com.*'] }],
    ['an asset type the emulator does not serve', { assetTypes: ['compute.googleapis.com/Instance'] }],
    ['a scope that is not a project, folder or organization', { scope: 'acme-prod' }],
  ])('the emulator refuses %s with INVALID_ARGUMENT', async (_, change) => {
    gcp().emulator.seedService({
      name: svc('acme-prod', 'orders'),
      bindings: [{ role: 'roles/run.invoker', members: ['user:a@acme.example'] }],
    });
    await expect(client.searchAllIamPolicies({ scope: PROD, ...change }, { autoPaginate: false })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  test('the emulator refuses an unknown read_mask field, and a page token used with other parameters', async () => {
    const { emulator } = gcp();
    for (let i = 0; i < 3; i += 1) emulator.seedService({ name: svc('acme-prod', `s${i}`) });
    await expect(
      client.searchAllResources({ scope: PROD, readMask: { paths: ['ingress'] } }, { autoPaginate: false }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    const [, , response] = await client.searchAllResources({ scope: PROD, pageSize: 1 }, { autoPaginate: false });
    const pageToken = response.nextPageToken ?? '';
    expect(pageToken).not.toBe('');
    await expect(client.searchAllResources({ scope: PROD, pageSize: 2, pageToken }, { autoPaginate: false })).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    const [next] = await client.searchAllResources({ scope: PROD, pageSize: 1, pageToken }, { autoPaginate: false });
    expect(next.map((r) => r.name)).toEqual([`//run.googleapis.com/${svc('acme-prod', 's1')}`]);
  });

  test('without a read mask, versioned resources are not returned (as on Google): the adapter always asks for them', async () => {
    gcp().emulator.seedService({ name: svc('acme-prod', 'orders') });
    const [bare] = await client.searchAllResources({ scope: PROD }, { autoPaginate: false });
    expect(bare[0]?.versionedResources ?? []).toEqual([]);
    await inventory.services(PROD, FULL);
    const last = gcp()
      .emulator.calls.filter((c) => c.method === 'SearchAllResources')
      .pop();
    expect(last?.request).toMatchObject({
      readMask: { paths: expect.arrayContaining(['versionedResources']) },
      assetTypes: ['run.googleapis.com/Service'],
    });
  });
});

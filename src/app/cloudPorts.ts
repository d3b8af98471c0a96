/**
 * The ports backed by Google Cloud — the request store (Firestore), IAM and
 * services (Cloud Run Admin API v2), keys (Cloud KMS) — each built on first
 * use (src/app/deferred.ts). Nothing here imports a Google library at load
 * time: `@google-cloud/firestore` loads with the first store call,
 * `@google-cloud/run` with the first Cloud Run call, `@google-cloud/kms` with
 * the first key call, `@google-cloud/asset` with the first posture scan.
 * `close()` closes only the clients that were created.
 */
import type { Firestore } from '@google-cloud/firestore';
import type {
  StandingBindingsPort,
  AssetInventoryPort,
  DeliveryLedger,
  FindingStore,
  IamPolicyPort,
  KeysPort,
  Logger,
  RequestStore,
  ServicesPort,
} from '../ports';
import { deferred, once } from './deferred';

export interface CloudPortsOptions {
  projectId: string;
  /** "host:port" of the gRPC stand-in for Cloud Run / KMS; unset: Google's endpoints with ADC */
  runEmulatorHost?: string | undefined;
  kmsEmulatorHost?: string | undefined;
  /** "host:port" of the gRPC stand-in for Cloud Asset Inventory; unset: Google's endpoint with ADC */
  assetEmulatorHost?: string | undefined;
  logger: Logger;
  /** how long KeysPort.waitUntilEnabled waits for a version being generated (default: the adapter's) */
  keyGenerationWaitMs?: number | undefined;
}

export interface CloudPorts {
  store: RequestStore;
  /** which slash-command deliveries were already handled (Firestore, like the store) */
  deliveries: DeliveryLedger;
  iam: IamPolicyPort;
  services: ServicesPort;
  keys: KeysPort;
  /** Cloud Asset Inventory (the posture scan) */
  assets: AssetInventoryPort;
  /** posture findings and scans (Firestore, like the store) */
  findings: FindingStore;
  /** a Cloud Run service's standing bindings (the posture conversion) */
  standing: StandingBindingsPort;
  close(): Promise<void>;
}

export function createCloudPorts(options: CloudPortsOptions): CloudPorts {
  const closers: Array<() => Promise<unknown>> = [];

  const firestore = once(async (): Promise<Firestore> => {
    const { Firestore } = await import('@google-cloud/firestore');
    const client = new Firestore({ projectId: options.projectId, ignoreUndefinedProperties: true });
    closers.push(() => client.terminate());
    return client;
  });
  const run = once(async () => {
    const { createRunClient } = await import('../adapters/gcp/clients');
    const client = createRunClient({ emulatorHost: options.runEmulatorHost });
    closers.push(() => client.close());
    return client;
  });
  const kms = once(async () => {
    const { createKmsClient } = await import('../adapters/gcp/clients');
    const client = createKmsClient({ emulatorHost: options.kmsEmulatorHost });
    closers.push(() => client.close());
    return client;
  });

  const asset = once(async () => {
    const { createAssetClient } = await import('../adapters/gcp/assetClient');
    const client = createAssetClient({ emulatorHost: options.assetEmulatorHost });
    closers.push(() => client.close());
    return client;
  });

  return {
    store: deferred(async () => (await import('../adapters/firestore/requestStore')).createRequestStore({ firestore: await firestore() }), {
      create: true,
      get: true,
      events: true,
      transact: true,
      transactEach: true,
      listByStatus: true,
      listByRequester: true,
      listAwaitingReview: true,
      markReviewDue: true,
      page: true,
      count: true,
      recentByRequester: true,
      countByRequester: true,
      listPendingExtensions: true,
      listOutboxDue: true,
    }),
    deliveries: deferred(
      async () => (await import('../adapters/firestore/deliveryLedger')).createDeliveryLedger({ firestore: await firestore() }),
      { claim: true, record: true, reply: true },
    ),
    iam: deferred(
      async () =>
        (await import('../adapters/gcp/runIamPolicy')).createRunIamPolicy({
          client: await run(),
          log: options.logger.child({ component: 'iam' }),
        }),
      { addBinding: true, removeBinding: true, removeBindings: true, replaceBinding: true, getBindings: true },
    ),
    services: deferred(
      async () =>
        (await import('../adapters/gcp/runServices')).createRunServices({
          client: await run(),
          log: options.logger.child({ component: 'run' }),
        }),
      { getService: true, listServices: true, updateSetting: true },
    ),
    keys: deferred(
      async () =>
        (await import('../adapters/gcp/kmsKeys')).createKmsKeys({ client: await kms(), generationWaitMs: options.keyGenerationWaitMs }),
      { getKey: true, createVersion: true, waitUntilEnabled: true, makePrimary: true, setRotationSchedule: true },
    ),
    assets: deferred(async () => (await import('../adapters/gcp/assetInventory')).createAssetInventory({ client: await asset() }), {
      services: true,
      keys: true,
      policies: true,
    }),
    standing: deferred(
      async () =>
        (await import('../adapters/gcp/standingBindings')).createStandingBindings({
          client: await run(),
          log: options.logger.child({ component: 'iam' }),
        }),
      { removeMembers: true },
    ),
    findings: deferred(
      async () => (await import('../adapters/firestore/findingStore')).createFindingStore({ firestore: await firestore() }),
      {
        record: true,
        resolveUnseen: true,
        markConverted: true,
        get: true,
        countOpen: true,
        listOpen: true,
        acquireScanLease: true,
        releaseScanLease: true,
        saveScan: true,
        scanFinishedBy: true,
        owedSummaries: true,
        settleSummary: true,
      },
    ),
    async close() {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}

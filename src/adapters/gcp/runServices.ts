/**
 * ServicesPort on the Cloud Run Admin API v2: reads a service's network
 * posture and changes exactly one field (ingress, or the VPC egress) with an
 * UpdateService whose update mask names only that field, in a
 * read-modify-write guarded by the service's etag: a change someone else made
 * between runwarden's read and its write makes Google refuse the write
 * (ABORTED), and the whole read-decide-write is redone on the fresh service.
 *
 * A change under `template` (the egress) makes a new revision. A template
 * that carries a revision name (`template.revision`, set by deploy tools such
 * as `gcloud run deploy --revision-suffix`) would name the new revision like
 * the existing one, and Cloud Run refuses that with ALREADY_EXISTS ("Revision
 * named … with different configuration already exists"). Google documents
 * the field as "the unique name for the revision; if omitted, it will be
 * automatically generated" (RevisionTemplate.revision), so such a write also
 * clears it (mask `template.revision`, empty): Cloud Run names the new
 * revision itself, as Terraform's autogenerate_revision_name does.
 */
import type { protos, ServicesClient } from '@google-cloud/run';
import { z } from 'zod';
import { ErrorCode, WardenError } from '../../domain/errors';
import type { EgressValue, IngressValue } from '../../domain/request';
import type { IngressSetting, ServiceInfo, ServicesPort, SettingField } from '../../ports';
import { toWardenError } from './grpcErrors';
import { retryOptions, withEtagRetry, type RetryDeps } from './readModifyWrite';

/** The part of ServicesClient this adapter uses. */
export type RunServicesClient = Pick<ServicesClient, 'getService' | 'listServicesAsync' | 'listLocationsAsync' | 'updateService'>;

export interface RunServicesDeps extends RetryDeps {
  client: RunServicesClient;
  /**
   * Deadline of each RPC, retries included (gax `timeout`, which also bounds
   * gax's own UNAVAILABLE retries of GetService — 600 s by default); default 30 000 ms.
   */
  callTimeoutMs?: number | undefined;
  /** total time an UpdateService long-running operation is polled (default 180 000 ms) */
  operationTimeoutMs?: number | undefined;
}

/** gRPC answers carry enum names; numbers are accepted too (REST transport). */
const enumValue = z.union([z.string(), z.number()]).nullish();
const revisionsSchema = z.object({
  latestReadyRevision: z.string().nullish(),
  latestCreatedRevision: z.string().nullish(),
});
const serviceSchema = revisionsSchema.extend({
  name: z.string().min(1),
  etag: z.string().nullish(),
  ingress: enumValue,
  template: z
    .object({
      revision: z.string().nullish(),
      encryptionKey: z.string().nullish(),
      vpcAccess: z
        .object({
          connector: z.string().nullish(),
          egress: enumValue,
          networkInterfaces: z.array(z.object({ network: z.string().nullish(), subnetwork: z.string().nullish() })).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

const INGRESS_ENUM = [
  'INGRESS_TRAFFIC_UNSPECIFIED',
  'INGRESS_TRAFFIC_ALL',
  'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
  'INGRESS_TRAFFIC_NONE',
] as const;
const EGRESS_ENUM = ['VPC_EGRESS_UNSPECIFIED', 'ALL_TRAFFIC', 'PRIVATE_RANGES_ONLY'] as const;

const INGRESS_TO_API = {
  all: 'INGRESS_TRAFFIC_ALL',
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'internal-and-cloud-load-balancing': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
} as const satisfies Record<IngressValue, (typeof INGRESS_ENUM)[number]>;
const EGRESS_TO_API = {
  'all-traffic': 'ALL_TRAFFIC',
  'private-ranges-only': 'PRIVATE_RANGES_ONLY',
} as const satisfies Record<EgressValue, (typeof EGRESS_ENUM)[number]>;

const PARENT = /^projects\/([^/]+)\/locations\/([^/]+)$/;

export function createRunServices(deps: RunServicesDeps): ServicesPort {
  const { client } = deps;
  const what = (name: string): string => `Cloud Run service ${name}`;
  const call = { timeout: deps.callTimeoutMs ?? 30_000 };
  const retry = retryOptions(deps);
  const longrunning = {
    initialRetryDelayMillis: 250,
    retryDelayMultiplier: 1.5,
    maxRetryDelayMillis: 5_000,
    totalTimeoutMillis: deps.operationTimeoutMs ?? 180_000,
  };

  /** The services of one location, at most `limit` (the pages past it are never read). */
  async function listIn(parent: string, limit = Infinity): Promise<ServiceInfo[]> {
    const services: ServiceInfo[] = [];
    if (limit <= 0) return services;
    for await (const service of client.listServicesAsync({ parent }, { autoPaginate: false, ...call })) {
      services.push(toServiceInfo(serviceSchema.parse(service)));
      if (services.length >= limit) break;
    }
    return services;
  }

  async function locationsOf(project: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const location of client.listLocationsAsync({ name: `projects/${project}` }, { autoPaginate: false, ...call })) {
      const id = location.locationId || location.name?.split('/').pop();
      if (id) ids.push(id);
    }
    return ids;
  }

  /** One UpdateService of `field` with the etag read, waited for; the new latest revision. */
  async function write(read: ReadService, field: SettingField, value: string): Promise<string | undefined> {
    const { service, paths } = changeOf(read, field, value);
    const [operation] = await client.updateService(
      { service: { name: read.info.name, etag: read.etag, ...service }, updateMask: { paths } },
      { ...call, longrunning },
    );
    const [result] = await operation.promise();
    const revisions = revisionsSchema.parse(result);
    return revisions.latestReadyRevision || revisions.latestCreatedRevision || undefined;
  }

  async function readService(name: string): Promise<ReadService> {
    const [service] = await client.getService({ name }, call);
    const parsed = serviceSchema.parse(service);
    return { info: toServiceInfo(parsed), etag: parsed.etag ?? undefined, templateRevision: parsed.template?.revision || undefined };
  }

  return {
    async getService(name) {
      try {
        return (await readService(name)).info;
      } catch (error) {
        throw toWardenError(error, what(name));
      }
    },

    async listServices(parent, limit) {
      const match = PARENT.exec(parent);
      if (!match?.[1] || !match[2]) {
        throw new WardenError(ErrorCode.UsageError, `"${parent}" is not of the form projects/P/locations/L.`);
      }
      const [, project, location] = match;
      try {
        if (location !== '-') return await listIn(parent, limit);
        const locations = await locationsOf(project);
        const perLocation = await Promise.all(locations.map((l) => listIn(`projects/${project}/locations/${l}`, limit)));
        return perLocation.flat().slice(0, limit ?? Infinity);
      } catch (error) {
        throw toWardenError(error, `the Cloud Run services in ${parent}`);
      }
    },

    updateSetting(name, field, plan, beforeWrite) {
      return withEtagRetry(what(name), retry, async () => {
        const read = await readService(name);
        const planned = plan(read.info);
        if (planned.type === 'keep') return { read: read.info, plan: planned };
        await beforeWrite(read.info, planned.value);
        const revision = await write(read, field, planned.value);
        return { read: read.info, plan: planned, revision };
      });
    },
  };
}

/** A service as read for a read-modify-write: what runwarden decides on, and what its write must carry. */
interface ReadService {
  info: ServiceInfo;
  etag: string | undefined;
  /** template.revision: a revision name a deploy tool set on the template */
  templateRevision: string | undefined;
}

/**
 * The UpdateService body and mask that change `field` to `value` and nothing
 * else — except a template's revision name, cleared so the new revision gets
 * a fresh one (see the header).
 */
function changeOf(
  read: ReadService,
  field: SettingField,
  value: string,
): { service: protos.google.cloud.run.v2.IService; paths: string[] } {
  if (field === 'ingress') {
    if (!isKey(INGRESS_TO_API, value))
      throw new WardenError(ErrorCode.InvalidState, `\`${value}\` is not an ingress setting runwarden knows.`);
    return { service: { ingress: INGRESS_TO_API[value] }, paths: ['ingress'] };
  }
  if (!isKey(EGRESS_TO_API, value)) throw new WardenError(ErrorCode.InvalidState, `\`${value}\` is not an egress setting runwarden knows.`);
  const template: protos.google.cloud.run.v2.IRevisionTemplate = { vpcAccess: { egress: EGRESS_TO_API[value] } };
  if (!read.templateRevision) return { service: { template }, paths: ['template.vpc_access.egress'] };
  return { service: { template: { ...template, revision: '' } }, paths: ['template.vpc_access.egress', 'template.revision'] };
}

function isKey<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.hasOwn(table, key);
}

function toServiceInfo(service: z.infer<typeof serviceSchema>): ServiceInfo {
  const vpc = service.template?.vpcAccess ?? undefined;
  const networkInterfaces = (vpc?.networkInterfaces ?? []).map((ni) =>
    [ni.network, ni.subnetwork].filter((part): part is string => !!part).join('/'),
  );
  const vpcConnector = vpc?.connector || undefined;
  const hasVpcAccess = vpcConnector !== undefined || networkInterfaces.length > 0;
  return {
    name: service.name,
    ingress: ingressOf(service.ingress),
    egress: hasVpcAccess ? egressOf(vpc?.egress) : undefined,
    vpcConnector,
    networkInterfaces,
    latestReadyRevision: service.latestReadyRevision || undefined,
    encryptionKey: service.template?.encryptionKey || undefined,
  };
}

function enumName(value: string | number | null | undefined, names: readonly string[]): string | undefined {
  return typeof value === 'number' ? names[value] : (value ?? undefined);
}

function ingressOf(value: string | number | null | undefined): IngressSetting {
  switch (enumName(value, INGRESS_ENUM)) {
    case 'INGRESS_TRAFFIC_ALL':
      return 'all';
    case 'INGRESS_TRAFFIC_INTERNAL_ONLY':
      return 'internal';
    case 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER':
      return 'internal-and-cloud-load-balancing';
    default:
      // INGRESS_TRAFFIC_UNSPECIFIED, and INGRESS_TRAFFIC_NONE, which runwarden has no value for
      return 'unspecified';
  }
}

/** With VPC access but no egress set, Cloud Run routes only private ranges through the VPC. */
function egressOf(value: string | number | null | undefined): EgressValue {
  return enumName(value, EGRESS_ENUM) === 'ALL_TRAFFIC' ? 'all-traffic' : 'private-ranges-only';
}

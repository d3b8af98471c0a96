/**
 * How the emulator holds a Cloud Run service, and how that record is shown:
 * on the wire (google.cloud.run.v2.Service as proto-loader encodes it) and to
 * tests (EmulatedService).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { toDuration, toTimestamp } from './wire';
import type { EgressName, EmulatedService, IngressName, NetworkInterface } from './types';

export const INGRESS_WIRE = {
  all: 'INGRESS_TRAFFIC_ALL',
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  'internal-and-cloud-load-balancing': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
  none: 'INGRESS_TRAFFIC_NONE',
  unspecified: 'INGRESS_TRAFFIC_UNSPECIFIED',
} as const;
export type IngressWire = (typeof INGRESS_WIRE)[keyof typeof INGRESS_WIRE];

export const EGRESS_WIRE = { 'all-traffic': 'ALL_TRAFFIC', 'private-ranges-only': 'PRIVATE_RANGES_ONLY' } as const;
export type EgressWire = (typeof EGRESS_WIRE)[EgressName];

export interface VpcAccessRecord {
  connector?: string;
  egress: EgressWire;
  networkInterfaces: Array<{ network?: string; subnetwork?: string; tags: string[] }>;
}

export interface TemplateRecord {
  revision?: string;
  serviceAccount: string;
  containers: Array<{ name?: string; image: string }>;
  vpcAccess?: VpcAccessRecord;
  encryptionKey?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  maxInstanceRequestConcurrency: number;
  timeoutSeconds: number;
}

export interface ServiceRecord {
  name: string;
  uid: string;
  createTime: Date;
  updateTime: Date;
  generation: number;
  etag: string;
  description: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ingress: IngressWire;
  template: TemplateRecord;
  revisions: string[];
}

export const newServiceEtag = (): string => `"${randomBytes(12).toString('base64url')}"`;

/** The project number the emulator gives a project id (stable: derived from the id). */
export function projectNumber(project: string): string {
  return String(BigInt(`0x${createHash('sha256').update(project).digest('hex').slice(0, 10)}`)).padStart(12, '1');
}

function shortName(name: string): { project: string; location: string; id: string } {
  const [, project = '', , location = '', , id = ''] = name.split('/');
  return { project, location, id };
}

/** Adds the next revision (`<service>-0000N-abc`, or the template's own name) */
export function addRevision(record: ServiceRecord): void {
  const { id } = shortName(record.name);
  const letters = Array.from(randomBytes(3), (byte) => String.fromCharCode(97 + (byte % 26))).join('');
  const revision = record.template.revision || `${id}-${String(record.revisions.length + 1).padStart(5, '0')}-${letters}`;
  record.revisions.push(`${record.name}/revisions/${revision}`);
}

/** Cloud Run's default runtime identity: the Compute Engine default service account. */
export function defaultServiceAccount(serviceName: string): string {
  return `${projectNumber(shortName(serviceName).project)}-compute@developer.gserviceaccount.com`;
}

export function defaultTemplate(serviceName: string): TemplateRecord {
  return {
    serviceAccount: defaultServiceAccount(serviceName),
    containers: [{ image: 'us-docker.pkg.dev/cloudrun/container/hello' }],
    labels: {},
    annotations: {},
    maxInstanceRequestConcurrency: 80,
    timeoutSeconds: 300,
  };
}

export function newServiceRecord(name: string, template: TemplateRecord, now: Date): ServiceRecord {
  const record: ServiceRecord = {
    name,
    uid: randomUUID(),
    createTime: now,
    updateTime: now,
    generation: 1,
    etag: newServiceEtag(),
    description: '',
    labels: {},
    annotations: {},
    ingress: INGRESS_WIRE.all,
    template,
    revisions: [],
  };
  addRevision(record);
  return record;
}

function latest(record: ServiceRecord): string {
  return record.revisions[record.revisions.length - 1] ?? '';
}

/** google.cloud.run.v2.Service, as the real API fills it in */
export function serviceToWire(record: ServiceRecord): object {
  const { project, location, id } = shortName(record.name);
  const revision = latest(record);
  const uri = `https://${id}-${projectNumber(project)}.${location}.run.app`;
  const vpc = record.template.vpcAccess;
  return {
    name: record.name,
    description: record.description,
    uid: record.uid,
    generation: String(record.generation),
    labels: record.labels,
    annotations: record.annotations,
    createTime: toTimestamp(record.createTime),
    updateTime: toTimestamp(record.updateTime),
    creator: 'emulator@runwarden.invalid',
    lastModifier: 'emulator@runwarden.invalid',
    ingress: record.ingress,
    launchStage: 'GA',
    template: {
      ...(record.template.revision ? { revision: record.template.revision } : {}),
      labels: record.template.labels,
      annotations: record.template.annotations,
      ...(vpc ? { vpcAccess: { ...vpc, networkInterfaces: vpc.networkInterfaces } } : {}),
      timeout: toDuration(record.template.timeoutSeconds),
      serviceAccount: record.template.serviceAccount,
      containers: record.template.containers,
      ...(record.template.encryptionKey ? { encryptionKey: record.template.encryptionKey } : {}),
      maxInstanceRequestConcurrency: record.template.maxInstanceRequestConcurrency,
      executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
    },
    traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
    observedGeneration: String(record.generation),
    terminalCondition: {
      type: 'Ready',
      state: 'CONDITION_SUCCEEDED',
      lastTransitionTime: toTimestamp(record.updateTime),
    },
    latestReadyRevision: revision,
    latestCreatedRevision: revision,
    trafficStatuses: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
    uri,
    urls: [uri],
    etag: record.etag,
    reconciling: false,
  };
}

const INGRESS_NAMES = Object.fromEntries(Object.entries(INGRESS_WIRE).map(([k, v]) => [v, k])) as Record<
  IngressWire,
  EmulatedService['ingress']
>;
const EGRESS_NAMES: Record<EgressWire, EgressName> = { ALL_TRAFFIC: 'all-traffic', PRIVATE_RANGES_ONLY: 'private-ranges-only' };

export function serviceSnapshot(record: ServiceRecord): EmulatedService {
  const vpc = record.template.vpcAccess;
  const revision = latest(record);
  const interfaces: NetworkInterface[] = (vpc?.networkInterfaces ?? []).map((ni) => ({
    ...(ni.network !== undefined ? { network: ni.network } : {}),
    ...(ni.subnetwork !== undefined ? { subnetwork: ni.subnetwork } : {}),
  }));
  return {
    name: record.name,
    uid: record.uid,
    generation: record.generation,
    etag: record.etag,
    ingress: INGRESS_NAMES[record.ingress],
    ...(vpc ? { egress: EGRESS_NAMES[vpc.egress] } : {}),
    ...(vpc?.connector ? { vpcConnector: vpc.connector } : {}),
    networkInterfaces: interfaces,
    ...(record.template.encryptionKey ? { encryptionKey: record.template.encryptionKey } : {}),
    ...(record.template.revision ? { templateRevision: record.template.revision } : {}),
    labels: { ...record.labels },
    revisions: [...record.revisions],
    latestCreatedRevision: revision,
    latestReadyRevision: revision,
    updateTime: record.updateTime,
  };
}

export function isIngressName(value: string): value is IngressName {
  return value === 'all' || value === 'internal' || value === 'internal-and-cloud-load-balancing';
}

export function isEgressName(value: string): value is EgressName {
  return value === 'all-traffic' || value === 'private-ranges-only';
}

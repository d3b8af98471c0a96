/**
 * UpdateService's semantics: the update mask (or full replacement of the
 * settable fields without one), Cloud Run's validation of VPC access and
 * CMEK, and what makes a new revision.
 */
import { z } from 'zod';
import { invalidArgument } from './rpcError';
import { durationSchema, fromDuration } from './wire';
import { INGRESS_WIRE, type IngressWire, type TemplateRecord, type VpcAccessRecord } from './runModel';

const stringMap = z.record(z.string(), z.string());

const vpcAccessSchema = z.object({
  connector: z.string().optional(),
  egress: z.enum(['VPC_EGRESS_UNSPECIFIED', 'ALL_TRAFFIC', 'PRIVATE_RANGES_ONLY']).optional(),
  networkInterfaces: z
    .array(z.object({ network: z.string().optional(), subnetwork: z.string().optional(), tags: z.array(z.string()).optional() }))
    .optional(),
});

const templateSchema = z.object({
  revision: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  vpcAccess: vpcAccessSchema.optional(),
  timeout: durationSchema.optional(),
  serviceAccount: z.string().optional(),
  containers: z.array(z.object({ name: z.string().optional(), image: z.string().optional() })).optional(),
  encryptionKey: z.string().optional(),
  maxInstanceRequestConcurrency: z.number().optional(),
});

export const incomingServiceSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  ingress: z.enum(Object.values(INGRESS_WIRE) as [IngressWire, ...IngressWire[]]).optional(),
  template: templateSchema.optional(),
  etag: z.string().optional(),
});
export type IncomingService = z.infer<typeof incomingServiceSchema>;
type IncomingTemplate = z.infer<typeof templateSchema>;

/** The settable part of a service that UpdateService may change. */
export interface ServiceSpec {
  description: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ingress: IngressWire;
  template: TemplateRecord;
}

const VPC_PATHS = new Set([
  'template.vpc_access',
  'template.vpc_access.connector',
  'template.vpc_access.egress',
  'template.vpc_access.network_interfaces',
]);

const CONNECTOR = /^(projects\/[^/]+\/locations\/[^/]+\/connectors\/)?[a-z][-a-z0-9]{0,23}$/;
const CRYPTO_KEY = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;

function vpcFrom(incoming: IncomingTemplate['vpcAccess']): VpcAccessRecord | undefined {
  if (!incoming) return undefined;
  const interfaces = (incoming.networkInterfaces ?? []).map((ni) => ({
    ...(ni.network ? { network: ni.network } : {}),
    ...(ni.subnetwork ? { subnetwork: ni.subnetwork } : {}),
    tags: ni.tags ?? [],
  }));
  const hasEgress = incoming.egress !== undefined && incoming.egress !== 'VPC_EGRESS_UNSPECIFIED';
  if (!incoming.connector && interfaces.length === 0) {
    if (hasEgress) {
      throw invalidArgument('template.vpc_access.egress requires a VPC connector or network interfaces (Direct VPC)');
    }
    return undefined;
  }
  return {
    ...(incoming.connector ? { connector: incoming.connector } : {}),
    egress: hasEgress && incoming.egress === 'ALL_TRAFFIC' ? 'ALL_TRAFFIC' : 'PRIVATE_RANGES_ONLY',
    networkInterfaces: interfaces,
  };
}

function templateFrom(incoming: IncomingTemplate): TemplateRecord {
  const containers = incoming.containers ?? [];
  if (containers.length === 0) throw invalidArgument('template.containers: at least one container is required');
  const vpcAccess = vpcFrom(incoming.vpcAccess);
  return {
    ...(incoming.revision ? { revision: incoming.revision } : {}),
    serviceAccount: incoming.serviceAccount ?? '',
    containers: containers.map((c, i) => {
      if (!c.image) throw invalidArgument(`template.containers[${i}].image is required`);
      return { ...(c.name ? { name: c.name } : {}), image: c.image };
    }),
    ...(vpcAccess ? { vpcAccess } : {}),
    ...(incoming.encryptionKey ? { encryptionKey: incoming.encryptionKey } : {}),
    labels: incoming.labels ?? {},
    annotations: incoming.annotations ?? {},
    maxInstanceRequestConcurrency: incoming.maxInstanceRequestConcurrency ?? 80,
    timeoutSeconds: incoming.timeout ? fromDuration(incoming.timeout) : 300,
  };
}

type PathSetter = (spec: ServiceSpec, incoming: IncomingService, template: IncomingTemplate) => void;

/** Mask paths outside template.vpc_access, each replacing one field. */
const SETTERS: Record<string, PathSetter> = {
  description: (spec, incoming) => (spec.description = incoming.description ?? ''),
  labels: (spec, incoming) => (spec.labels = incoming.labels ?? {}),
  annotations: (spec, incoming) => (spec.annotations = incoming.annotations ?? {}),
  ingress: (spec, incoming) => (spec.ingress = incoming.ingress ?? INGRESS_WIRE.unspecified),
  template: (spec, _incoming, t) => (spec.template = templateFrom(t)),
  'template.revision': (spec, _incoming, t) => {
    if (t.revision) spec.template.revision = t.revision;
    else delete spec.template.revision;
  },
  'template.labels': (spec, _incoming, t) => (spec.template.labels = t.labels ?? {}),
  'template.annotations': (spec, _incoming, t) => (spec.template.annotations = t.annotations ?? {}),
  'template.timeout': (spec, _incoming, t) => (spec.template.timeoutSeconds = t.timeout ? fromDuration(t.timeout) : 300),
  'template.service_account': (spec, _incoming, t) => (spec.template.serviceAccount = t.serviceAccount ?? ''),
  'template.containers': (spec, _incoming, t) => (spec.template.containers = templateFrom({ ...t, vpcAccess: undefined }).containers),
  'template.encryption_key': (spec, _incoming, t) => {
    if (t.encryptionKey) spec.template.encryptionKey = t.encryptionKey;
    else delete spec.template.encryptionKey;
  },
  'template.max_instance_request_concurrency': (spec, _incoming, t) =>
    (spec.template.maxInstanceRequestConcurrency = t.maxInstanceRequestConcurrency ?? 80),
};

function applyPath(spec: ServiceSpec, path: string, incoming: IncomingService): void {
  const setter = Object.hasOwn(SETTERS, path) ? SETTERS[path] : undefined;
  if (setter) setter(spec, incoming, incoming.template ?? {});
  else applyVpcPath(spec.template, path, incoming.template?.vpcAccess ?? {});
}

function applyVpcPath(template: TemplateRecord, path: string, incoming: NonNullable<IncomingTemplate['vpcAccess']>): void {
  const current = template.vpcAccess;
  const merged: NonNullable<IncomingTemplate['vpcAccess']> = {
    ...(current?.connector ? { connector: current.connector } : {}),
    ...(current ? { egress: current.egress, networkInterfaces: current.networkInterfaces } : {}),
  };
  if (path === 'template.vpc_access') {
    Object.assign(merged, { connector: undefined, egress: undefined, networkInterfaces: undefined }, incoming);
  }
  if (path === 'template.vpc_access.connector') merged.connector = incoming.connector;
  if (path === 'template.vpc_access.egress') merged.egress = incoming.egress ?? 'VPC_EGRESS_UNSPECIFIED';
  if (path === 'template.vpc_access.network_interfaces') merged.networkInterfaces = incoming.networkInterfaces ?? [];
  const next = vpcFrom(merged);
  if (next) template.vpcAccess = next;
  else delete template.vpcAccess;
}

/** The spec after the update; throws INVALID_ARGUMENT like Cloud Run. */
export function updatedSpec(current: ServiceSpec | undefined, incoming: IncomingService, maskPaths: string[] | undefined): ServiceSpec {
  const paths = maskPaths?.filter((p) => p !== '') ?? [];
  for (const path of paths) {
    if (path !== '*' && !Object.hasOwn(SETTERS, path) && !VPC_PATHS.has(path)) {
      throw invalidArgument(`Invalid update_mask path '${path}' for google.cloud.run.v2.Service`);
    }
  }
  let spec: ServiceSpec;
  if (paths.length === 0 || paths.includes('*') || !current) {
    if (!incoming.template) throw invalidArgument('service.template is required');
    spec = {
      description: incoming.description ?? '',
      labels: incoming.labels ?? {},
      annotations: incoming.annotations ?? {},
      ingress: incoming.ingress ?? INGRESS_WIRE.unspecified,
      template: templateFrom(incoming.template),
    };
  } else {
    spec = structuredClone({
      description: current.description,
      labels: current.labels,
      annotations: current.annotations,
      ingress: current.ingress,
      template: current.template,
    });
    for (const path of paths) applyPath(spec, path, incoming);
  }
  // Cloud Run defaults an unspecified ingress to "all".
  if (spec.ingress === INGRESS_WIRE.unspecified) spec.ingress = INGRESS_WIRE.all;
  validateSpec(spec);
  return spec;
}

function validateSpec(spec: ServiceSpec): void {
  const vpc = spec.template.vpcAccess;
  if (vpc?.connector && vpc.networkInterfaces.length > 0) {
    throw invalidArgument('template.vpc_access: a VPC connector and network interfaces cannot both be set');
  }
  if (vpc?.connector && !CONNECTOR.test(vpc.connector)) {
    throw invalidArgument(`Invalid VPC connector '${vpc.connector}'`);
  }
  for (const ni of vpc?.networkInterfaces ?? []) {
    if (!ni.network && !ni.subnetwork) throw invalidArgument('template.vpc_access.network_interfaces: network or subnetwork is required');
  }
  const key = spec.template.encryptionKey;
  if (key && !CRYPTO_KEY.test(key)) throw invalidArgument(`Invalid template.encryption_key '${key}'`);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function templateChanged(before: TemplateRecord, after: TemplateRecord): boolean {
  return canonical(before) !== canonical(after);
}

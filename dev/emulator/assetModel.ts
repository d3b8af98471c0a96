/**
 * Cloud Asset Inventory's view of the emulator's state: the resource
 * hierarchy (organization → folders → projects) that search scopes name, and
 * the search results it shows for Cloud Run services, Cloud KMS keys and IAM
 * policies — read from the SAME records the Cloud Run, KMS and IAM methods
 * serve, so a binding written through SetIamPolicy is found by the next search.
 *
 * Shapes follow google/cloud/asset/v1/assets.proto (ResourceSearchResult,
 * IamPolicySearchResult) and Google's naming: full resource names
 * (//run.googleapis.com/projects/PROJECT_ID/locations/L/services/S,
 * //cloudkms.googleapis.com/projects/PROJECT_ID/…/cryptoKeys/K, projects as
 * //cloudresourcemanager.googleapis.com/projects/PROJECT_NUMBER), `project` as
 * projects/PROJECT_NUMBER, and `versioned_resources[].resource` holding the
 * resource's REST JSON: Cloud Run Admin API v2 ("v2") and the Knative-style
 * v1 ("v1") for a service, Cloud KMS v1 for a key.
 */
import { keySnapshot, type KeyRecord } from './kmsModel';
import { projectNumber, type ServiceRecord } from './runModel';
import type { EmulatorState, ProjectRecord, StoredPolicy } from './state';
import { toWireStruct, type JsonValue } from './struct';
import { toTimestamp } from './wire';
import { copyBinding } from './iamRules';

export const SERVICE_TYPE = 'run.googleapis.com/Service';
export const KEY_TYPE = 'cloudkms.googleapis.com/CryptoKey';
export const PROJECT_TYPE = 'cloudresourcemanager.googleapis.com/Project';

/** The project a resource name (projects/P/…) belongs to, seeded or implied. */
export function projectRecord(state: EmulatorState, id: string): ProjectRecord {
  return state.projects.get(id) ?? { id, number: projectNumber(id) };
}

/** Every project the emulator knows: seeded ones and those its services, keys and policies name. */
export function knownProjects(state: EmulatorState): Map<string, ProjectRecord> {
  const found = new Map(state.projects);
  const add = (name: string): void => {
    const id = name.split('/')[1];
    if (id && !found.has(id)) found.set(id, projectRecord(state, id));
  };
  for (const name of state.services.keys()) add(name);
  for (const name of state.keys.keys()) add(name);
  for (const [name] of state.policies()) add(name);
  return found;
}

/** A project's ancestors, nearest first: folders/N…, then organizations/N (as far as the hierarchy is known). */
export function ancestorsOf(state: EmulatorState, project: ProjectRecord): string[] {
  const chain: string[] = [];
  let parent = project.parent;
  while (parent !== undefined && !chain.includes(parent)) {
    chain.push(parent);
    parent = parent.startsWith('folders/') ? state.folders.get(parent)?.parent : undefined;
  }
  return chain;
}

/** The projects a scope (projects/ID, projects/NUMBER, folders/N, organizations/N) reaches; undefined when it names nothing known. */
export function projectsInScope(state: EmulatorState, scope: string): Set<string> | undefined {
  const projects = knownProjects(state);
  if (scope.startsWith('projects/')) {
    const key = scope.slice('projects/'.length);
    const found = [...projects.values()].find((p) => p.id === key || p.number === key);
    return found ? new Set([found.id]) : undefined;
  }
  const known = scope.startsWith('folders/')
    ? state.folders.has(scope)
    : [...state.projects.values(), ...state.folders.values()].some((r) => r.parent === scope);
  if (!known) return undefined;
  return new Set([...projects.values()].filter((p) => ancestorsOf(state, p).includes(scope)).map((p) => p.id));
}

/** The hierarchy fields every search result carries. */
function placement(state: EmulatorState, projectId: string): { project: string; folders: string[]; organization: string } {
  const project = projectRecord(state, projectId);
  const ancestors = ancestorsOf(state, project);
  return {
    project: `projects/${project.number}`,
    folders: ancestors.filter((a) => a.startsWith('folders/')),
    organization: ancestors.find((a) => a.startsWith('organizations/')) ?? '',
  };
}

const rfc3339 = (date: Date): string => date.toISOString();

const INGRESS_V1: Record<string, string> = {
  INGRESS_TRAFFIC_ALL: 'all',
  INGRESS_TRAFFIC_INTERNAL_ONLY: 'internal',
  INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER: 'internal-and-cloud-load-balancing',
  INGRESS_TRAFFIC_NONE: 'none',
};

/** The Cloud Run Admin API v2 REST JSON of a service (the fields a posture reader needs, as Google names them). */
function serviceV2(record: ServiceRecord): { [key: string]: JsonValue | undefined } {
  const vpc = record.template.vpcAccess;
  return {
    name: record.name,
    uid: record.uid,
    generation: String(record.generation),
    createTime: rfc3339(record.createTime),
    updateTime: rfc3339(record.updateTime),
    ingress: record.ingress,
    launchStage: 'GA',
    template: {
      serviceAccount: record.template.serviceAccount,
      encryptionKey: record.template.encryptionKey,
      vpcAccess: vpc ? { connector: vpc.connector, egress: vpc.egress } : undefined,
      containers: record.template.containers.map((c) => ({ image: c.image })),
    },
    etag: record.etag,
  };
}

/** The Knative-style Cloud Run Admin API v1 REST JSON of the same service. */
function serviceV1(state: EmulatorState, record: ServiceRecord): { [key: string]: JsonValue | undefined } {
  const [, project = '', , location = '', , id = ''] = record.name.split('/');
  const ingress = INGRESS_V1[record.ingress];
  const templateAnnotations: { [key: string]: string } = {};
  if (record.template.encryptionKey) templateAnnotations['run.googleapis.com/encryption-key'] = record.template.encryptionKey;
  if (record.template.vpcAccess?.connector)
    templateAnnotations['run.googleapis.com/vpc-access-connector'] = record.template.vpcAccess.connector;
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name: id,
      namespace: projectRecord(state, project).number,
      uid: record.uid,
      generation: record.generation,
      creationTimestamp: rfc3339(record.createTime),
      labels: { 'cloud.googleapis.com/location': location },
      annotations: ingress ? { 'run.googleapis.com/ingress': ingress } : {},
    },
    spec: {
      template: {
        metadata: { annotations: templateAnnotations },
        spec: {
          serviceAccountName: record.template.serviceAccount,
          containers: record.template.containers.map((c) => ({ image: c.image })),
        },
      },
    },
  };
}

function keyV1(record: KeyRecord): { [key: string]: JsonValue | undefined } {
  const key = keySnapshot(record);
  return {
    name: key.name,
    purpose: key.purpose,
    createTime: rfc3339(key.createTime),
    primary: key.primaryVersion ? { name: key.primaryVersion, state: 'ENABLED' } : undefined,
    rotationPeriod: key.rotationPeriodSeconds !== undefined ? `${key.rotationPeriodSeconds}s` : undefined,
    nextRotationTime: key.nextRotationTime ? rfc3339(key.nextRotationTime) : undefined,
    versionTemplate: { protectionLevel: 'SOFTWARE' },
  };
}

export interface SearchRecord {
  /** the full resource name (sort key) */
  name: string;
  assetType: string;
  projectId: string;
}

/** A resource search hit, before its read mask. */
export interface ResourceHit extends SearchRecord {
  result(mask: ReadonlySet<string> | 'all'): object;
}

/** Every searchable resource, sorted by full name. */
export function resourceHits(state: EmulatorState): ResourceHit[] {
  const hits: ResourceHit[] = [];
  for (const record of state.services.values()) {
    const [, projectId = '', , location = '', , id = ''] = record.name.split('/');
    const name = `//run.googleapis.com/${record.name}`;
    hits.push({
      name,
      assetType: SERVICE_TYPE,
      projectId,
      result: (mask) =>
        masked(mask, {
          name,
          assetType: SERVICE_TYPE,
          ...placement(state, projectId),
          displayName: id,
          location,
          labels: record.labels,
          kmsKeys: record.template.encryptionKey ? [record.template.encryptionKey] : [],
          createTime: toTimestamp(record.createTime),
          updateTime: toTimestamp(record.updateTime),
          state: 'ACTIVE',
          parentFullResourceName: `//cloudresourcemanager.googleapis.com/projects/${projectRecord(state, projectId).number}`,
          parentAssetType: PROJECT_TYPE,
          versionedResources: state.asset.serviceVersions.map((version) => ({
            version,
            resource: toWireStruct(version === 'v2' ? serviceV2(record) : serviceV1(state, record)),
          })),
        }),
    });
  }
  for (const record of state.keys.values()) {
    const [, projectId = '', , location = ''] = record.name.split('/');
    const name = `//cloudkms.googleapis.com/${record.name}`;
    hits.push({
      name,
      assetType: KEY_TYPE,
      projectId,
      result: (mask) =>
        masked(mask, {
          name,
          assetType: KEY_TYPE,
          ...placement(state, projectId),
          displayName: record.name.split('/').pop() ?? '',
          location,
          labels: record.labels,
          createTime: toTimestamp(record.createTime),
          parentFullResourceName: `//cloudkms.googleapis.com/${record.name.slice(0, record.name.indexOf('/cryptoKeys/'))}`,
          parentAssetType: 'cloudkms.googleapis.com/KeyRing',
          versionedResources: [{ version: 'v1', resource: toWireStruct(keyV1(record)) }],
        }),
    });
  }
  return hits.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The fields of ResourceSearchResult a read mask may name. */
export const RESOURCE_FIELDS = [
  'name',
  'assetType',
  'project',
  'folders',
  'organization',
  'displayName',
  'description',
  'location',
  'labels',
  'networkTags',
  'kmsKey',
  'kmsKeys',
  'createTime',
  'updateTime',
  'state',
  'additionalAttributes',
  'parentFullResourceName',
  'versionedResources',
  'attachedResources',
  'relationships',
  'tagKeys',
  'tagValues',
  'tagValueIds',
  'tags',
  'effectiveTags',
  'enrichments',
  'parentAssetType',
  'sccSecurityMarks',
] as const;

/** Returned when no read mask is given (assets.proto: everything but the large fields). */
export const DEFAULT_RESOURCE_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'assetType',
  'project',
  'folders',
  'organization',
  'displayName',
  'description',
  'location',
  'labels',
  'tags',
  'effectiveTags',
  'networkTags',
  'kmsKeys',
  'createTime',
  'updateTime',
  'state',
  'additionalAttributes',
  'parentFullResourceName',
  'parentAssetType',
]);

function masked(mask: ReadonlySet<string> | 'all', result: Record<string, unknown>): object {
  if (mask === 'all') return result;
  return Object.fromEntries(Object.entries(result).filter(([key]) => mask.has(key)));
}

/** An IAM policy search hit. */
export interface PolicyHit extends SearchRecord {
  result(): object;
}

function policyResult(state: EmulatorState, name: string, assetType: string, projectId: string, stored: StoredPolicy): object {
  return {
    resource: name,
    assetType,
    ...placement(state, projectId),
    policy: { version: stored.bindings.some((b) => b.condition) ? 3 : 1, bindings: stored.bindings.map(copyBinding) },
  };
}

/** Every non-empty IAM policy of a Cloud Run service, a Cloud KMS key or a project, sorted by full name. */
export function policyHits(state: EmulatorState): PolicyHit[] {
  const hits: PolicyHit[] = [];
  for (const [resource, stored] of state.policies()) {
    if (stored.bindings.length === 0) continue;
    const projectId = resource.split('/')[1] ?? '';
    let name: string;
    let assetType: string;
    if (state.services.has(resource)) {
      name = `//run.googleapis.com/${resource}`;
      assetType = SERVICE_TYPE;
    } else if (state.keys.has(resource)) {
      name = `//cloudkms.googleapis.com/${resource}`;
      assetType = KEY_TYPE;
    } else if (/^projects\/[^/]+$/.test(resource)) {
      name = `//cloudresourcemanager.googleapis.com/projects/${projectRecord(state, projectId).number}`;
      assetType = PROJECT_TYPE;
    } else {
      continue; // key rings and other resources are not among the searched types
    }
    hits.push({ name, assetType, projectId, result: () => policyResult(state, name, assetType, projectId, stored) });
  }
  return hits.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

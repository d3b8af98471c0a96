/**
 * Test-side writes: seeding services and keys, and changes "by someone else"
 * (foreign policy writes, drift on a service). Programming mistakes in seeds
 * throw plain Errors at once.
 */
import { normalizeBindings } from './iamRules';
import { newKeyRecord } from './kmsModel';
import { parseCryptoKeyName, parseServiceName } from './names';
import {
  addRevision,
  projectNumber,
  defaultTemplate,
  EGRESS_WIRE,
  INGRESS_WIRE,
  isEgressName,
  isIngressName,
  newServiceEtag,
  newServiceRecord,
  type TemplateRecord,
} from './runModel';
import type { EmulatorState } from './state';
import { knownProjects } from './assetModel';
import type { PlainBinding, SeedFolder, SeedKey, SeedProject, SeedService } from './types';

function seedError(what: string, error: unknown): Error {
  return new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}

function seedTemplate(seed: SeedService): TemplateRecord {
  const template = defaultTemplate(seed.name);
  const interfaces = (seed.networkInterfaces ?? []).map((ni) => ({ ...ni, tags: [] }));
  if (seed.vpcConnector && interfaces.length > 0)
    throw new Error(`seedService ${seed.name}: connector and network interfaces are exclusive`);
  if (seed.egress && !seed.vpcConnector && interfaces.length === 0) {
    throw new Error(`seedService ${seed.name}: egress needs a vpcConnector or networkInterfaces`);
  }
  if (seed.vpcConnector || interfaces.length > 0) {
    template.vpcAccess = {
      ...(seed.vpcConnector ? { connector: seed.vpcConnector } : {}),
      egress: EGRESS_WIRE[seed.egress ?? 'private-ranges-only'],
      networkInterfaces: interfaces,
    };
  }
  if (seed.encryptionKey) template.encryptionKey = seed.encryptionKey;
  if (seed.templateRevision !== undefined) {
    const id = seed.name.split('/').pop() ?? '';
    if (!seed.templateRevision.startsWith(`${id}-`)) throw new Error(`seedService ${seed.name}: templateRevision must start with '${id}-'`);
    template.revision = seed.templateRevision;
  }
  if (seed.serviceAccount) template.serviceAccount = seed.serviceAccount;
  return template;
}

export function seedService(state: EmulatorState, seed: SeedService): void {
  try {
    parseServiceName(seed.name);
  } catch (error) {
    throw seedError('seedService', error);
  }
  if (seed.ingress && !isIngressName(seed.ingress)) throw new Error(`seedService ${seed.name}: unknown ingress '${String(seed.ingress)}'`);
  const record = newServiceRecord(seed.name, seedTemplate(seed), new Date());
  record.ingress = INGRESS_WIRE[seed.ingress ?? 'all'];
  state.services.set(seed.name, record);
  setBindings(state, seed.name, seed.bindings ?? []);
}

export function seedKey(state: EmulatorState, seed: SeedKey): void {
  let keyRing: string;
  try {
    keyRing = parseCryptoKeyName(seed.name).keyRing;
  } catch (error) {
    throw seedError('seedKey', error);
  }
  const now = new Date();
  if (!state.keyRings.has(keyRing)) state.keyRings.set(keyRing, { name: keyRing, createTime: new Date(now.getTime() - 30 * 86_400_000) });
  state.keys.set(seed.name, newKeyRecord(seed, now));
}

const PARENT = /^(?:folders|organizations)\/[0-9]{1,20}$/;

export function seedProject(state: EmulatorState, seed: SeedProject): void {
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(seed.id)) throw new Error(`seedProject: '${seed.id}' is not a project id`);
  if (seed.parent !== undefined && !PARENT.test(seed.parent))
    throw new Error(`seedProject ${seed.id}: parent must be folders/N or organizations/N`);
  state.projects.set(seed.id, { id: seed.id, number: projectNumber(seed.id), ...(seed.parent ? { parent: seed.parent } : {}) });
  if (seed.bindings) setBindings(state, `projects/${seed.id}`, seed.bindings);
}

export function seedFolder(state: EmulatorState, seed: SeedFolder): void {
  if (!/^folders\/[0-9]{1,20}$/.test(seed.name)) throw new Error(`seedFolder: '${seed.name}' is not folders/N`);
  if (seed.parent !== undefined && !PARENT.test(seed.parent))
    throw new Error(`seedFolder ${seed.name}: parent must be folders/N or organizations/N`);
  state.folders.set(seed.name, { name: seed.name, ...(seed.parent ? { parent: seed.parent } : {}) });
}

/** Replaces a policy's bindings as another IAM client would (new etag). */
export function setBindings(state: EmulatorState, resource: string, bindings: PlainBinding[]): void {
  const project = /^projects\/([^/]+)$/.exec(resource)?.[1];
  const knownProject = project !== undefined && knownProjects(state).has(project);
  if (!knownProject && !state.services.has(resource) && !state.keys.has(resource) && !state.keyRings.has(resource)) {
    throw new Error(`no emulated resource ${resource}`);
  }
  try {
    state.writePolicy(resource, normalizeBindings(bindings, 3));
  } catch (error) {
    throw seedError(`bindings for ${resource}`, error);
  }
}

export function foreignUpdateService(
  state: EmulatorState,
  name: string,
  change: { ingress?: string; egress?: string; templateRevision?: string },
): void {
  const record = state.services.get(name);
  if (!record) throw new Error(`foreignUpdateService: no emulated service ${name}`);
  const before = JSON.stringify(record.template);
  if (change.ingress !== undefined) {
    if (!isIngressName(change.ingress)) throw new Error(`foreignUpdateService: unknown ingress '${change.ingress}'`);
    record.ingress = INGRESS_WIRE[change.ingress];
  }
  if (change.egress !== undefined) {
    if (!isEgressName(change.egress)) throw new Error(`foreignUpdateService: unknown egress '${change.egress}'`);
    if (!record.template.vpcAccess) throw new Error(`foreignUpdateService: ${name} has no VPC access to change egress on`);
    record.template.vpcAccess.egress = EGRESS_WIRE[change.egress];
  }
  if (change.templateRevision !== undefined) {
    // a deploy that names its revision (gcloud run deploy --revision-suffix)
    const id = name.split('/').pop() ?? '';
    if (!change.templateRevision.startsWith(`${id}-`)) throw new Error(`foreignUpdateService: templateRevision must start with '${id}-'`);
    if (record.revisions.some((r) => r.endsWith(`/revisions/${change.templateRevision}`))) {
      throw new Error(`foreignUpdateService: revision ${change.templateRevision} exists already`);
    }
    record.template.revision = change.templateRevision;
    const tag = change.templateRevision;
    record.template.containers = record.template.containers.map((c) => ({ ...c, image: `${c.image.replace(/:[^/]*$/, '')}:${tag}` }));
  }
  record.generation += 1;
  record.etag = newServiceEtag();
  record.updateTime = new Date();
  if (JSON.stringify(record.template) !== before) addRevision(record);
}

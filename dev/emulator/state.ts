/** Everything the emulator holds, in one place, so reset() can forget it. */
import { randomBytes } from 'node:crypto';
import { createFaults, type Faults } from './faults';
import type { KeyRecord, KeyRingRecord } from './kmsModel';
import type { ServiceRecord } from './runModel';
import type { PlainBinding } from './types';

/** The etag IAM reports for a policy that was never written. */
export const EMPTY_POLICY_ETAG = Buffer.from('ACAB', 'base64');

export interface StoredPolicy {
  bindings: PlainBinding[];
  etag: Buffer;
}

export interface OperationRecord {
  name: string;
  /** projects/P/locations/L */
  parent: string;
  /** the service the operation updates */
  target: string;
  done: boolean;
  failure?: { code: number; message: string };
  /** packed google.cloud.run.v2.Service: the operation's metadata and, once done, its response */
  service: Buffer;
}

/** A project of the emulated resource hierarchy (Asset Inventory scopes); projects named by a service or key exist implicitly. */
export interface ProjectRecord {
  id: string;
  number: string;
  /** folders/N or organizations/N */
  parent?: string | undefined;
}

export interface FolderRecord {
  /** folders/N */
  name: string;
  /** folders/N or organizations/N */
  parent?: string | undefined;
}

/** How Asset Inventory answers: scopes the caller may not read, and which versions of a Cloud Run service it shows. */
export interface AssetSettings {
  deniedScopes: Set<string>;
  serviceVersions: Array<'v1' | 'v2'>;
}

export interface EmulatorState {
  services: Map<string, ServiceRecord>;
  projects: Map<string, ProjectRecord>;
  folders: Map<string, FolderRecord>;
  asset: AssetSettings;
  keyRings: Map<string, KeyRingRecord>;
  keys: Map<string, KeyRecord>;
  operations: Map<string, OperationRecord>;
  /** keys whose new versions stay PENDING_GENERATION for now */
  generationHeld: Set<string>;
  faults: Faults;
  readPolicy(resource: string): StoredPolicy;
  /** every resource that has a policy (written at least once), with it */
  policies(): IterableIterator<[string, StoredPolicy]>;
  /** stores the bindings as given (already normalised) with a fresh etag */
  writePolicy(resource: string, bindings: PlainBinding[]): StoredPolicy;
  clear(): void;
}

export function newPolicyEtag(): Buffer {
  // Google's policy etags are 8 bytes starting with 0x07 ("BwX…" in base64).
  return Buffer.concat([Buffer.from([0x07]), randomBytes(7)]);
}

export function createState(): EmulatorState {
  const policies = new Map<string, StoredPolicy>();
  const state: EmulatorState = {
    services: new Map(),
    projects: new Map(),
    folders: new Map(),
    asset: { deniedScopes: new Set(), serviceVersions: ['v1', 'v2'] },
    keyRings: new Map(),
    keys: new Map(),
    operations: new Map(),
    generationHeld: new Set(),
    faults: createFaults(),
    readPolicy: (resource) => policies.get(resource) ?? { bindings: [], etag: EMPTY_POLICY_ETAG },
    policies: () => policies.entries(),
    writePolicy(resource, bindings) {
      const stored = { bindings, etag: newPolicyEtag() };
      policies.set(resource, stored);
      return stored;
    },
    clear() {
      state.services.clear();
      state.projects.clear();
      state.folders.clear();
      state.asset.deniedScopes.clear();
      state.asset.serviceVersions = ['v1', 'v2'];
      state.keyRings.clear();
      state.keys.clear();
      state.operations.clear();
      state.generationHeld.clear();
      state.faults.clear();
      policies.clear();
    },
  };
  return state;
}

/** The emulator's public types: what tests and the sandbox seed and assert. */

export interface PlainCondition {
  title: string;
  description?: string;
  expression: string;
}

export interface PlainBinding {
  role: string;
  members: string[];
  condition?: PlainCondition;
}

export type IngressName = 'all' | 'internal' | 'internal-and-cloud-load-balancing';
export type EgressName = 'all-traffic' | 'private-ranges-only';

export interface NetworkInterface {
  network?: string;
  subnetwork?: string;
}

export interface SeedService {
  /** projects/P/locations/L/services/S */
  name: string;
  ingress?: IngressName;
  vpcConnector?: string;
  networkInterfaces?: NetworkInterface[];
  egress?: EgressName;
  encryptionKey?: string;
  /**
   * template.revision: a revision name set on the template, as deploy tools do
   * (`gcloud run deploy --revision-suffix`); must start with "<service>-"
   */
  templateRevision?: string;
  /** the runtime identity (template.service_account); default: the project's Compute Engine default service account */
  serviceAccount?: string;
  bindings?: PlainBinding[];
}

/** A project of the resource hierarchy Asset Inventory scopes name (its number is derived from its id). */
export interface SeedProject {
  id: string;
  /** folders/N or organizations/N */
  parent?: string;
  /** the project's own IAM policy */
  bindings?: PlainBinding[];
}

export interface SeedFolder {
  /** folders/N */
  name: string;
  /** folders/N or organizations/N */
  parent?: string;
}

export type KeyPurpose = 'ENCRYPT_DECRYPT' | 'ASYMMETRIC_SIGN' | 'ASYMMETRIC_DECRYPT' | 'MAC';

export interface SeedKey {
  /** projects/P/locations/L/keyRings/R/cryptoKeys/K */
  name: string;
  purpose?: KeyPurpose;
  /** default 1; the primary (ENCRYPT_DECRYPT) is the last */
  versions?: number;
  rotationPeriodSeconds?: number;
  nextRotationTime?: Date;
}

/** A service as the emulator holds it (a snapshot; mutating it changes nothing). */
export interface EmulatedService {
  name: string;
  uid: string;
  generation: number;
  /** the service's etag (not the IAM policy's) */
  etag: string;
  /** 'none' and 'unspecified' only after a client wrote those values */
  ingress: IngressName | 'none' | 'unspecified';
  /** template.vpc_access.egress; undefined without VPC access */
  egress?: EgressName;
  vpcConnector?: string;
  networkInterfaces: NetworkInterface[];
  encryptionKey?: string;
  /** template.revision, when the template names its revision */
  templateRevision?: string;
  labels: Record<string, string>;
  /** full revision names, oldest first */
  revisions: string[];
  latestCreatedRevision: string;
  latestReadyRevision: string;
  updateTime: Date;
}

export type VersionState = 'PENDING_GENERATION' | 'ENABLED' | 'DISABLED' | 'DESTROYED' | 'DESTROY_SCHEDULED';

export interface EmulatedKeyVersion {
  /** …/cryptoKeyVersions/N */
  name: string;
  state: VersionState;
  createTime: Date;
}

export interface EmulatedKey {
  name: string;
  purpose: KeyPurpose;
  /** full name of the primary version (ENCRYPT_DECRYPT keys only) */
  primaryVersion?: string;
  versions: EmulatedKeyVersion[];
  rotationPeriodSeconds?: number;
  nextRotationTime?: Date;
  labels: Record<string, string>;
  createTime: Date;
}

export interface PolicySnapshot {
  version: number;
  /** base64 of the policy's etag bytes */
  etag: string;
  bindings: PlainBinding[];
}

export interface InjectedFault {
  method: string;
  code: number;
  message?: string;
  times?: number;
  resource?: string;
}

export interface RecordedCall {
  method: string;
  /** the fully-qualified gRPC service, e.g. google.cloud.run.v2.Services */
  service: string;
  request: unknown;
}

export interface Emulator {
  /** "127.0.0.1:PORT": the value for RUN_EMULATOR_HOST / KMS_EMULATOR_HOST / ASSET_EMULATOR_HOST */
  address: string;
  stop(): Promise<void>;
  /** replaces an existing service of the same name (and its IAM policy) */
  seedService(seed: SeedService): void;
  seedKey(seed: SeedKey): void;
  /** a project in the hierarchy (projects named by services and keys exist without it, outside any folder) */
  seedProject(seed: SeedProject): void;
  seedFolder(seed: SeedFolder): void;
  /** Asset Inventory answers PERMISSION_DENIED for searches on this scope (the bot may not read it) */
  denyAssetScope(scope: string): void;
  /** the versions of a Cloud Run service Asset Inventory shows in versioned_resources (default v1 and v2; none: as if it showed none) */
  setServiceAssetVersions(versions: ReadonlyArray<'v1' | 'v2'>): void;
  service(name: string): EmulatedService | undefined;
  key(name: string): EmulatedKey | undefined;
  policy(resource: string): PolicySnapshot;
  /** a write by someone else: replaces the policy's bindings (of a service, key, key ring or known project), bumps the etag */
  foreignSetBindings(resource: string, bindings: PlainBinding[]): void;
  /**
   * changes a service behind runwarden's back: its ingress/egress (drift), or
   * a deploy of a new image whose revision is named `templateRevision` (as
   * `gcloud run deploy --revision-suffix` does: the template keeps the name)
   */
  foreignUpdateService(name: string, change: { ingress?: string; egress?: string; templateRevision?: string }): void;
  /** the next `times` (default 1) calls of `method` (optionally for `resource`) fail with `code` */
  injectFault(fault: InjectedFault): void;
  /** runs inside the next `times` SetIamPolicy calls, before the etag check */
  beforeSetIamPolicy(hook: (resource: string) => void, options?: { times?: number; resource?: string }): void;
  /** the next UpdateService operation on `service` ends with an error (default code 9) */
  failNextOperation(service: string, message: string, code?: number): void;
  /**
   * The next call of `method` (optionally on `resource`) is held before it is
   * handled until `release()`: a request in flight while the test moves on.
   */
  hold(method: string, resource?: string): { reached: Promise<void>; release(): void };
  /**
   * New versions of `key` stay PENDING_GENERATION (as an HSM key's do while
   * Cloud KMS generates them) until `release()`, which makes them ENABLED.
   */
  holdKeyGeneration(key: string): { release(): void };
  /** every later call waits `ms` before it is handled (0: none), like a remote Google API */
  setLatency(ms: number): void;
  /** every RPC received, in order */
  calls: RecordedCall[];
  /** forgets all state, faults, hooks and calls */
  reset(): void;
}

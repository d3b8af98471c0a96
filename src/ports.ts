/**
 * The interfaces the domain and the use cases need from the outside world.
 * Adapters implement them (src/adapters/*); use cases receive them through
 * createX(deps). Nothing here does I/O.
 */
import type { AccessRequest, AuditEvent, EgressValue, IngressValue, Status } from './domain/request';
import type { TransitionOutcome } from './domain/stateMachine';

// ---------------------------------------------------------------- Google IAM

export interface IamCondition {
  title: string;
  description: string;
  expression: string;
}

export interface IamBinding {
  role: string;
  members: string[];
  condition?: IamCondition | undefined;
}

/** A resource whose IAM policy runwarden edits (a Cloud Run service). */
export interface IamPolicyPort {
  /**
   * Adds the binding unless a binding with the same condition title is already
   * there (idempotent on the title). Read v3, modify, write v3 with the read
   * etag; on ABORTED redo the whole read-modify-write with backoff.
   */
  addBinding(resource: string, binding: IamBinding): Promise<'added' | 'present'>;
  /** Removes exactly the bindings whose condition title is `title`; nothing else. */
  removeBinding(resource: string, title: string): Promise<'removed' | 'absent'>;
  /** The bindings currently on the resource (v3 read). */
  getBindings(resource: string): Promise<IamBinding[]>;
}

// ---------------------------------------------------------------- Cloud Run

export type IngressSetting = IngressValue | 'unspecified';

export interface ServiceInfo {
  /** projects/P/locations/L/services/S */
  name: string;
  ingress: IngressSetting;
  /** template.vpc_access.egress; undefined when the service has no VPC access */
  egress?: EgressValue | undefined;
  /** template.vpc_access.connector */
  vpcConnector?: string | undefined;
  /** template.vpc_access.network_interfaces, as "network/subnetwork" */
  networkInterfaces: string[];
  latestReadyRevision?: string | undefined;
  /** template.encryption_key (CMEK) */
  encryptionKey?: string | undefined;
}

export interface ServicesPort {
  getService(name: string): Promise<ServiceInfo>;
  /** parent: projects/P/locations/L (L may be "-" for all regions) */
  listServices(parent: string): Promise<ServiceInfo[]>;
  /** UpdateService touching only template.vpc_access.egress; waits for the LRO. */
  setEgress(name: string, value: EgressValue): Promise<{ revision?: string | undefined }>;
  /** UpdateService touching only ingress; waits for the LRO. */
  setIngress(name: string, value: IngressValue): Promise<{ revision?: string | undefined }>;
}

// ---------------------------------------------------------------- Cloud KMS

export interface KeyInfo {
  name: string;
  /** ENCRYPT_DECRYPT, ASYMMETRIC_SIGN, … */
  purpose: string;
  primaryVersion?: string | undefined;
  primaryCreateTime?: Date | undefined;
  rotationPeriodSeconds?: number | undefined;
  nextRotationTime?: Date | undefined;
}

export interface KeysPort {
  getKey(name: string): Promise<KeyInfo>;
  /** createCryptoKeyVersion, then updateCryptoKeyPrimaryVersion */
  rotate(name: string): Promise<{ version: string }>;
  /** updateCryptoKey with update mask rotation_period,next_rotation_time */
  setRotationSchedule(name: string, periodSeconds: number, nextRotationTime: Date): Promise<void>;
}

// ---------------------------------------------------------------- Store

export interface RequestStore {
  /** Creates the request with its first audit event; fails if the id exists. */
  create(request: AccessRequest, event: AuditEvent): Promise<void>;
  get(id: string): Promise<AccessRequest | undefined>;
  events(id: string): Promise<AuditEvent[]>;
  /**
   * Runs `decide` (the state machine) on the current document inside a
   * Firestore transaction and, unless it refuses, writes the next state and
   * appends its audit event atomically. Firestore retries on contention, so
   * `decide` must be pure. A refusal that carries a `record` event still
   * appends it (a refused click is audited). An unknown id is refused with
   * runwarden_request_not_found.
   */
  transact(id: string, decide: (current: AccessRequest) => TransitionOutcome): Promise<TransitionOutcome>;
  listByStatus(statuses: readonly Status[]): Promise<AccessRequest[]>;
  listByRequester(requester: string, statuses: readonly Status[]): Promise<AccessRequest[]>;
}

// ---------------------------------------------------------------- Slack

export interface ChatMessage {
  text: string;
  blocks?: unknown[] | undefined;
  /** post as a reply in this thread */
  threadTs?: string | undefined;
}

export interface ChatPort {
  post(channel: string, message: ChatMessage): Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: ChatMessage): Promise<void>;
  /** direct message to a user (conversations.open + chat.postMessage) */
  dm(user: string, message: ChatMessage): Promise<void>;
  /** ephemeral message to one user in a channel */
  ephemeral(channel: string, user: string, message: ChatMessage): Promise<void>;
}

export interface DirectoryPort {
  /** the user's Slack profile email (users.info, users:read.email), if any */
  emailOf(user: string): Promise<string | undefined>;
  /** members of a Slack user group (usergroups.users.list) */
  membersOf(group: string): Promise<string[]>;
}

// ---------------------------------------------------------------- Misc

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

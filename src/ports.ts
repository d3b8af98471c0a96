/**
 * The interfaces the domain and the use cases need from the outside world.
 * Adapters implement them (src/adapters/*); use cases receive them through
 * createX(deps). Nothing here does I/O.
 */
import type { IamBinding } from './domain/iamBinding';
import type { AccessRequest, AuditEvent, EgressValue, IngressValue, Status } from './domain/request';
import type { TransitionOutcome } from './domain/stateMachine';

// ---------------------------------------------------------------- Google IAM

/**
 * Called immediately before each write to Google. Throws (runwarden_lease_lost)
 * when this process no longer holds the request's lease, so nothing is
 * written; otherwise renews the lease. Adapters call it inside their retry
 * loops, right before the writing RPC.
 */
export type BeforeWrite = () => Promise<void>;

/**
 * The outcome of a change to a binding under runwarden's title: `foreign`
 * means a binding with that title is there but is not the one asked about
 * (another role, member or expression) — someone else's, left alone.
 */
export type BindingChange<Done extends string> = { type: Done } | { type: 'absent' } | { type: 'foreign'; found: IamBinding };

/** One removal of a batch: the exact binding, and the lease check to run right before the write. */
export interface BindingRemoval {
  binding: IamBinding;
  beforeWrite?: BeforeWrite | undefined;
}

/** A batched removal's answer: what happened to its binding, or the error of its own lease check (nothing of it written). */
export type RemovalResult = { ok: true; change: BindingChange<'removed'> } | { ok: false; error: unknown };

/** A resource whose IAM policy runwarden edits (a Cloud Run service). */
export interface IamPolicyPort {
  /**
   * Adds the binding unless a binding with the same condition title is there:
   * `present` when that is exactly this binding (title, role, members,
   * expression), `foreign` otherwise (nothing written). Read v3, modify, write
   * v3 with the read etag; on ABORTED redo the whole read-modify-write.
   */
  addBinding(resource: string, binding: IamBinding, beforeWrite?: BeforeWrite): Promise<BindingChange<'added' | 'present'>>;
  /**
   * Removes exactly this binding (title, role, members, expression); `absent`
   * when no binding has its title, `foreign` when one has its title but not
   * its role, members or expression (nothing written). Nothing else is touched.
   */
  removeBinding(resource: string, binding: IamBinding, beforeWrite?: BeforeWrite): Promise<BindingChange<'removed'>>;
  /**
   * Several removals in ONE read-modify-write (one GetIamPolicy, one
   * SetIamPolicy; an etag conflict redoes all of it): each is judged exactly
   * as `removeBinding` would judge it alone. A removal whose `beforeWrite`
   * throws (its lease is lost) is left out of the write and answered with
   * that error; the others are written. Answers are in the order asked.
   */
  removeBindings(resource: string, removals: readonly BindingRemoval[]): Promise<RemovalResult[]>;
  /**
   * Replaces runwarden's binding `from` by `to` (same title) in ONE
   * SetIamPolicy, in place, other bindings untouched: never a moment with no
   * binding, never two. `present` when `to` is there already (an earlier,
   * interrupted write); `absent` when no binding has the title; `foreign` when
   * the one there is neither (nothing written).
   */
  replaceBinding(resource: string, from: IamBinding, to: IamBinding, beforeWrite?: BeforeWrite): Promise<BindingChange<'replaced' | 'present'>>;
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

/** The service settings runwarden changes: `ingress`, or the VPC egress (`template.vpc_access.egress`). */
export type SettingField = 'ingress' | 'egress';

/**
 * What one attempt of a setting's read-modify-write does with the service as
 * it read it: write `value` (an EgressValue or IngressValue, per the field), or leave it.
 */
export type SettingPlan = { type: 'write'; value: string } | { type: 'keep' };

export interface SettingUpdate {
  /** the service as the last attempt read it (before its write, when it wrote) */
  read: ServiceInfo;
  /** what the plan decided on that read */
  plan: SettingPlan;
  /** the service's latest revision after the write (a write under `template` makes one) */
  revision?: string | undefined;
}

export interface ServicesPort {
  getService(name: string): Promise<ServiceInfo>;
  /** parent: projects/P/locations/L (L may be "-" for all regions) */
  listServices(parent: string): Promise<ServiceInfo[]>;
  /**
   * A read-modify-write of one setting: reads the service, asks `plan` (pure;
   * called again on every attempt) what to do with it, and to write sends an
   * UpdateService carrying the etag it read, whose mask names only that field
   * — plus `template.revision`, cleared so that Cloud Run names the new
   * revision, when an egress change meets a template that carries a revision
   * name — then waits for the LRO (bounded). When the service changed between
   * the read and the write (ABORTED, or FAILED_PRECONDITION about the etag),
   * the whole read-plan-write is redone with backoff; after its attempts,
   * runwarden_conflict. `beforeWrite` runs immediately before each
   * UpdateService with the service as read and the value about to be written.
   */
  updateSetting(
    name: string,
    field: SettingField,
    plan: (service: ServiceInfo) => SettingPlan,
    beforeWrite?: (read: ServiceInfo, value: string) => Promise<void>,
  ): Promise<SettingUpdate>;
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
  /**
   * createCryptoKeyVersion: the full name of the new version, at once — an
   * HSM key's may still be PENDING_GENERATION (`pending`); record it before
   * waiting for it (waitUntilEnabled), so that a retry reuses it.
   */
  createVersion(name: string, beforeWrite?: BeforeWrite): Promise<{ version: string; pending: boolean }>;
  /**
   * Waits (bounded) while a version is PENDING_GENERATION; runwarden_upstream_error
   * ("still being generated") when it still is at the end. Other states
   * return at once (making a disabled version primary is refused by Google).
   */
  waitUntilEnabled(version: string): Promise<void>;
  /** updateCryptoKeyPrimaryVersion to `version` (a full version name) */
  makePrimary(name: string, version: string, beforeWrite?: BeforeWrite): Promise<void>;
  /** updateCryptoKey with update mask rotation_period,next_rotation_time */
  setRotationSchedule(name: string, periodSeconds: number, nextRotationTime: Date, beforeWrite?: BeforeWrite): Promise<void>;
}

// ---------------------------------------------------------------- Store

/** A stored request document that does not validate: skipped by every reader, never guessed at. */
export interface MalformedDocument {
  id: string;
  problem: string;
}

export interface RequestListing {
  requests: AccessRequest[];
  malformed: MalformedDocument[];
}

/** Where the previous page ended: its last document's sort value (as the store holds it: opaque) and id. */
export interface PageCursor {
  value: unknown;
  id: string;
}

/**
 * A page of one status's requests, in `orderBy` order then by id. `dueBy`
 * keeps only requests whose expiresAt is at or before it (with orderBy
 * `expiresAt`). Each shape is served by a composite index on (status,
 * orderBy), or (status, target, expiresAt) — infra/firestore.tf.
 */
export interface PageQuery {
  status: Status;
  /** `id`: document id order alone (no composite index needed) */
  orderBy: 'expiresAt' | 'createdAt' | 'target' | 'id';
  dueBy?: Date | undefined;
  /** only requests on this resource (with orderBy `expiresAt` and `dueBy`: one service's due grants) */
  target?: string | undefined;
  after?: PageCursor | undefined;
  limit: number;
}

export interface RequestPage extends RequestListing {
  /** where the next page starts; undefined on the last page */
  next?: PageCursor | undefined;
}

/** A user's most recent requests in some statuses (the Home tab's sections). */
export interface RecentQuery {
  requester: string;
  statuses: readonly Status[];
  /** newest first by this field (then by id) */
  orderBy: 'createdAt' | 'updatedAt';
  limit: number;
}

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
  /** Requests in these statuses, oldest first; documents that do not validate are skipped and named in `malformed`. */
  listByStatus(statuses: readonly Status[]): Promise<RequestListing>;
  listByRequester(requester: string, statuses: readonly Status[]): Promise<RequestListing>;
  /** Break-glass requests nobody has reviewed yet, whatever their status, oldest first. */
  listAwaitingReview(): Promise<RequestListing>;
  /** One page of a status's requests (the sweep reads the store this way: never the whole collection at once). */
  page(query: PageQuery): Promise<RequestPage>;
  /** How many requests the page query would still reach after `after` (an aggregation query: no document is read). */
  count(query: Omit<PageQuery, 'limit'>): Promise<number>;
  /**
   * Requests (any status) whose outbox has an entry due by `now` or a claim
   * lapsed by then (outboxDueAt <= now): one page (queryShapes.ts), the
   * longest-waiting first (then by id), from after `after`; `next` is set
   * when the page is full.
   */
  listOutboxDue(now: Date, after?: PageCursor): Promise<RequestPage>;
  /** A user's most recent requests in some statuses, newest first, at most `limit` (one indexed, bounded read). */
  recentByRequester(query: RecentQuery): Promise<RequestListing>;
  /** How many of a user's requests are in these statuses (an aggregation query: no document is read). */
  countByRequester(requester: string, statuses: readonly Status[]): Promise<number>;
  /** Active requests whose extension waits for a decision, at most `limit`, in id order (one indexed, bounded read). */
  listPendingExtensions(limit: number): Promise<RequestListing>;
}

/** The answer given to one delivery of a slash command, kept for its duplicates. */
export interface DeliveryReply {
  text: string;
  blocks?: unknown[] | undefined;
}

/**
 * Which Slack deliveries were already handled. Slack may deliver the same
 * slash command more than once (HTTP retries with X-Slack-Retry-Num, Socket
 * Mode redelivery); all carry the same trigger_id, the key here.
 */
export interface DeliveryLedger {
  /** Atomically claims `key`: `first` is true for exactly one caller. */
  claim(key: string, now: Date): Promise<{ first: boolean }>;
  /** Keeps the first delivery's answer for the duplicates. */
  record(key: string, reply: DeliveryReply): Promise<void>;
  /** The first delivery's answer, once recorded. */
  reply(key: string): Promise<DeliveryReply | undefined>;
}

// ---------------------------------------------------------------- Slack

export interface ChatMessage {
  text: string;
  blocks?: unknown[] | undefined;
  /** post as a reply in this thread */
  threadTs?: string | undefined;
}

/**
 * Slack's chat methods. post, update and dm throw typed errors:
 * RateLimitedError (HTTP 429, with Retry-After in seconds),
 * runwarden_slack_refused (Slack will refuse it again: channel_not_found…),
 * runwarden_upstream_error (anything else, worth another attempt).
 */
export interface ChatPort {
  post(channel: string, message: ChatMessage): Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: ChatMessage): Promise<void>;
  /** direct message to a user (conversations.open + chat.postMessage) */
  dm(user: string, message: ChatMessage): Promise<void>;
  /** ephemeral message to one user in a channel */
  ephemeral(channel: string, user: string, message: ChatMessage): Promise<void>;
}

/** A modal or Home tab view (Block Kit `view` object: type modal|home, blocks, …). */
export type SlackSurface = Record<string, unknown> & { type: 'modal' | 'home'; blocks: unknown[] };

/** What views.update did: the view is now this version (`hash`, when Slack said), or it had changed since `hash`. */
export type ViewUpdate = { outcome: 'updated'; hash: string | undefined } | { outcome: 'hash_conflict' };

export interface ViewsPort {
  /** views.open with an interaction's trigger_id (valid for 3 s); returns the view id */
  openView(triggerId: string, view: SlackSurface): Promise<{ id: string }>;
  /**
   * views.update of an open modal by its id. With `hash` (the view's current
   * hash, from a payload or an earlier update), Slack refuses the update when
   * the view has changed since: `hash_conflict`, nothing changed. Resolves to
   * the new version's hash; any other failure throws.
   */
  updateView(viewId: string, view: SlackSurface, options?: { hash?: string | undefined }): Promise<ViewUpdate>;
  /** views.publish of a user's App Home */
  publishHome(user: string, view: SlackSurface): Promise<void>;
}

export interface DirectoryPort {
  /**
   * the user's Slack profile email (users.info, users:read.email); undefined
   * when Slack says the profile has none or the user does not exist. A failed
   * lookup (rate limit, timeout, auth) throws: it never reads as "no email".
   */
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

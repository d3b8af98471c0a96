/**
 * The interfaces the domain and the use cases need from the outside world.
 * Adapters implement them (src/adapters/*); use cases receive them through
 * createX(deps). Nothing here does I/O.
 */
import type { IamBinding } from './domain/iamBinding';
import type { AccessRequest, AuditEvent, EgressValue, IngressValue, Status } from './domain/request';
import type { TransitionOutcome } from './domain/stateMachine';
import type { Finding, FindingDraft, FindingKind } from './domain/posture/finding';
import type { InventoryKey, InventoryPolicy, InventoryService } from './domain/posture/inventory';

// ---------------------------------------------------------------- Google IAM

/**
 * The lease check every write to Google requires (a parameter, never
 * optional): called immediately before each writing RPC, inside the
 * adapter's retry loop. Throws (runwarden_lease_lost) when this process no
 * longer holds the request's lease, so nothing is written; otherwise renews
 * the lease and records what is about to be written (src/app/runner.ts).
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
  beforeWrite: BeforeWrite;
}

/** A batched removal's answer: what happened to its binding, or the error of its own lease check (nothing of it written). */
export type RemovalResult = { ok: true; change: BindingChange<'removed'> } | { ok: false; error: unknown };

/**
 * A resource whose IAM policy runwarden edits (a Cloud Run service). Every
 * method that writes touches only runwarden's own bindings: a binding whose
 * condition title is not `runwarden-<request id>` is refused
 * (runwarden_precondition_failed) before anything is read or written.
 */
export interface IamPolicyPort {
  /**
   * Adds the binding unless a binding with the same condition title is there:
   * `present` when that is exactly this binding (title, role, members,
   * expression), `foreign` otherwise (nothing written). Read v3, modify, write
   * v3 with the read etag; on ABORTED redo the whole read-modify-write.
   */
  addBinding(resource: string, binding: IamBinding, beforeWrite: BeforeWrite): Promise<BindingChange<'added' | 'present'>>;
  /**
   * Removes exactly this binding (title, role, members, expression); `absent`
   * when no binding has its title, `foreign` when one has its title but not
   * its role, members or expression (nothing written). Nothing else is touched.
   */
  removeBinding(resource: string, binding: IamBinding, beforeWrite: BeforeWrite): Promise<BindingChange<'removed'>>;
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
  replaceBinding(
    resource: string,
    from: IamBinding,
    to: IamBinding,
    beforeWrite: BeforeWrite,
  ): Promise<BindingChange<'replaced' | 'present'>>;
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
  /**
   * parent: projects/P/locations/L (L may be "-" for all regions). `limit`:
   * at most this many services (per region, and in all), the pages past it
   * never read; default all.
   */
  listServices(parent: string, limit?: number): Promise<ServiceInfo[]>;
  /**
   * A read-modify-write of one setting: reads the service, asks `plan` (pure;
   * called again on every attempt) what to do with it, and to write sends an
   * UpdateService carrying the etag it read, whose mask names only that field
   * — plus `template.revision`, cleared so that Cloud Run names the new
   * revision, when an egress change meets a template that carries a revision
   * name — then waits for the LRO (bounded). When the service changed between
   * the read and the write (ABORTED, or FAILED_PRECONDITION about the etag),
   * the whole read-plan-write is redone with backoff; after its attempts,
   * runwarden_conflict. `beforeWrite` (the lease check, required) runs
   * immediately before each UpdateService with the service as read and the
   * value about to be written.
   */
  updateSetting(
    name: string,
    field: SettingField,
    plan: (service: ServiceInfo) => SettingPlan,
    beforeWrite: (read: ServiceInfo, value: string) => Promise<void>,
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
  createVersion(name: string, beforeWrite: BeforeWrite): Promise<{ version: string; pending: boolean }>;
  /**
   * Waits (bounded) while a version is PENDING_GENERATION; runwarden_upstream_error
   * ("still being generated") when it still is at the end. Other states
   * return at once (making a disabled version primary is refused by Google).
   */
  waitUntilEnabled(version: string): Promise<void>;
  /** updateCryptoKeyPrimaryVersion to `version` (a full version name) */
  makePrimary(name: string, version: string, beforeWrite: BeforeWrite): Promise<void>;
  /** updateCryptoKey with update mask rotation_period,next_rotation_time */
  setRotationSchedule(name: string, periodSeconds: number, nextRotationTime: Date, beforeWrite: BeforeWrite): Promise<void>;
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

/** The most requests one `RequestStore.transactEach` takes: ≤ 4 writes each stays within a commit's 500. */
export const MAX_TRANSACT_EACH = 100;

export interface RequestStore {
  /** Creates the request with its first audit event; fails if the id exists. */
  create(request: AccessRequest, event: AuditEvent): Promise<void>;
  get(id: string): Promise<AccessRequest | undefined>;
  /** The request's audit trail, oldest first (by time; events of one instant in the order written). */
  events(id: string): Promise<AuditEvent[]>;
  /**
   * Runs `decide` (the state machine) on the current document inside a
   * Firestore transaction and, unless it refuses, writes the next state and
   * appends its audit event atomically. Firestore retries on contention, so
   * `decide` must be pure. A refusal that carries a `record` event still
   * appends it (a refused click is audited), after the transaction and
   * without writing the request document, so refusals never contend with
   * each other or with transitions. An unknown id is refused with
   * runwarden_request_not_found.
   */
  transact(id: string, decide: (current: AccessRequest) => TransitionOutcome): Promise<TransitionOutcome>;
  /**
   * `transact` for several requests in ONE Firestore transaction: each
   * document read (one batched read), decided by `decide` and written with its
   * audit events as `transact` does — all committed together or none (Firestore
   * retries the whole on contention, so `decide` must be pure). Each refusal is
   * its own (an unknown id, a document that no longer validates, a transition
   * refused) and does not stop the others; refusal records are filed after the
   * commit, as `transact` files them. At most MAX_TRANSACT_EACH ids (a commit
   * holds up to 500 writes: a transition writes its document and a few events,
   * https://cloud.google.com/firestore/quotas#writes_and_transactions); more
   * throws runwarden_internal. Answers by id (duplicates decided once).
   */
  transactEach(ids: readonly string[], decide: (current: AccessRequest) => TransitionOutcome): Promise<Map<string, TransitionOutcome>>;
  /** Requests in these statuses, oldest first; documents that do not validate are skipped and named in `malformed`. */
  listByStatus(statuses: readonly Status[]): Promise<RequestListing>;
  listByRequester(requester: string, statuses: readonly Status[]): Promise<RequestListing>;
  /**
   * One page of the break-glass requests nobody has reviewed yet, whatever
   * their status, in document-id order, at most `limit`, from after `after`;
   * `next` is set when the page is full. One indexed, bounded read: every
   * write keeps a derived `reviewDue` field on the document while the request
   * awaits review. Until the one-time pass over the documents written before
   * that field has finished (markReviewDue), it reads the old way — every
   * break-glass request, the reviewed ones dropped — in one page with no `next`.
   */
  listAwaitingReview(page: { limit: number; after?: PageCursor | undefined }): Promise<RequestPage>;
  /**
   * One bounded step (at most `limit` break-glass documents read, in one
   * transaction) of the one-time pass that writes `reviewDue` on break-glass
   * documents written before the field existed and still awaiting review; the
   * pass's progress is kept in Firestore (migrations/reviewDue). `done` once
   * every break-glass document has been seen; then every later call is one
   * cached answer (no read). `marked`: documents given the field by this step.
   */
  markReviewDue(limit: number): Promise<{ done: boolean; marked: number }>;
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

/**
 * Which delivery of which request posted a message: sent as Slack message
 * metadata (event_type `runwarden_message`), so that every message runwarden
 * posts can be found again (conversations.history) — one whose post timed out
 * but reached Slack included.
 */
export interface MessageMarker {
  request: string;
  delivery: string;
}

export interface ChatMessage {
  text: string;
  /** carried as the message's metadata (posts only) */
  marker?: MessageMarker | undefined;
  blocks?: unknown[] | undefined;
  /** post as a reply in this thread */
  threadTs?: string | undefined;
}

/**
 * Slack's chat methods. post, update and dm throw typed errors:
 * RateLimitedError (HTTP 429, with Retry-After in seconds),
 * runwarden_slack_refused (Slack will refuse it again: channel_not_found…),
 * runwarden_slack_unconfirmed (a timeout or a 5xx: Slack may have done it),
 * runwarden_upstream_error (anything else, worth another attempt).
 * A post is one HTTP attempt (never retried inside: a retry after a timeout
 * could post twice); the caller decides what to do with an unconfirmed one.
 */
export interface ChatPort {
  post(channel: string, message: ChatMessage): Promise<{ channel: string; ts: string }>;
  /**
   * The top-level messages of `channel` posted since `since` whose metadata
   * carries `marker`, oldest first (conversations.history with metadata, at
   * most 1,000 messages back).
   */
  findPosted(channel: string, marker: MessageMarker, since: Date): Promise<Array<{ ts: string }>>;
  /** chat.delete of one of runwarden's own messages; one already gone is no error */
  remove(channel: string, ts: string): Promise<void>;
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

/** Finding the Slack account of a Google identity (to tell the members a conversion removed). */
export interface PeoplePort {
  /**
   * The Slack user whose profile email is `email` (users.lookupByEmail,
   * users:read.email); undefined when Slack knows none. A failed lookup throws.
   */
  userByEmail(email: string): Promise<string | undefined>;
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

// ---------------------------------------------------------------- Posture (SPEC §11)

/** One page of an Asset Inventory search, read into the domain's inventory items. */
export interface InventoryPage<T> {
  items: T[];
  /** results the adapter could not read (an unexpected shape): skipped and named, never guessed at */
  skipped: Array<{ name: string; problem: string }>;
  /** project number → project id pairs this page showed (Asset Inventory names a project by number in some places) */
  projects: Array<{ number: string; id: string }>;
  /** the next page's token; undefined on the last page */
  next?: string | undefined;
}

/**
 * Google's inventory, read-only (Cloud Asset Inventory: SearchAllResources,
 * SearchAllIamPolicies), one bounded page per call. `scope` is a
 * posture.scope entry: projects/P, folders/N or organizations/N. A scope the
 * bot may not read throws runwarden_permission_denied; every call has a deadline.
 */
/** Which page to read: the previous page's `next` (none: the first) and how many results at most (Asset Inventory caps it at 500). */
export interface PageRequest {
  token?: string | undefined;
  size: number;
}

export interface AssetInventoryPort {
  /** Cloud Run services in the scope (run.googleapis.com/Service), with ingress, runtime identity and encryption key */
  services(scope: string, page: PageRequest): Promise<InventoryPage<InventoryService>>;
  /** Cloud KMS keys in the scope (cloudkms.googleapis.com/CryptoKey), with purpose and rotation period */
  keys(scope: string, page: PageRequest): Promise<InventoryPage<InventoryKey>>;
  /** IAM policies set directly on Cloud Run services and on projects in the scope; a project may be named projects/NUMBER */
  policies(scope: string, page: PageRequest): Promise<InventoryPage<InventoryPolicy>>;
}

/** Which open findings a posture query reads: all, or those of one scope entry, project or resource. */
export type FindingFilter = { all: true } | { scope: string } | { project: string } | { resource: string };

/** What one write of a scan's page did. */
export interface FindingsRecorded {
  /** findings seen for the first time */
  created: FindingDraft[];
  /** findings seen again after they had been resolved or converted */
  reopened: FindingDraft[];
  /** open findings seen again (lastSeenAt moved, detail updated) */
  updated: number;
}

/** The record of one posture scan (collection postureScans). */
export interface PostureScan {
  id: string;
  startedAt: Date;
  finishedAt: Date;
  /** each posture.scope entry: read completely, or why not */
  scopes: Array<{ scope: string; ok: boolean; problem?: string | undefined }>;
  /** findings seen by this scan, by kind */
  found: Record<FindingKind, number>;
  /** findings open after this scan (all scopes), by kind */
  open: Record<FindingKind, number>;
  created: number;
  reopened: number;
  resolved: number;
  /** Asset Inventory calls made */
  assetCalls: number;
  /** the channel summary: owed (to be posted), posted, skipped (nothing changed), failed (given up) */
  summary: { status: 'owed' | 'posted' | 'skipped' | 'failed'; attempts: number; error?: string | undefined };
}

/** The posture scan's Firestore records: findings (collection findings, document id = finding id), scans and the scan lease. */
export interface FindingStore {
  /**
   * Records one page of findings seen by a scan, in transactions (a bounded
   * number of documents each): a new finding is created open (firstSeenAt =
   * lastSeenAt = `seen.at`); one already stored is updated in place
   * (lastSeenAt, detail, severity, scope, scanId) and reopened when it was
   * resolved or converted. Never creates a second document for a finding.
   * A key_rotation finding already seen by the same scan keeps the services
   * found before (merged).
   */
  record(drafts: readonly FindingDraft[], seen: { scanId: string; scope: string; at: Date }): Promise<FindingsRecorded>;
  /**
   * Resolves every open finding of `scope` not seen since `before` (status
   * resolved, resolvedAt = `at`), a bounded page at a time, each page in a
   * transaction that checks each is still unseen; how many, by kind.
   */
  resolveUnseen(scope: string, before: Date, at: Date): Promise<{ resolved: Record<FindingKind, number>; malformed: MalformedDocument[] }>;
  get(id: string): Promise<Finding | undefined>;
  /**
   * Records that the convert request `requestId` removed this finding's
   * standing binding (status converted, convertedBy), in a transaction;
   * false when there is no such finding. Idempotent.
   */
  markConverted(id: string, requestId: string, at: Date): Promise<boolean>;
  /** open findings by kind (aggregation queries: no document is read) */
  countOpen(filter: FindingFilter): Promise<Record<FindingKind, number>>;
  /** the worst open findings first (severity, then the oldest), at most `limit`; documents that do not validate are named in `malformed` */
  listOpen(filter: FindingFilter, limit: number): Promise<{ findings: Finding[]; malformed: MalformedDocument[] }>;
  /** takes the scan lease until `until` unless another holder's is live; the live holder's lease when refused */
  acquireScanLease(holder: string, until: Date, now: Date): Promise<{ ok: true } | { ok: false; holder: string; until: Date }>;
  /** gives the lease back (only when `holder` still holds it) */
  releaseScanLease(holder: string): Promise<void>;
  saveScan(scan: PostureScan): Promise<void>;
  /** the latest scan that finished at or before `at` */
  scanFinishedBy(at: Date): Promise<PostureScan | undefined>;
  /** scans whose channel summary is still owed, oldest first, at most `limit` */
  owedSummaries(limit: number): Promise<PostureScan[]>;
  /** records the summary's fate, in a transaction; refused (false) when it is no longer owed (another process took it) */
  settleSummary(scanId: string, summary: PostureScan['summary'], expected: 'owed'): Promise<boolean>;
}

/** What removing members from a standing binding did. */
export type StandingRemoval =
  /** exactly those members were removed (one SetIamPolicy) */
  | { type: 'removed' }
  /** an earlier, interrupted attempt had already removed exactly them: nothing written */
  | { type: 'already_removed' }
  /** the binding is not as the scan saw it (other members, or gone): nothing written */
  | { type: 'changed'; found: string[] | undefined };

/**
 * The posture conversion's only write (SPEC §11): a Cloud Run service's
 * standing (unconditional) binding of one role, with members nobody else's
 * code ever touches through runwarden's title-guarded IamPolicyPort.
 */
export interface StandingBindingsPort {
  /**
   * Removes `members` from the unconditional binding of `role` on the service
   * `resource`, only when that binding's members are exactly `expected` (as
   * the scan saw them), in one read-modify-write (v3 read, write with the read
   * etag; a concurrent write redoes the whole of it). Every other binding and
   * every other member is written back exactly as read. `beforeWrite` runs
   * right before the SetIamPolicy.
   */
  removeMembers(
    resource: string,
    change: { role: string; members: readonly string[]; expected: readonly string[] },
    beforeWrite: BeforeWrite,
  ): Promise<StandingRemoval>;
}

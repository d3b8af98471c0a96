/**
 * A request kind, as the rest of runwarden sees it. Each kind is one folder
 * (src/kinds/<kind>/) registered in src/kinds/registry.ts; the runner, the
 * use cases and the sweep only ever see these interfaces, so a new kind is a
 * new folder, not a new path through the engine (docs/architecture.md).
 *
 * KindModule: the kind as registered — its slash subcommand (KindCommand),
 * how it is described (KindDescription) and asked for in the form
 * (KindForm), and its effects against Google (KindEffects, through the
 * ports only).
 */
import type { z } from 'zod';
import type { KindRules } from '../domain/authority/kindRules';
import type { WardenError } from '../domain/errors';
import type { ParseArgsResult } from '../domain/grammar/args';
import type { Tokens } from '../domain/grammar/tokens';
import type { Policy, PolicyDefaults } from '../domain/policy/schema';
import type { AccessRequest, KindRecordFields, RequestContext, RequestKind } from '../domain/request';
import type { FindingStore, IamPolicyPort, KeysPort, ServicesPort, StandingBindingsPort } from '../ports';
import type { Phrase } from './phrase';

/** The parts of a not-yet-created request a kind's `prepare` inspects. */
export interface Draft {
  kind: AccessRequest['kind'];
  target: string;
  value?: string | undefined;
  durationSeconds?: number | undefined;
  rotationPeriodSeconds?: number | undefined;
  /** convert: the posture finding */
  finding?: string | undefined;
}

export type Prepared = { ok: true; context: RequestContext } | { ok: false; error: WardenError };

/**
 * What a kind whose request names one of runwarden's own records (a posture
 * finding) reads there before anything is decided: the target the request is
 * about, and the kind's own fields of the record to be created.
 */
export type Resolved = { ok: true; target: string; fields: Partial<KindRecordFields> } | { ok: false; error: WardenError };

export interface Applied {
  expiresAt?: Date | undefined;
  result: Record<string, string>;
  previousValue?: string | undefined;
  /** convert: the standing binding's role and members removed */
  removed?: { role: string; members: string[] } | undefined;
  /** whether this call wrote to Google (false: it found its own earlier write, or nothing to change) */
  wrote: boolean;
}

export type Reverted =
  { type: 'reverted'; detail: Record<string, string>; outcome?: string | undefined } | { type: 'drift'; detail: string; observed: string };

/**
 * Called immediately before each write to Google with the RPC's name and what
 * is about to be written (recorded on the request as `writing`). Throws
 * runwarden_lease_lost when this process may no longer write.
 */
export type Guard = (call: string, writing?: Record<string, string>) => Promise<void>;

export interface KindEffects {
  /**
   * For a kind whose ask names one of runwarden's own records rather than a
   * Google resource (convert: a finding id): reads it, before the authority
   * decision, and names the target and the kind's fields; refuses what cannot
   * be asked for. Absent: the ask names its target itself.
   */
  resolve?(ask: Ask): Promise<Resolved>;
  /** Reads Google before anyone is asked: refuses what would be meaningless, gathers facts for approvers. */
  prepare(draft: Draft): Promise<Prepared>;
  /** Makes the change. Idempotent for the same request (a retried apply changes nothing twice). Throws WardenError. */
  apply(request: AccessRequest, now: Date, guard: Guard): Promise<Applied>;
  /**
   * What `apply` would write first if it ran at `now` on `request` (its first
   * attempt): the call and the `writing` its guard would pass. Pure (no I/O).
   * The approval that starts the apply records it with its claim (`writing`,
   * with `plannedBy`: the claim's lease holder); `apply` under that same
   * lease then writes exactly what was recorded (the guard sees nothing new
   * to record). Absent: every write is recorded by the guard.
   */
  plan?(request: AccessRequest, now: Date): { call: string; writing: Record<string, string> } | undefined;
  /**
   * What `revert` writes first on `request` (its first attempt): the call and
   * the `writing` its guard passes. Pure. The sweep's claim of the revert
   * records it (`writing` with `plannedBy`), so the revert under that claim's
   * fresh lease writes without a renewal transaction first. Absent: the guard
   * records every write.
   */
  planRevert?(request: AccessRequest): { call: string; writing: Record<string, string> } | undefined;
  /**
   * Undoes a time-bound change, only where Google still shows what runwarden
   * wrote (else: drift). Idempotent. Throws WardenError. `batch`: the
   * sweep's seat in one IAM write for the request's service
   * (src/app/iamBatches.ts), to remove a binding through instead of alone.
   */
  revert(request: AccessRequest, guard: Guard, batch?: IamRemovals): Promise<Reverted>;
  /**
   * Takes back a write that landed after this process had lost its lease
   * (`current` is the request as stored now): nothing when the record now
   * owns that write. `guard` runs right before the undoing write. Returns
   * what was done, for the audit trail.
   */
  undo(
    request: AccessRequest,
    applied: Applied,
    current: AccessRequest | undefined,
    guard: Guard,
  ): Promise<Record<string, string> | undefined>;
  /**
   * Takes back an extension's write that landed after this process had lost
   * its lease: `request` as the extension found it, `written` the end it
   * wrote, `current` the record now (which neither adopted that end nor has
   * anyone working on it: src/app/lateWrites.ts decides). An active grant
   * gets its recorded end back; an ended one loses what the late write left.
   * Only where Google still shows that late write. `guard` runs right before
   * the undoing write. Returns what was done, for the audit trail; nothing
   * for a kind whose extension writes nothing.
   */
  undoExtension(request: AccessRequest, written: Date, current: AccessRequest, guard: Guard): Promise<Record<string, string> | undefined>;
  /**
   * Moves the end of an active time-bound change to `expiresAt` (an applied
   * extension), writing only under `guard`. Idempotent. Throws WardenError.
   */
  extend(request: AccessRequest, expiresAt: Date, guard: Guard): Promise<Record<string, string>>;
  /**
   * The periodic drift check (SPEC §10): reads `target` once and reports each
   * of these active requests on it whose change is no longer as runwarden left it.
   */
  inspect(target: string, requests: AccessRequest[]): Promise<Drift[]>;
}

/** Something runwarden changed, found otherwise: `observed` is what is there now, `detail` says so in a sentence. */
export interface Drift {
  id: string;
  observed: string;
  detail: string;
}

/** Where a removal may go instead of the IAM port itself: the sweep's seat in a batch (src/app/iamBatches.ts). */
export type IamRemovals = Pick<IamPolicyPort, 'removeBinding'>;

/** The ports a kind's effects work through, and the policy's defaults (short names, the default project). */
export interface KindPorts {
  iam: IamPolicyPort;
  services: ServicesPort;
  keys: KeysPort;
  /** a Cloud Run service's standing bindings (convert) */
  standing: StandingBindingsPort;
  /** the posture findings (convert) */
  findings: FindingStore;
  /** the policy in force */
  policy: () => Policy;
  defaults: () => PolicyDefaults;
}

// ---------------------------------------------------------------- how a kind is described and asked for

/** One of a request's facts, shown as a titled field (the title is runwarden's own words). */
export interface KindField {
  title: string;
  value: Phrase;
}

/**
 * How a request of this kind is described to people, in every Slack view
 * (src/adapters/slack/views/describe.ts renders these). Pure.
 */
export interface KindDescription {
  /** the kind's name for people: "Invoker access", "Key rotation" */
  label: string;
  /** what the target is called in a request's fields: "Service", "Key" */
  targetNoun: string;
  /** one clause naming the change, in messages: "`roles/run.invoker` for `user:a@x` on `hello` for 2h" */
  change(request: AccessRequest): Phrase;
  /** the change in the words of the Approve button's confirm dialog (plain text) */
  confirm(request: AccessRequest): Phrase;
  /** the request's own facts, after its id, requester and target */
  fields(request: AccessRequest): KindField[];
  /** sections shown after the facts (a key rotation's blast radius) */
  sections(request: AccessRequest): Phrase[];
  /** what ending it did, in the status line of an expired or revoked request */
  undone(request: AccessRequest): Phrase;
  /** the same, told to the requester by DM */
  ended(request: AccessRequest): Phrase;
  /** what revoking it now does, in the Revoke button's confirm dialog; `when` says instead of when */
  revoking(request: AccessRequest, when: Phrase): Phrase;
  /** a permanent change done, told to the requester, where the kind says more than the change (a rotation's new version) */
  done?(request: AccessRequest): Phrase;
}

/** How the request form (SPEC §9) asks for this kind. */
export interface KindForm {
  /** the Kind menu's option */
  option: string;
  /** what Target holds: a service (searched as the person types) or a key (typed as ring/key) */
  target: 'service' | 'key';
  /** the Setting input's choices; absent: no Setting */
  settings?: readonly string[] | undefined;
  /** the Duration input: required, optional (a permanent change where the rules allow one), or none */
  duration: 'required' | 'optional' | 'none';
}

// ---------------------------------------------------------------- how a kind is asked for

/** What a request asks for, as its command or the form gives it, names resolved: what submission checks and records. */
export interface Ask {
  kind: RequestKind;
  /** full resource name */
  target: string;
  reason: string;
  durationSeconds?: number | undefined;
  /** invoker: --role */
  role?: string | undefined;
  /** invoker: --member; default: the requester's own identity */
  member?: string | undefined;
  /** egress/ingress: the setting */
  value?: string | undefined;
  /** rotate: --rotation-period */
  rotationPeriodSeconds?: number | undefined;
  /** --break-glass */
  breakGlass?: boolean | undefined;
  /** invoker: --start, when a scheduled grant begins */
  startsAt?: Date | undefined;
  /** convert: the posture finding to convert (its `resolve` then names the target) */
  finding?: string | undefined;
}

/** The request form's inputs, as typed (SPEC §9): Target, Setting, Duration, and Reason as its words. */
export interface FormInputs {
  target?: string | undefined;
  setting?: string | undefined;
  duration?: string | undefined;
  reason?: string[] | undefined;
}

/**
 * A kind's slash subcommand (SPEC §4): its usage line, its arguments (one
 * zod schema, shared by the command and the form), and how they become an
 * Ask. Pure.
 */
export interface KindCommand<Args extends object = object> {
  /** the usage line with the configured slash command */
  usage(slash: string): string;
  /** what it does, for help */
  summary: string;
  /** its arguments by field name, each with the message a person needs when it is missing or malformed */
  argsSchema: z.ZodType<Args>;
  /** words and flags after the subcommand → its arguments, or the first problem */
  parseArgs(tokens: Tokens): ParseArgsResult<Args>;
  /** the form's inputs → raw arguments for argsSchema */
  fromForm(inputs: FormInputs): Record<string, unknown>;
  /** its arguments → what to submit, names resolved against the policy's defaults; or why they cannot be */
  toAsk(args: Args, defaults: PolicyDefaults, now: Date): { ok: true; ask: Ask } | { ok: false; error: string };
}

// ---------------------------------------------------------------- how a kind is stored

/** How the store reads back the types a record's fields use (a Firestore Timestamp as a Date; null as absent). */
export interface RecordTypes {
  date: z.ZodType<Date>;
  optional<T extends z.ZodType>(schema: T): z.ZodType<z.output<T> | undefined>;
}

/**
 * The kind's own fields of its request record, validated when a document is
 * read back: the kind's member of the converter's discriminated union on
 * `kind` (src/adapters/firestore/requestDocument.ts). Fields of other kinds
 * are not kept.
 */
export type KindRecord = (types: RecordTypes) => z.ZodType<KindRecordFields>;

/** A request kind: one folder under src/kinds/, one entry of src/kinds/registry.ts. */
export interface KindModule<K extends RequestKind = RequestKind, Args extends object = object> {
  kind: K;
  command: KindCommand<Args>;
  record: KindRecord;
  /** how a request of this kind fits its rule: its part of the authority decision (src/domain/authority) */
  rules: KindRules;
  /**
   * How a time-bound change of this kind ends. `condition`: Google ends it
   * by the IAM condition even if runwarden is down; the sweep then removes
   * the binding, a service's due ones in one IAM write (src/app/iamBatches.ts).
   * `sweep`: only the sweep's revert ends it, so a temporary one is refused
   * while /jobs/sweep is not configured. `never`: it is permanent.
   */
  ending: 'condition' | 'sweep' | 'never';
  describe: KindDescription;
  /** how the request form asks for it; absent: the form does not offer it (only its subcommand does) */
  form?: KindForm | undefined;
  /** its effects against Google, built on the ports */
  effects(ports: KindPorts): KindEffects;
}

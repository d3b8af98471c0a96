/**
 * A request kind, as the rest of runwarden sees it. Each kind is one folder
 * (src/kinds/<kind>/) registered in src/kinds/registry.ts; the runner, the
 * use cases and the sweep only ever see these interfaces, so a new kind is a
 * new folder, not a new path through the engine (docs/architecture.md).
 *
 * KindEffects: what a kind does against Google, through the ports only.
 */
import type { WardenError } from '../domain/errors';
import type { PolicyDefaults } from '../domain/policy/schema';
import type { AccessRequest, RequestContext } from '../domain/request';
import type { IamPolicyPort, KeysPort, ServicesPort } from '../ports';

/** The parts of a not-yet-created request a kind's `prepare` inspects. */
export interface Draft {
  kind: AccessRequest['kind'];
  target: string;
  value?: string | undefined;
  durationSeconds?: number | undefined;
  rotationPeriodSeconds?: number | undefined;
}

export type Prepared = { ok: true; context: RequestContext } | { ok: false; error: WardenError };

export interface Applied {
  expiresAt?: Date | undefined;
  result: Record<string, string>;
  previousValue?: string | undefined;
  /** whether this call wrote to Google (false: it found its own earlier write, or nothing to change) */
  wrote: boolean;
}

export type Reverted =
  | { type: 'reverted'; detail: Record<string, string>; outcome?: string | undefined }
  | { type: 'drift'; detail: string; observed: string };

/**
 * Called immediately before each write to Google with the RPC's name and what
 * is about to be written (recorded on the request as `writing`). Throws
 * runwarden_lease_lost when this process may no longer write.
 */
export type Guard = (call: string, writing?: Record<string, string>) => Promise<void>;

export interface KindEffects {
  /** Reads Google before anyone is asked: refuses what would be meaningless, gathers facts for approvers. */
  prepare(draft: Draft): Promise<Prepared>;
  /** Makes the change. Idempotent for the same request (a retried apply changes nothing twice). Throws WardenError. */
  apply(request: AccessRequest, now: Date, guard: Guard): Promise<Applied>;
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
  undo(request: AccessRequest, applied: Applied, current: AccessRequest | undefined, guard: Guard): Promise<Record<string, string> | undefined>;
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
  defaults: () => PolicyDefaults;
}

/**
 * The Google work of one transition's effect (apply, revert, extend), as the
 * runner carries it out (src/app/runner.ts): run on the request as this
 * process holds it under its lease, it answers with the transition that
 * records what happened — or nothing, when the work was abandoned because
 * this process lost its lease before writing (another one owns the request).
 */
import type { AccessRequest } from '../../domain/request';
import type { RequestEvent } from '../../domain/stateMachine';
import type { Guard } from '../../kinds/kind';
import type { RemovalSeat } from '../iamBatches';

export interface EffectContext {
  /** the lease check every write to Google runs right before it (it renews the lease and records what is written) */
  guard: Guard;
  /** the request's seat in the sweep's IAM batch for its service, when the sweep gave one (iamBatches.ts) */
  batch?: RemovalSeat | undefined;
}

export interface EffectDone {
  /** the transition recording the outcome (applied, apply_failed, requeue, reverted, drifted, extended…) */
  event: RequestEvent;
  /**
   * When the record refuses `event` (this process lost its lease while its
   * write was in flight, and the request moved on): takes that late write
   * back (src/app/lateWrites.ts).
   */
  late?: (() => Promise<void>) | undefined;
}

/** One effect's Google work; undefined: abandoned, nothing to record. */
export type EffectWork = (request: AccessRequest, context: EffectContext) => Promise<EffectDone | undefined>;

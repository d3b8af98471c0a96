/**
 * What each request kind does against Google. One module per kind; the
 * runner and the use cases only ever see this interface, so a new kind is a
 * new handler, not a new path through the engine.
 */
import type { WardenError } from '../../domain/errors';
import type { AccessRequest, RequestContext } from '../../domain/request';

/** The parts of a not-yet-created request a handler needs to inspect. */
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
}

export type Reverted = { type: 'reverted'; detail: Record<string, string> } | { type: 'drift'; detail: string; observed: string };

export interface KindHandler {
  /** Reads Google before anyone is asked: refuses what would be meaningless, gathers facts for approvers. */
  prepare(draft: Draft): Promise<Prepared>;
  /** Makes the change. Idempotent for the same request (a retried apply changes nothing twice). Throws WardenError. */
  apply(request: AccessRequest, now: Date): Promise<Applied>;
  /** Undoes a time-bound change. Idempotent. Throws WardenError. */
  revert(request: AccessRequest): Promise<Reverted>;
}

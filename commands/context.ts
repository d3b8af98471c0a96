/**
 * What a subcommand's handler receives: who typed it, the policy in force
 * and the use cases. Handlers return the ephemeral reply; they never talk to
 * Slack themselves.
 */
import type { RefusalCode } from '../src/domain/authority/refusal';
import type { ErrorCode } from '../src/domain/errors';
import type { Policy } from '../src/domain/policy/schema';
import type { UseCases } from '../src/app/useCases';

export interface CommandContext {
  user: string;
  slash: string;
  policy: Policy;
  useCases: UseCases;
}

export interface Reply {
  text: string;
  blocks?: unknown[] | undefined;
  /**
   * Why the command did nothing, as codes (never sent to Slack): the request
   * form shows the problem next to the input it concerns.
   */
  problem?: Problem | undefined;
}

/** A refused command's codes: the error's runwarden_* code and, for an authority refusal, its reason. */
export interface Problem {
  code: ErrorCode;
  refusal?: RefusalCode | undefined;
}

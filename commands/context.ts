/**
 * What a subcommand's handler receives: who typed it, the policy in force
 * and the use cases. Handlers return the ephemeral reply; they never talk to
 * Slack themselves.
 */
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
}

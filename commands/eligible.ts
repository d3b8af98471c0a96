/**
 * `/warden eligible` (SPEC §4): what you may request — each rule that lets
 * you ask, with its targets, durations, approvers and whether it is
 * auto-approved or break-glass for you. Reads only; records nothing.
 */
import { z } from 'zod';
import type { ParseArgsResult } from '../src/domain/grammar/args';
import { unknownFlag, type Tokens } from '../src/domain/grammar/tokens';
import { eligibleView } from '../src/adapters/slack/views/eligibleView';
import type { CommandContext, Reply } from './context';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

export const name = 'eligible';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} eligible`;
export const summary =
  'what you may request: each rule that lets you ask, its targets, durations, approvers, and whether it is auto-approved for you';

export const argsSchema = z.object({});
/** eligible takes nothing */
export type EligibleArgs = Record<never, never>;

export function parseArgs(tokens: Tokens): ParseArgsResult<EligibleArgs> {
  const flagError = unknownFlag(tokens, name, []);
  if (flagError !== undefined) return { ok: false, error: flagError };
  if (tokens.words.length > 0) return { ok: false, error: 'eligible takes no arguments' };
  return { ok: true, args: {} };
}

export async function handle(_args: EligibleArgs, ctx: CommandContext): Promise<Reply> {
  const answer = await ctx.useCases.eligible(ctx.user);
  return eligibleView({ answer, approverGroups: ctx.policy.approverGroups, slash: ctx.slash });
}

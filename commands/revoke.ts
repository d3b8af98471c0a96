/** `/warden revoke <id> [reason…]`: end an active grant or temporary change early, optionally saying why. */
import { z } from 'zod';
import { decisionReasonArg, parseWith, requestIdArg, type ParseArgsResult } from '../src/domain/grammar/args';
import type { Tokens } from '../src/domain/grammar/tokens';
import { statusLine } from '../src/adapters/slack/views/describe';
import { outcomeReply } from './outcomeReply';
import type { CommandContext, Reply } from './context';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

export const name = 'revoke';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} revoke <id> [reason…]`;
export const summary = 'end an active grant or temporary change early (requester or approver)';

/** The id, then the optional reason the requester is shown (the words after the id, at most 500 characters). */
export const argsSchema = z.object({
  id: requestIdArg,
  reason: z
    .array(z.string())
    .transform((words) => words.join(' '))
    .pipe(decisionReasonArg),
});
export type RevokeArgs = z.output<typeof argsSchema>;

export function parseArgs(tokens: Tokens): ParseArgsResult<RevokeArgs> {
  const [id, ...reason] = tokens.words;
  return parseWith(argsSchema, tokens, name, [], { id, reason });
}

/** Ends an active grant or temporary change early (requester or approver). */
export async function handle(args: RevokeArgs, ctx: CommandContext): Promise<Reply> {
  const result = await ctx.useCases.decide('revoke', args.id, ctx.user, args.reason);
  // The same words as the channel message and the requester's DM: what was found at the end, drift included.
  // Google refused the revert: the change is still in force, and the reply says so (issue 16 §11), never "revoking".
  return outcomeReply(result, (request) =>
    request.status === 'revoked' || request.revertFailing
      ? `Request \`${request.id}\`: ${statusLine(request)}.`
      : `:hourglass_flowing_sand: Revoking request \`${request.id}\`; the sweep finishes it if this attempt is interrupted.`,
  );
}

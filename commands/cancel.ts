/** `/warden cancel <id>`: withdraw your pending request. */
import { idArgsSchema, parseIdArgs, type IdArgs, type ParseArgsResult } from '../src/domain/grammar/args';
import type { Tokens } from '../src/domain/grammar/tokens';
import { outcomeReply } from './outcomeReply';
import type { CommandContext, Reply } from './context';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

export const name = 'cancel';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} cancel <id>`;
export const summary = 'withdraw your pending request';

export const argsSchema = idArgsSchema;
export type CancelArgs = IdArgs;

export function parseArgs(tokens: Tokens): ParseArgsResult<CancelArgs> {
  return parseIdArgs(tokens, name);
}

/** Withdraws your own pending request. */
export async function handle(args: CancelArgs, ctx: CommandContext): Promise<Reply> {
  const result = await ctx.useCases.cancel(args.id, ctx.user);
  return outcomeReply(result, (request) => `:white_check_mark: Request \`${request.id}\` is cancelled.`);
}

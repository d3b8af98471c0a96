/** `/warden status <id>`: one request with its whole history. */
import { idArgsSchema, parseIdArgs, type IdArgs, type ParseArgsResult } from '../src/domain/grammar/args';
import type { Tokens } from '../src/domain/grammar/tokens';
import { statusView } from '../src/adapters/slack/views/statusView';
import { refusal } from '../src/adapters/slack/views/refusal';
import type { CommandContext, Reply } from './context';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

export const name = 'status';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} status <id>`;
export const summary = 'one request with its whole history';

export const argsSchema = idArgsSchema;
export type StatusArgs = IdArgs;

export function parseArgs(tokens: Tokens): ParseArgsResult<StatusArgs> {
  return parseIdArgs(tokens, name);
}

export async function handle(args: StatusArgs, ctx: CommandContext): Promise<Reply> {
  // Someone who may not read it is told the same as for an unknown id (SPEC §4).
  const found = await ctx.useCases.status(args.id, ctx.user);
  if (!found) return refusal(`There is no request \`${args.id}\`.`);
  return statusView(found.request, found.events, ctx.useCases.now());
}

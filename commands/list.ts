/** `/warden list`: your open requests, active grants, and requests awaiting your approval. */
import { z } from 'zod';
import type { ParseArgsResult } from '../src/domain/grammar/args';
import { unknownFlag, type Tokens } from '../src/domain/grammar/tokens';
import { listView } from '../src/adapters/slack/views/listView';
import type { CommandContext, Reply } from './context';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

export const name = 'list';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} list`;
export const summary = 'your open requests, active grants, and requests awaiting your approval';

export const argsSchema = z.object({});
/** list takes nothing */
export type ListArgs = Record<never, never>;

export function parseArgs(tokens: Tokens): ParseArgsResult<ListArgs> {
  const flagError = unknownFlag(tokens, name, []);
  if (flagError !== undefined) return { ok: false, error: flagError };
  if (tokens.words.length > 0) return { ok: false, error: 'list takes no arguments' };
  return { ok: true, args: {} };
}

export async function handle(_args: ListArgs, ctx: CommandContext): Promise<Reply> {
  return listView(await ctx.useCases.list(ctx.user), ctx.useCases.now(), ctx.slash);
}

/** `/warden status <id> [--all]`: one request with its whole history (with --all, runwarden's bookkeeping too). */
import { z } from 'zod';
import { parseWith, requestIdArg, type ParseArgsResult } from '../src/domain/grammar/args';
import type { Tokens } from '../src/domain/grammar/tokens';
import { statusView } from '../src/adapters/slack/views/statusView';
import { refusal } from '../src/adapters/slack/views/refusal';
import type { CommandContext, Reply } from './context';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

export const name = 'status';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} status <id> [--all]`;
export const summary = 'one request with its whole history';

/** `all`: show the bookkeeping events (Slack deliveries, lease renewals before writes to Google) among the history. */
export const argsSchema = z.object({ id: requestIdArg, all: z.boolean() });
export type StatusArgs = z.output<typeof argsSchema>;

export function parseArgs(tokens: Tokens): ParseArgsResult<StatusArgs> {
  if (tokens.words.length > 1) return { ok: false, error: `${name} takes one request id, nothing else` };
  return parseWith(argsSchema, tokens, name, ['all'], { id: tokens.words[0], all: tokens.flags.has('all') });
}

export async function handle(args: StatusArgs, ctx: CommandContext): Promise<Reply> {
  // Someone who may not read it is told the same as for an unknown id (SPEC §4).
  const found = await ctx.useCases.status(args.id, ctx.user);
  if (!found) return refusal(`There is no request \`${args.id}\`.`);
  return statusView(found.request, found.events, ctx.useCases.now(), { all: args.all });
}

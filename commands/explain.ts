/**
 * `/warden explain <request…>` (SPEC §4): the dry run of a request command,
 * typed exactly as it would be asked (`explain invoker hello 2h debugging`).
 * The request is parsed by its kind's own subcommand (src/kinds/<kind>/
 * command.ts) and weighed by the explain use case (src/app/useCases/
 * explain.ts): the rule it falls under, who would approve it, auto-approval
 * or break-glass, or exactly why it would be refused. Records nothing, posts
 * nothing (the answer is the ephemeral reply), writes nothing to Google.
 */
import { z } from 'zod';
import type { ParseArgsResult } from '../src/domain/grammar/args';
import type { Tokens } from '../src/domain/grammar/tokens';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';
import { REQUEST_KINDS, type RequestKind } from '../src/domain/request';
import { kindOf, parseRequestCommand } from '../src/kinds/registry';
import { explainView } from '../src/adapters/slack/views/explainView';
import { refusal } from '../src/adapters/slack/views/refusal';
import { userText } from '../src/adapters/slack/views/refusalText';
import type { CommandContext, Reply } from './context';
import { usageRefusal } from './usageRefusal';

export const name = 'explain';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} explain <request…>`;
export const summary =
  'a dry run of a request command (e.g. `explain invoker hello 2h x`): the rule it would fall under, who would approve it, or exactly why it would be refused; records nothing';

/** The request to explain: its kind and its arguments as the kind's own subcommand parsed them. */
export const argsSchema = z.object({ kind: z.enum(REQUEST_KINDS), args: z.object({}).loose() });
export type ExplainArgs = { kind: RequestKind; args: object };

export function parseArgs(tokens: Tokens): ParseArgsResult<ExplainArgs> {
  const parsed = parseRequestCommand(tokens);
  return parsed.ok ? { ok: true, args: { kind: parsed.kind, args: parsed.args } } : parsed;
}

export async function handle(args: ExplainArgs, ctx: CommandContext): Promise<Reply> {
  const asked = kindOf(args.kind).command.toAsk(args.args, ctx.policy.defaults, ctx.useCases.now());
  if (!asked.ok) return usageRefusal(asked.error);
  const result = await ctx.useCases.explain({ requester: ctx.user, ...asked.ask });
  if (!result.ok) return refusal(userText(result.error, ctx.slash));
  const { ask, dryRun, blocked } = result.explanation;
  return explainView(ask, dryRun, blocked, ctx.slash);
}

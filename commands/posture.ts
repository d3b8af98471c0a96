/** `/warden posture [<scope>]` (SPEC §4, §11): the open posture findings, counted by kind, the worst first. */
import { z } from 'zod';
import type { ParseArgsResult } from '../src/domain/grammar/args';
import { parseWith } from '../src/domain/grammar/args';
import type { Tokens } from '../src/domain/grammar/tokens';
import { postureReport } from '../src/adapters/slack/views/postureReport';
import { refusal } from '../src/adapters/slack/views/refusal';
import type { CommandContext, Reply } from './context';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

export const name = 'posture';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} posture [<scope>]`;
export const summary =
  "the latest posture findings (standing access, public services, …) in the policy's scope, or in one project / service";

/** a posture.scope entry, a project (projects/P, or P when it is a scope entry), or a service (short or full) — resolved against the policy by the use case */
export const argsSchema = z.object({
  scope: z
    .string()
    .regex(/^[A-Za-z0-9/_.-]{1,300}$/, { error: (issue) => `\`${String(issue.input)}\` is not a scope, project or service name` })
    .optional(),
});
export type PostureArgs = z.output<typeof argsSchema>;

export function parseArgs(tokens: Tokens): ParseArgsResult<PostureArgs> {
  if (tokens.words.length > 1)
    return {
      ok: false,
      error: 'posture takes at most one scope: a project, a folder or organization of the policy’s posture scope, or a service',
    };
  return parseWith(argsSchema, tokens, name, [], { scope: tokens.words[0] });
}

export async function handle(args: PostureArgs, ctx: CommandContext): Promise<Reply> {
  const result = await ctx.useCases.posture.report(ctx.user, args.scope);
  if (!result.ok) return refusal(result.message);
  return postureReport({ ...result.report, slash: ctx.slash });
}

/** `/warden extend <id> <duration> <reason…>`: more time for your active grant or temporary change. */
import { z } from 'zod';
import { durationArg, parseWith, reasonArg, requestIdArg, type ParseArgsResult } from '../src/domain/grammar/args';
import type { Tokens } from '../src/domain/grammar/tokens';
import { outcomeReply } from './outcomeReply';
import { slackDate } from '../src/adapters/slack/views/format';
import type { CommandContext, Reply } from './context';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

export const name = 'extend';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} extend <id> <duration> <reason…>`;
export const summary = 'more time for your active grant or temporary change';

export const argsSchema = z.object({ id: requestIdArg, durationSeconds: durationArg, reason: reasonArg });
export type ExtendArgs = z.output<typeof argsSchema>;

export function parseArgs(tokens: Tokens): ParseArgsResult<ExtendArgs> {
  const [id, duration, ...reason] = tokens.words;
  return parseWith(argsSchema, tokens, name, [], { id, durationSeconds: duration, reason });
}

/** Puts an extension of your active request up for decision by its approvers. */
export async function handle(args: ExtendArgs, ctx: CommandContext): Promise<Reply> {
  return extensionReply(await ctx.useCases.extend(args.id, ctx.user, args.durationSeconds, args.reason));
}

/** The answer to an extend, from the command or the Extend modal: where it waits, or why not. */
export function extensionReply(result: Awaited<ReturnType<CommandContext['useCases']['extend']>>): Reply {
  return outcomeReply(result, (request) => {
    const extension = request.extensions?.[request.extensions.length - 1];
    if (extension?.autoApproved === true) {
      const state =
        extension.status === 'applied'
          ? `applied: the grant now ends ${extension.expiresAt ? slackDate(extension.expiresAt) : 'later'}`
          : 'being applied';
      return `:robot_face: Extension ${extension.n} of request \`${request.id}\` (+${extension.duration}) was auto-approved under the policy and is ${state}.`;
    }
    const approvals = request.approvalsRequired === 1 ? '1 approval' : `${request.approvalsRequired} approvals`;
    return (
      `:hourglass_flowing_sand: Extension ${extension?.n ?? ''} of request \`${request.id}\` (+${extension?.duration ?? '?'}) is waiting for ` +
      `${approvals} from *${request.approverGroup}* in <#${request.channel}>. Your access stays as it is meanwhile; I’ll DM you the decision.`
    );
  });
}

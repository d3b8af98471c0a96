/**
 * A request kind's subcommand (invoker, egress, ingress, rotate…), from the
 * slash command or the request form: its arguments become what to submit
 * (src/kinds/<kind>/command.ts), and the answer says where it waits or why
 * it was refused.
 */
import type { RequestKind } from '../src/domain/request';
import { kindOf } from '../src/kinds/registry';
import type { CommandContext, Reply } from './context';
import { submitReply } from './submitReply';
import { usageRefusal } from './usageRefusal';

/** Submits a request of `kind` with its subcommand's parsed `args`. */
export async function submitKind(kind: RequestKind, args: object, ctx: CommandContext): Promise<Reply> {
  const asked = kindOf(kind).command.toAsk(args, ctx.policy.defaults, ctx.useCases.now());
  if (!asked.ok) return usageRefusal(asked.error);
  return submitReply(await ctx.useCases.submit({ requester: ctx.user, ...asked.ask }), ctx.slash);
}

/**
 * Dispatches a parsed command to its subcommand's handler: a request kind's
 * subcommand submits a request of that kind (submit.ts), the others have
 * their own module.
 */
import * as cancel from './cancel';
import type { CommandContext, Reply } from './context';
import * as eligible from './eligible';
import * as explain from './explain';
import * as extend from './extend';
import * as list from './list';
import { helpText, isKindCommand, type Command } from './parse';
import * as posture from './posture';
import * as revoke from './revoke';
import * as status from './status';
import { submitKind } from './submit';

export type { CommandContext, Reply } from './context';

export function runCommand(command: Command, ctx: CommandContext): Promise<Reply> {
  if (isKindCommand(command)) return submitKind(command.name, command, ctx);
  switch (command.name) {
    case 'list':
      return list.handle(command, ctx);
    case 'status':
      return status.handle(command, ctx);
    case 'revoke':
      return revoke.handle(command, ctx);
    case 'cancel':
      return cancel.handle(command, ctx);
    case 'extend':
      return extend.handle(command, ctx);
    case 'eligible':
      return eligible.handle(command, ctx);
    case 'explain':
      return explain.handle(command, ctx);
    case 'posture':
      return posture.handle(command, ctx);
    case 'help':
      return Promise.resolve({ text: helpText(ctx.slash) });
  }
}

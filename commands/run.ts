/**
 * Dispatches a parsed command to its subcommand's handler.
 */
import * as cancel from './cancel';
import type { CommandContext, Reply } from './context';
import * as egress from './egress';
import * as extend from './extend';
import * as ingress from './ingress';
import * as invoker from './invoker';
import * as list from './list';
import { helpText, type Command } from './parse';
import * as posture from './posture';
import * as revoke from './revoke';
import * as rotate from './rotate';
import * as status from './status';

export type { CommandContext, Reply } from './context';

export function runCommand(command: Command, ctx: CommandContext): Promise<Reply> {
  switch (command.name) {
    case 'invoker':
      return invoker.handle(command, ctx);
    case 'egress':
      return egress.handle(command, ctx);
    case 'ingress':
      return ingress.handle(command, ctx);
    case 'rotate':
      return rotate.handle(command, ctx);
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
    case 'posture':
      return posture.handle(command, ctx);
    case 'help':
      return Promise.resolve({ text: helpText(ctx.slash) });
  }
}

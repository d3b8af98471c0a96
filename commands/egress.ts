/** `/warden egress`: change a service's VPC egress setting, optionally for a while. */
import type { z } from 'zod';
import { EGRESS_VALUES } from '../src/domain/request';
import { parseSettingArgs, settingArgsSchema, type ParseArgsResult } from './args';
import type { Tokens } from './tokens';
import { submitSetting } from './submitSetting';
import type { CommandContext, Reply } from './context';

export const name = 'egress';
export const usage = (slash = '/warden') =>
  `${slash} egress <service> <${EGRESS_VALUES.join('|')}> [<duration>] <reason…> [--project P] [--region L] [--break-glass]`;
export const summary = "change a service's VPC egress setting, permanently or for a while";

export const argsSchema = settingArgsSchema('egress setting', EGRESS_VALUES);
export type EgressArgs = z.output<typeof argsSchema>;

export function parseArgs(tokens: Tokens): ParseArgsResult<EgressArgs> {
  return parseSettingArgs(argsSchema, tokens, name);
}

export function handle(args: EgressArgs, ctx: CommandContext): Promise<Reply> {
  return submitSetting('egress', args, ctx);
}

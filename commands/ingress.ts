/** `/warden ingress`: change a service's ingress setting, optionally for a while. */
import type { z } from 'zod';
import { INGRESS_VALUES } from '../src/domain/request';
import { parseSettingArgs, settingArgsSchema, type ParseArgsResult } from './args';
import type { Tokens } from './tokens';
import { submitSetting } from './submitSetting';
import type { CommandContext, Reply } from './context';

export const name = 'ingress';
export const usage = (slash = '/warden') =>
  `${slash} ingress <service> <${INGRESS_VALUES.join('|')}> [<duration>] <reason…> [--project P] [--region L] [--break-glass]`;
export const summary = "change a service's ingress setting, permanently or for a while";

export const argsSchema = settingArgsSchema('ingress setting', INGRESS_VALUES);
export type IngressArgs = z.output<typeof argsSchema>;

export function parseArgs(tokens: Tokens): ParseArgsResult<IngressArgs> {
  return parseSettingArgs(argsSchema, tokens, name);
}

export function handle(args: IngressArgs, ctx: CommandContext): Promise<Reply> {
  return submitSetting('ingress', args, ctx);
}

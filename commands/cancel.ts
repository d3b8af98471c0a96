/** `/warden cancel <id>`: withdraw your pending request. */
import { idArgsSchema, parseIdArgs, type IdArgs, type ParseArgsResult } from './args';
import type { Tokens } from './tokens';

export const name = 'cancel';
export const usage = (slash = '/warden') => `${slash} cancel <id>`;
export const summary = 'withdraw your pending request';

export const argsSchema = idArgsSchema;
export type CancelArgs = IdArgs;

export function parseArgs(tokens: Tokens): ParseArgsResult<CancelArgs> {
  return parseIdArgs(tokens, name);
}

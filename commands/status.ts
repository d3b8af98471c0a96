/** `/warden status <id>`: one request with its whole history. */
import { idArgsSchema, parseIdArgs, type IdArgs, type ParseArgsResult } from './args';
import type { Tokens } from './tokens';

export const name = 'status';
export const usage = (slash = '/warden') => `${slash} status <id>`;
export const summary = 'one request with its whole history';

export const argsSchema = idArgsSchema;
export type StatusArgs = IdArgs;

export function parseArgs(tokens: Tokens): ParseArgsResult<StatusArgs> {
  return parseIdArgs(tokens, name);
}

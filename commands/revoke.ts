/** `/warden revoke <id>`: end an active grant or temporary change early. */
import { idArgsSchema, parseIdArgs, type IdArgs, type ParseArgsResult } from './args';
import type { Tokens } from './tokens';

export const name = 'revoke';
export const usage = (slash = '/warden') => `${slash} revoke <id>`;
export const summary = 'end an active grant or temporary change early (requester or approver)';

export const argsSchema = idArgsSchema;
export type RevokeArgs = IdArgs;

export function parseArgs(tokens: Tokens): ParseArgsResult<RevokeArgs> {
  return parseIdArgs(tokens, name);
}

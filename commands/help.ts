/**
 * `/warden help` (also an empty command): every usage line with what it does.
 * The text lists every subcommand, so it is built where they are all known:
 * helpText in parse.ts, answered by run.ts.
 */
import { z } from 'zod';
import type { ParseArgsResult } from '../src/domain/grammar/args';
import type { Tokens } from '../src/domain/grammar/tokens';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

export const name = 'help';
export const usage = (slash = DEFAULT_SLASH_COMMAND) => `${slash} help`;
export const summary = 'this list';

export const argsSchema = z.object({});
/** help takes nothing (and ignores whatever follows) */
export type HelpArgs = Record<never, never>;

/** Whatever follows `help` is ignored: asking for help never fails. */
export function parseArgs(_tokens: Tokens): ParseArgsResult<HelpArgs> {
  return { ok: true, args: {} };
}

/** `/warden help` (also an empty command): every usage line with what it does; see helpText in parse.ts. */
import { z } from 'zod';
import type { ParseArgsResult } from './args';
import type { Tokens } from './tokens';
import type { CommandContext, Reply } from './context';

export const name = 'help';
export const usage = (slash = '/warden') => `${slash} help`;
export const summary = 'this list';

export const argsSchema = z.object({});
/** help takes nothing (and ignores whatever follows) */
export type HelpArgs = Record<never, never>;

/** Whatever follows `help` is ignored: asking for help never fails. */
export function parseArgs(_tokens: Tokens): ParseArgsResult<HelpArgs> {
  return { ok: true, args: {} };
}

/** The text per slash command (one: ctx.slash is configuration, never user input), built on first use. */
const texts = new Map<string, string>();

export async function handle(_args: HelpArgs, ctx: CommandContext): Promise<Reply> {
  let text = texts.get(ctx.slash);
  if (text === undefined) {
    // parse.ts imports this module, so helpText is reached lazily (once: a dynamic import resolves the
    // module path on every call) to keep the import graph acyclic
    const { helpText } = await import('./parse');
    text = helpText(ctx.slash);
    texts.set(ctx.slash, text);
  }
  return { text };
}

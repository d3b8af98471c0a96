/**
 * `/warden convert <finding> <reason…>` (SPEC §4, §11): ask that a standing
 * binding found by the posture scan be replaced by just-in-time access. The
 * finding names the service, role and members; `resolve` (effects.ts) reads
 * it before anything is decided. Pure.
 */
import { z } from 'zod';
import { parseWith, reasonArg } from '../../domain/grammar/args';
import { isFindingId } from '../../domain/posture/findingId';
import type { KindCommand } from '../kind';

export const convertArgs = z.object({
  finding: z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'Say which finding: its id, like f-2cd8rzq97s (`/warden posture` lists them).' : undefined,
    })
    .transform((text) => text.replace(/^[`'"]+|[`'"]+$/g, '').toLowerCase())
    .refine(isFindingId, {
      error: (issue) =>
        `\`${String(issue.input)}\` is not a finding id: finding ids look like f-2cd8rzq97s (\`/warden posture\` lists them)`,
    }),
  reason: reasonArg,
});
export type ConvertArgs = z.output<typeof convertArgs>;

export const convertCommand: KindCommand<ConvertArgs> = {
  usage: (slash) => `${slash} convert <finding> <reason…>`,
  summary: 'ask to replace a standing binding the posture scan found by just-in-time access (the posture approvers decide)',
  argsSchema: convertArgs,
  parseArgs(tokens) {
    const [finding, ...reason] = tokens.words;
    return parseWith(convertArgs, tokens, 'convert', [], { finding, reason });
  },
  fromForm: (inputs) => ({ finding: inputs.target, reason: inputs.reason }),
  // the target is the finding's service, which only the finding knows: resolve() (effects.ts) names it
  toAsk: (args) => ({ ok: true, ask: { kind: 'convert', target: args.finding, finding: args.finding, reason: args.reason } }),
};

/**
 * `/warden rotate <key> <reason…> [--rotation-period <duration>]`
 * (SPEC §4), and the same arguments from the request form. Pure.
 */
import { z } from 'zod';
import { formatDuration } from '../../domain/duration';
import { keyArg, optionalDurationArg, parseWith, reasonArg, splitDurationProblem } from '../../domain/grammar/args';
import { MIN_ROTATION_PERIOD_SECONDS } from '../../domain/policy/schema';
import { resolveKeyName } from '../../domain/resourceNames';
import type { KindCommand } from '../kind';

export const rotateArgs = z.object({
  key: keyArg,
  reason: reasonArg,
  rotationPeriodSeconds: optionalDurationArg.refine((seconds) => seconds === undefined || seconds >= MIN_ROTATION_PERIOD_SECONDS, {
    error: `--rotation-period must be at least ${formatDuration(MIN_ROTATION_PERIOD_SECONDS)} (the Cloud KMS minimum)`,
  }),
});
export type RotateArgs = z.output<typeof rotateArgs>;

export const rotateCommand: KindCommand<RotateArgs> = {
  usage: (slash) => `${slash} rotate <key> <reason…> [--rotation-period <duration>]`,
  summary: 'rotate a Cloud KMS key (a CMEK protecting Cloud Run data) now, optionally setting its rotation period',
  argsSchema: rotateArgs,

  parseArgs(tokens) {
    const [key, ...reason] = tokens.words;
    const period = tokens.flags.get('rotation-period');
    const split = period === undefined ? undefined : splitDurationProblem(period, tokens.following?.get('rotation-period'));
    if (split !== undefined) return { ok: false, error: split };
    return parseWith(rotateArgs, tokens, 'rotate', ['rotation-period'], {
      key,
      reason,
      rotationPeriodSeconds: tokens.flags.get('rotation-period'),
    });
  },

  fromForm: (inputs) => ({ key: inputs.target, reason: inputs.reason }),

  toAsk(args, defaults) {
    const target = resolveKeyName(args.key, defaults);
    if (!target.ok) return { ok: false, error: target.error };
    return {
      ok: true,
      ask: { kind: 'rotate', target: target.name, reason: args.reason, rotationPeriodSeconds: args.rotationPeriodSeconds },
    };
  },
};

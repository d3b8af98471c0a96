/** `/warden rotate`: a new primary version of a Cloud KMS key, optionally a new rotation schedule. */
import { z } from 'zod';
import { formatDuration } from '../src/domain/duration';
import { keyArg, optionalDurationArg, parseWith, reasonArg, splitDurationProblem, type ParseArgsResult } from './args';
import type { Tokens } from './tokens';
import { resolveKeyName } from '../src/domain/resourceNames';
import { MIN_ROTATION_PERIOD_SECONDS } from '../src/domain/policy/schema';
import { refusal } from '../src/adapters/slack/views/refusal';
import type { CommandContext, Reply } from './context';
import { submitReply } from './submitReply';


export const name = 'rotate';
export const usage = (slash = '/warden') => `${slash} rotate <key> <reason…> [--rotation-period <duration>]`;
export const summary = 'rotate a Cloud KMS key (a CMEK protecting Cloud Run data) now, optionally setting its rotation period';

export const argsSchema = z.object({
  key: keyArg,
  reason: reasonArg,
  rotationPeriodSeconds: optionalDurationArg.refine((seconds) => seconds === undefined || seconds >= MIN_ROTATION_PERIOD_SECONDS, {
    error: `--rotation-period must be at least ${formatDuration(MIN_ROTATION_PERIOD_SECONDS)} (the Cloud KMS minimum)`,
  }),
});
export type RotateArgs = z.output<typeof argsSchema>;

export function parseArgs(tokens: Tokens): ParseArgsResult<RotateArgs> {
  const [key, ...reason] = tokens.words;
  const period = tokens.flags.get('rotation-period');
  const split = period === undefined ? undefined : splitDurationProblem(period, tokens.following?.get('rotation-period'));
  if (split !== undefined) return { ok: false, error: split };
  return parseWith(argsSchema, tokens, name, ['rotation-period'], {
    key,
    reason,
    rotationPeriodSeconds: tokens.flags.get('rotation-period'),
  });
}

/** Resolves the key against the policy's defaults and submits the rotation. */
export async function handle(args: RotateArgs, ctx: CommandContext): Promise<Reply> {
  const target = resolveKeyName(args.key, ctx.policy.defaults);
  if (!target.ok) return refusal(target.error);
  return submitReply(
    await ctx.useCases.submit({
      requester: ctx.user,
      kind: 'rotate',
      target: target.name,
      reason: args.reason,
      rotationPeriodSeconds: args.rotationPeriodSeconds,
    }),
  );
}

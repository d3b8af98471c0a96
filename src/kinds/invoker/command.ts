/**
 * `/warden invoker <service> <duration> <reason…> [--member M] [--role R]
 * [--project P] [--region L] [--start <time>] [--break-glass]` (SPEC §4),
 * and the same arguments from the request form. Pure.
 */
import { z } from 'zod';
import {
  breakGlassArg,
  durationArg,
  memberArg,
  parseWith,
  projectArg,
  reasonArg,
  regionArg,
  roleArg,
  serviceArg,
  splitDurationProblem,
  startArg,
  startDate,
} from '../../domain/grammar/args';
import { resolveServiceName } from '../../domain/resourceNames';
import type { KindCommand } from '../kind';

export const invokerArgs = z.object({
  service: serviceArg,
  durationSeconds: durationArg,
  reason: reasonArg,
  member: memberArg.optional(),
  role: roleArg.optional(),
  project: projectArg.optional(),
  region: regionArg.optional(),
  start: startArg.optional(),
  breakGlass: breakGlassArg,
});
export type InvokerArgs = z.output<typeof invokerArgs>;

const FLAGS = ['member', 'role', 'project', 'region', 'start', 'break-glass'] as const;

export const invokerCommand: KindCommand<InvokerArgs> = {
  usage: (slash) =>
    `${slash} invoker <service> <duration> <reason…> [--member M] [--role R] [--project P] [--region L] [--start <time>] [--break-glass]`,
  summary: 'permission to call a private Cloud Run service for a while',
  argsSchema: invokerArgs,

  parseArgs(tokens) {
    const [service, duration, ...reason] = tokens.words;
    const flag = (key: string) => tokens.flags.get(key);
    const split = duration === undefined ? undefined : splitDurationProblem(duration, reason[0]);
    if (split !== undefined) return { ok: false, error: split };
    return parseWith(invokerArgs, tokens, 'invoker', FLAGS, {
      service,
      durationSeconds: duration,
      reason,
      member: flag('member'),
      role: flag('role'),
      project: flag('project'),
      region: flag('region'),
      start: flag('start'),
      breakGlass: flag('break-glass'),
    });
  },

  fromForm: (inputs) => ({ service: inputs.target, durationSeconds: inputs.duration, reason: inputs.reason }),

  toAsk(args, defaults, now) {
    const target = resolveServiceName(args.service, args, defaults);
    if (!target.ok) return { ok: false, error: target.error };
    return {
      ok: true,
      ask: {
        kind: 'invoker',
        target: target.name,
        reason: args.reason,
        durationSeconds: args.durationSeconds,
        role: args.role,
        member: args.member,
        startsAt: startDate(args.start, now),
        breakGlass: args.breakGlass,
      },
    };
  },
};

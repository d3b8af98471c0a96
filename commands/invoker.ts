/** `/warden invoker`: time-bound permission to call a private Cloud Run service. */
import { z } from 'zod';
import { breakGlassArg, durationArg, memberArg, parseWith, splitDurationProblem, projectArg, reasonArg, regionArg, roleArg, serviceArg, startArg, startDate, type ParseArgsResult } from './args';
import type { Tokens } from './tokens';
import { resolveServiceName } from '../src/domain/resourceNames';
import { refusal } from '../src/adapters/slack/views/refusal';
import type { CommandContext, Reply } from './context';
import { submitReply } from './submitReply';

export const name = 'invoker';
export const usage = (slash = '/warden') =>
  `${slash} invoker <service> <duration> <reason…> [--member M] [--role R] [--project P] [--region L] [--start <time>] [--break-glass]`;
export const summary = 'permission to call a private Cloud Run service for a while';

export const argsSchema = z.object({
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
export type InvokerArgs = z.output<typeof argsSchema>;

export function parseArgs(tokens: Tokens): ParseArgsResult<InvokerArgs> {
  const [service, duration, ...reason] = tokens.words;
  const flag = (key: string) => tokens.flags.get(key);
  const split = duration === undefined ? undefined : splitDurationProblem(duration, reason[0]);
  if (split !== undefined) return { ok: false, error: split };
  return parseWith(argsSchema, tokens, name, ['member', 'role', 'project', 'region', 'start', 'break-glass'], {
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
}

/** Resolves the service against the policy's defaults and submits the request. */
export async function handle(args: InvokerArgs, ctx: CommandContext): Promise<Reply> {
  const target = resolveServiceName(args.service, args, ctx.policy.defaults);
  if (!target.ok) return refusal(target.error);
  return submitReply(
    await ctx.useCases.submit({
      requester: ctx.user,
      kind: 'invoker',
      target: target.name,
      reason: args.reason,
      durationSeconds: args.durationSeconds,
      role: args.role,
      member: args.member,
      startsAt: startDate(args.start, ctx.useCases.now()),
      breakGlass: args.breakGlass,
    }),
  );
}

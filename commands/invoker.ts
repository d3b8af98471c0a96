/** `/warden invoker`: time-bound permission to call a private Cloud Run service. */
import { z } from 'zod';
import { durationArg, memberArg, parseWith, projectArg, reasonArg, regionArg, roleArg, serviceArg, type ParseArgsResult } from './args';
import type { Tokens } from './tokens';

export const name = 'invoker';
export const usage = (slash = '/warden') =>
  `${slash} invoker <service> <duration> <reason…> [--member M] [--role R] [--project P] [--region L]`;
export const summary = 'permission to call a private Cloud Run service for a while';

export const argsSchema = z.object({
  service: serviceArg,
  durationSeconds: durationArg,
  reason: reasonArg,
  member: memberArg.optional(),
  role: roleArg.optional(),
  project: projectArg.optional(),
  region: regionArg.optional(),
});
export type InvokerArgs = z.output<typeof argsSchema>;

export function parseArgs(tokens: Tokens): ParseArgsResult<InvokerArgs> {
  const [service, duration, ...reason] = tokens.words;
  const flag = (key: string) => tokens.flags.get(key);
  return parseWith(argsSchema, tokens, name, ['member', 'role', 'project', 'region'], {
    service,
    durationSeconds: duration,
    reason,
    member: flag('member'),
    role: flag('role'),
    project: flag('project'),
    region: flag('region'),
  });
}

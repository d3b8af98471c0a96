/**
 * `/warden egress|ingress <service> <value> [<duration>] <reason…>
 * [--project P] [--region L] [--break-glass]` (SPEC §4), and the same
 * arguments from the request form. Pure.
 */
import type { z } from 'zod';
import { parseSettingArgs, settingArgsSchema } from '../../domain/grammar/args';
import { resolveServiceName } from '../../domain/resourceNames';
import { EGRESS_VALUES, INGRESS_VALUES } from '../../domain/request';
import type { KindCommand } from '../kind';
import type { SettingKind } from './setting';

export const egressArgs = settingArgsSchema('egress setting', EGRESS_VALUES);
export const ingressArgs = settingArgsSchema('ingress setting', INGRESS_VALUES);
export type SettingArgs = z.output<typeof egressArgs> | z.output<typeof ingressArgs>;

const SUMMARY: Record<SettingKind, string> = {
  egress: "change a service's VPC egress setting, permanently or for a while",
  ingress: "change a service's ingress setting, permanently or for a while",
};

export function settingCommand(kind: SettingKind): KindCommand<SettingArgs> {
  const schema = kind === 'egress' ? egressArgs : ingressArgs;
  const values = kind === 'egress' ? EGRESS_VALUES : INGRESS_VALUES;
  return {
    usage: (slash) => `${slash} ${kind} <service> <${values.join('|')}> [<duration>] <reason…> [--project P] [--region L] [--break-glass]`,
    summary: SUMMARY[kind],
    argsSchema: schema,
    parseArgs: (tokens) => parseSettingArgs(schema, tokens, kind),
    fromForm: (inputs) => ({ service: inputs.target, value: inputs.setting, durationSeconds: inputs.duration, reason: inputs.reason }),
    toAsk(args, defaults) {
      const target = resolveServiceName(args.service, args, defaults);
      if (!target.ok) return { ok: false, error: target.error };
      return {
        ok: true,
        ask: {
          kind,
          target: target.name,
          reason: args.reason,
          value: args.value,
          durationSeconds: args.durationSeconds,
          breakGlass: args.breakGlass,
        },
      };
    },
  };
}

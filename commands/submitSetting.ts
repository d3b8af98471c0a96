/** Shared by `egress` and `ingress`: resolve the service, submit the change. */
import { resolveServiceName } from '../src/domain/resourceNames';
import { refusal } from '../src/adapters/slack/views/refusal';
import type { CommandContext, Reply } from './context';
import { submitReply } from './submitReply';

export interface SettingArgs {
  service: string;
  value: string;
  durationSeconds?: number | undefined;
  reason: string;
  project?: string | undefined;
  region?: string | undefined;
  breakGlass?: boolean | undefined;
}

export async function submitSetting(kind: 'egress' | 'ingress', args: SettingArgs, ctx: CommandContext): Promise<Reply> {
  const target = resolveServiceName(args.service, args, ctx.policy.defaults);
  if (!target.ok) return refusal(target.error);
  return submitReply(
    await ctx.useCases.submit({
      requester: ctx.user,
      kind,
      target: target.name,
      reason: args.reason,
      value: args.value,
      durationSeconds: args.durationSeconds,
      breakGlass: args.breakGlass,
    }),
  );
}

/**
 * The answer to a request-making subcommand: the new request's id and who
 * must approve it, or exactly why it was refused.
 */
import type { SubmitResult } from '../src/app/useCases/submit';
import { refusal } from '../src/adapters/slack/views/refusal';
import type { Reply } from './context';

export function submitReply(result: SubmitResult): Reply {
  if (!result.ok) return refusal(result.error.userMessage);
  const r = result.request;
  const where = r.message ? ` in <#${r.channel}>` : '';
  const approvals = r.approvalsRequired === 1 ? '1 approval' : `${r.approvalsRequired} approvals`;
  return {
    text: `:hourglass_flowing_sand: Request \`${r.id}\` (${r.kind} on ${r.target}) is waiting for ${approvals} from *${r.approverGroup}*${where}. I’ll DM you at every decision.`,
  };
}

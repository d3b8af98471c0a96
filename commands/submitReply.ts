/**
 * The answer to a request-making subcommand: the new request's id and who
 * must approve it, or exactly why it was refused.
 */
import type { SubmitResult } from '../src/app/useCases/submit';
import { refusal } from '../src/adapters/slack/views/refusal';
import { userText } from '../src/adapters/slack/views/refusalText';
import { RefusedError } from '../src/domain/authority/refusedError';
import type { Reply } from './context';

export function submitReply(result: SubmitResult, slash = '/warden'): Reply {
  if (!result.ok) {
    const { error } = result;
    return {
      ...refusal(userText(error, slash)),
      problem: { code: error.code, refusal: error instanceof RefusedError ? error.refusal.code : undefined },
    };
  }
  const r = result.request;
  const where = r.message ? ` in <#${r.channel}>` : '';
  const state =
    r.status === 'active' || r.status === 'applied'
      ? 'applied'
      : r.status === 'failed'
        ? `failed: ${r.outcome ?? 'see its status'}`
        : 'being applied';
  if (r.breakGlass) {
    return {
      text: `:rotating_light: Break-glass request \`${r.id}\` (${r.kind} on ${r.target}) was ${state} without approval and announced${where}; the approvers of *${r.approverGroup}* will review it.`,
    };
  }
  if (r.autoApproved) {
    return {
      text: `:robot_face: Request \`${r.id}\` (${r.kind} on ${r.target}) was auto-approved (the rule approves such requests itself) and ${state}.`,
    };
  }
  const approvals = r.approvalsRequired === 1 ? '1 approval' : `${r.approvalsRequired} approvals`;
  return {
    text: `:hourglass_flowing_sand: Request \`${r.id}\` (${r.kind} on ${r.target}) is waiting for ${approvals} from *${r.approverGroup}*${where}. I’ll DM you at every decision.`,
  };
}

/**
 * Approve / Deny / Revoke buttons. Acknowledge at once; the button carries
 * only the request id (validated), everything else is read from the store.
 * A refused click gets an ephemeral answer; the refusal is audited by the
 * state machine.
 */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import { isRequestId } from '../../../domain/requestId';
import { asWardenError } from '../../../domain/errors';
import type { ChatPort, Logger } from '../../../ports';
import type { Decision } from '../../../app/useCases/decide';
import type { RunResult } from '../../../app/runner';
import { APPROVE_ACTION, DENY_ACTION, REVOKE_ACTION } from '../ids';
import { refusal } from '../views/refusal';

const click = z.object({
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().refine(isRequestId, 'not a request id') })).min(1),
});

export interface ActionDeps {
  decide: (decision: Decision, id: string, actor: string) => Promise<RunResult>;
  chat: ChatPort;
  logger: Logger;
}

export function registerActionListener(app: App, deps: ActionDeps): void {
  const actions: Array<[string, Decision]> = [
    [APPROVE_ACTION, 'approve'],
    [DENY_ACTION, 'deny'],
    [REVOKE_ACTION, 'revoke'],
  ];
  for (const [actionId, decision] of actions) {
    app.action(actionId, async ({ ack, body, respond }) => {
      await ack();
      const parsed = click.safeParse(body);
      if (!parsed.success) {
        deps.logger.warn('ignored a malformed button payload', { actionId, issues: parsed.error.issues.length });
        return;
      }
      const user = parsed.data.user.id;
      const channel = parsed.data.channel?.id ?? parsed.data.container?.channel_id;
      const id = parsed.data.actions[0]?.value ?? '';
      // An ephemeral message to the clicker; through the interaction's response_url if chat.postEphemeral fails.
      const tell = async (text: string): Promise<void> => {
        const view = refusal(text);
        try {
          if (!channel) throw new Error('no channel in the payload');
          await deps.chat.ephemeral(channel, user, view);
        } catch {
          await respond({ response_type: 'ephemeral', replace_original: false, text: view.text }).catch((error: unknown) =>
            deps.logger.warn('could not tell the clicker why', { requestId: id, error: String(error) }),
          );
        }
      };
      try {
        const { outcome } = await deps.decide(decision, id, user);
        if (!outcome.ok) await tell(outcome.error.userMessage);
      } catch (error) {
        const failure = asWardenError(error);
        deps.logger.error('button handling failed', { requestId: id, code: failure.code, error: failure.operatorMessage });
        await tell(failure.userMessage);
      }
    });
  }
}

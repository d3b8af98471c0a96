/**
 * Buttons that change a request: Approve / Deny / Revoke now on the approval
 * message, Approve / Deny on an extension's message, and End now / Cancel /
 * Approve / Deny in App Home. Acknowledge at once; the button carries only
 * an id (validated), everything else is read from the store. A refused click
 * is answered to the clicker alone; the refusal is audited by the state machine.
 */
import type { SlackListeners } from './slackListeners';
import { z } from 'zod';
import { isRequestId } from '../../../domain/requestId';
import { asWardenError, severityOf } from '../../../domain/errors';
import type { ChatPort, Logger } from '../../../ports';
import type { Decision } from '../../../app/useCases/decide';
import type { ExtensionDecision } from '../../../app/useCases/extend';
import type { RunResult } from '../../../app/runner';
import {
  APPROVE_ACTION,
  CANCEL_ACTION,
  DENY_ACTION,
  EXTENSION_APPROVE_ACTION,
  EXTENSION_DENY_ACTION,
  REVIEW_ACTION,
  REVOKE_ACTION,
} from '../ids';
import { tellClicker } from './tellClicker';
import { userText } from '../views/refusalText';

const click = z.object({
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().max(100) })).min(1),
});

export interface ActionDeps {
  decide: (decision: Decision, id: string, actor: string) => Promise<RunResult>;
  decideExtension: (decision: ExtensionDecision, ref: string, actor: string) => Promise<RunResult>;
  cancel: (id: string, actor: string) => Promise<RunResult>;
  /** after a click on a channel message: whether that message is the request's own (else a copy, to be removed) */
  clickedMessage?: ((id: string, actor: string, channel: string, ts: string) => Promise<void>) | undefined;
  chat: ChatPort;
  logger: Logger;
  /** the configured slash command, for texts that name a command */
  slash?: string | undefined;
}

type Handler = { valid: (value: string) => boolean; run: (value: string, user: string) => Promise<RunResult> };

export function registerActionListener(app: SlackListeners, deps: ActionDeps): void {
  const isExtensionRef = (value: string): boolean => /^[a-z0-9]+\.[1-9][0-9]*$/.test(value) && isRequestId(value.split('.')[0] ?? '');
  const handlers: Record<string, Handler> = {
    [APPROVE_ACTION]: { valid: isRequestId, run: (id, user) => deps.decide('approve', id, user) },
    [DENY_ACTION]: { valid: isRequestId, run: (id, user) => deps.decide('deny', id, user) },
    [REVOKE_ACTION]: { valid: isRequestId, run: (id, user) => deps.decide('revoke', id, user) },
    [REVIEW_ACTION]: { valid: isRequestId, run: (id, user) => deps.decide('review', id, user) },
    [CANCEL_ACTION]: { valid: isRequestId, run: (id, user) => deps.cancel(id, user) },
    [EXTENSION_APPROVE_ACTION]: { valid: isExtensionRef, run: (ref, user) => deps.decideExtension('approve', ref, user) },
    [EXTENSION_DENY_ACTION]: { valid: isExtensionRef, run: (ref, user) => deps.decideExtension('deny', ref, user) },
  };
  for (const [actionId, handler] of Object.entries(handlers)) {
    app.action(actionId, async ({ ack, body, respond }) => {
      await ack();
      const parsed = click.safeParse(body);
      const value = parsed.success ? (parsed.data.actions[0]?.value ?? '') : '';
      if (!parsed.success || !handler.valid(value)) {
        deps.logger.warn('ignored a malformed button payload', { actionId });
        return;
      }
      const user = parsed.data.user.id;
      const channel = parsed.data.channel?.id ?? parsed.data.container?.channel_id;
      const tell = tellClicker(deps, { user, channel, respond, requestId: value });
      try {
        const { outcome } = await handler.run(value, user);
        if (!outcome.ok) await tell(userText(outcome.error, deps.slash));
      } catch (error) {
        const failure = asWardenError(error);
        deps.logger[severityOf(failure.code)]('button handling failed', {
          requestId: value,
          code: failure.code,
          error: failure.operatorMessage,
        });
        await tell(failure.userMessage);
      }
      const messageTs = parsed.data.container?.message_ts;
      if (channel && messageTs) await deps.clickedMessage?.(value.split('.')[0] ?? value, user, channel, messageTs);
    });
  }
}

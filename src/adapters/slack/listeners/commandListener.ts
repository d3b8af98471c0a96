/**
 * The slash command: parse synchronously and answer a malformed command at
 * once (in the acknowledgement, so it is never lost); otherwise acknowledge
 * within Slack's 3 seconds and send the real answer to the response_url.
 */
import type { SlackListeners } from './slackListeners';
import { parseCommand, runCommand, type CommandContext } from '../../../../commands';
import { ErrorCode, asWardenError, severityOf } from '../../../domain/errors';
import type { DeliveryLedger, DeliveryReply, Logger } from '../../../ports';
import { refusal } from '../views/refusal';
import { userText } from '../views/refusalText';
import { answerOnce } from './answerOnce';

export interface CommandListenerDeps {
  slash: string;
  logger: Logger;
  context: Omit<CommandContext, 'user'>;
  /** dedupes deliveries of one command (same trigger_id) */
  deliveries: DeliveryLedger;
  now: () => Date;
  /** `/warden` with no arguments: views.open of the request form with the command's trigger_id, for `user` (who typed it) */
  openForm?: ((triggerId: string, user: string) => Promise<unknown>) | undefined;
}

export function registerCommandListener(app: SlackListeners, deps: CommandListenerDeps): void {
  app.command(deps.slash, async ({ command, ack, respond }) => {
    const openForm = deps.openForm;
    if ((command.text ?? '').trim() === '' && openForm && command.trigger_id) {
      // Acknowledged first: nothing waits for Slack before the ack. The trigger_id lives 3 s from the
      // user's command, so the form is opened right after, before anything slow.
      await ack();
      await openForm(command.trigger_id, command.user_id).catch(async (error: unknown) => {
        deps.logger.warn('could not open the request form', { error: String(error) });
        const usage = `Use \`${deps.slash} help\` to see the commands, and type the request instead.`;
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: `:warning: runwarden could not open the request form just now. ${usage}`,
        });
      });
      return;
    }
    const parsed = parseCommand(command.text ?? '', deps.slash);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: `:warning: ${parsed.error}\nUsage: \`${parsed.usage}\`` });
      return;
    }
    if (parsed.command.name === 'help') {
      await ack({ response_type: 'ephemeral', ...(await runCommand(parsed.command, { ...deps.context, user: command.user_id })) });
      return;
    }
    await ack();
    const run = async (): Promise<DeliveryReply> => {
      try {
        // Only what Slack shows is kept and sent (a reply's problem codes are for the request form).
        const { text, blocks } = await runCommand(parsed.command, { ...deps.context, user: command.user_id });
        return blocks === undefined ? { text } : { text, blocks };
      } catch (error) {
        const failure = asWardenError(error);
        deps.logger[severityOf(failure.code)]('slash command failed', {
          code: failure.code,
          error: failure.operatorMessage,
          user: command.user_id,
        });
        return refusal(userText(failure, deps.slash));
      }
    };
    let reply: DeliveryReply;
    try {
      reply = await answerOnce({ ledger: deps.deliveries, logger: deps.logger, now: deps.now }, command.trigger_id, run);
    } catch (error) {
      // The ledger itself failed: refuse rather than risk running the command twice.
      const failure = asWardenError(error);
      deps.logger.error('could not check the command delivery ledger', {
        code: failure.code,
        error: failure.operatorMessage,
        user: command.user_id,
      });
      reply = refusal(
        failure.code === ErrorCode.DatabaseUnavailable
          ? failure.userMessage
          : 'runwarden could not record this command; nothing was done. Please try again.',
      );
    }
    await respond({ response_type: 'ephemeral', replace_original: false, ...reply });
  });
}

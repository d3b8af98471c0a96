/**
 * The slash command: parse synchronously and answer a malformed command at
 * once (in the acknowledgement, so it is never lost); otherwise acknowledge
 * within Slack's 3 seconds and send the real answer to the response_url.
 */
import type { App } from '@slack/bolt';
import { parseCommand } from '../../../../commands/parse';
import { runCommand, type CommandContext } from '../../../../commands/run';
import { asWardenError } from '../../../domain/errors';
import type { Logger } from '../../../ports';
import { refusal } from '../views/refusal';

export function registerCommandListener(app: App, deps: { slash: string; logger: Logger; context: Omit<CommandContext, 'user'> }): void {
  app.command(deps.slash, async ({ command, ack, respond }) => {
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
    try {
      const reply = await runCommand(parsed.command, { ...deps.context, user: command.user_id });
      await respond({ response_type: 'ephemeral', replace_original: false, ...reply });
    } catch (error) {
      const failure = asWardenError(error);
      deps.logger.error('slash command failed', { code: failure.code, error: failure.operatorMessage, user: command.user_id });
      await respond({ response_type: 'ephemeral', replace_original: false, ...refusal(failure.userMessage) });
    }
  });
}

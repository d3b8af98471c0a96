/**
 * Tells whoever clicked a button why nothing happened: an ephemeral message
 * in the channel of the click; through the interaction's response_url when
 * chat.postEphemeral fails; as a DM when the click came from a surface with
 * neither (App Home).
 */
import type { RespondFn } from '@slack/bolt';
import type { ChatPort, Logger } from '../../../ports';
import { refusal } from '../views/refusal';

export function tellClicker(
  deps: { chat: ChatPort; logger: Logger },
  click: { user: string; channel?: string | undefined; respond?: RespondFn | undefined; requestId: string },
) {
  return async (text: string): Promise<void> => {
    const view = refusal(text);
    try {
      if (!click.channel) throw new Error('no channel in the payload');
      await deps.chat.ephemeral(click.channel, click.user, view);
    } catch {
      try {
        if (!click.respond) throw new Error('no response_url in the payload');
        await click.respond({ response_type: 'ephemeral', replace_original: false, text: view.text });
      } catch {
        await deps.chat
          .dm(click.user, view)
          .catch((error: unknown) =>
            deps.logger.warn('could not tell the clicker why', { requestId: click.requestId, error: String(error) }),
          );
      }
    }
  };
}

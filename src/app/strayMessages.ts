/**
 * A click on a message of a request that the request does not record as its
 * own: a copy posted by an attempt runwarden never learnt had reached Slack
 * (the post timed out on runwarden's side, and landed). The click itself is
 * handled like any other (the button carries only the request id; authority
 * is checked as always); the copy is then queued for removal in the
 * request's outbox, audited (`stray_message_clicked`, then
 * `duplicates_removed`), so no approval surface stays live and orphaned.
 */
import { isRecordedMessage } from '../domain/outbox';
import type { AppDeps } from './deps';
import type { Runner } from './runner';

export function createStrayMessages(deps: Pick<AppDeps, 'store' | 'logger'>, runner: Pick<Runner, 'run'>) {
  /** `channel`/`ts`: the message the button was on (the payload's container). Never throws. */
  return async function clicked(id: string, actor: string, channel: string, ts: string): Promise<void> {
    try {
      const request = await deps.store.get(id);
      if (!request || isRecordedMessage(request, channel, ts)) return;
      deps.logger.warn('a button was clicked on a copy of a request message; removing the copy', { requestId: id, channel, ts });
      await runner.run(id, { type: 'stray_message', actor, channel, ts });
    } catch (error) {
      deps.logger.warn('could not check the message a button was clicked on', {
        requestId: id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
}

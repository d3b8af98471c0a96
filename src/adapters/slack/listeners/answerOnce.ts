/**
 * One answer per slash command, however often Slack delivers it: the first
 * delivery claims its trigger_id in the ledger, runs the command and records
 * the reply; a duplicate (an HTTP retry with X-Slack-Retry-Num, a Socket Mode
 * redelivery) runs nothing and gets that same reply.
 */
import type { DeliveryLedger, DeliveryReply, Logger } from '../../../ports';

export interface AnswerOnceOptions {
  ledger: DeliveryLedger;
  logger: Logger;
  now: () => Date;
  /** how long a duplicate waits for the first delivery's reply, in ms */
  waitMs?: number;
  pollMs?: number;
}

const STILL_RUNNING: DeliveryReply = {
  text: 'Slack delivered this command more than once; runwarden is handling the first delivery, whose answer comes separately.',
};

/**
 * @param key the delivery's trigger_id (undefined: no dedupe possible, the command simply runs)
 * @param produce runs the command; must not throw (turn errors into a reply)
 */
export async function answerOnce(
  options: AnswerOnceOptions,
  key: string | undefined,
  produce: () => Promise<DeliveryReply>,
): Promise<DeliveryReply> {
  if (key === undefined || key === '') return produce();
  const { first } = await options.ledger.claim(key, options.now());
  if (first) {
    const reply = await produce();
    await options.ledger
      .record(key, reply)
      .catch((error: unknown) => options.logger.warn('could not record a command reply for its duplicates', { error: String(error) }));
    return reply;
  }
  options.logger.info('a slash command was delivered again; answering with the first delivery’s reply');
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  for (;;) {
    const reply = await options.ledger.reply(key);
    if (reply) return reply;
    if (Date.now() >= deadline) return STILL_RUNNING;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}

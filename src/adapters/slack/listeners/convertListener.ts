/**
 * The **Convert** button of a posture finding and its modal (SPEC §11). The
 * button opens the modal at once (views.open with the click's trigger_id,
 * before any other work); the submission is submitted exactly as
 * `/warden convert <finding> <reason…>` would be, and a refusal comes back
 * inline on the Reason (`response_action: "errors"`); a filed request is
 * confirmed by DM with the command's own answer. The finding id is checked
 * again by the submission (the button's value is never trusted). A
 * submission delivered twice (Slack redelivering an envelope it saw no
 * acknowledgement for, or the same signed body replayed within Slack's
 * 5-minute window) is claimed in the delivery ledger like the request form's
 * and files one conversion.
 */
import { z } from 'zod';
import { submitKind, type CommandContext, type Reply } from '../../../../commands';
import { asWardenError } from '../../../domain/errors';
import { isFindingId } from '../../../domain/posture/findingId';
import type { ChatPort, DeliveryLedger, Logger, ViewsPort } from '../../../ports';
import { CONVERT_OPEN_ACTION, CONVERT_REASON_BLOCK, CONVERT_VIEW } from '../ids';
import { CONVERT_INPUT_ACTION, convertModal } from '../views/convertModal';
import { firstDelivery, REFUSED, submissionKey } from './formListener';
import type { SlackListeners } from './slackListeners';
import { tellClicker } from './tellClicker';
import { inputValue, withinAck } from './viewState';

export interface ConvertListenerDeps {
  /** what the slash commands receive, but the user: a conversion is filed exactly as `/warden convert` files it */
  context: Omit<CommandContext, 'user'>;
  chat: ChatPort;
  views: ViewsPort;
  logger: Logger;
  slash: string;
  /** dedupes deliveries of one submission (same view, same values): a second delivery must not file a second conversion */
  deliveries?: DeliveryLedger | undefined;
  now?: (() => Date) | undefined;
}

const openClick = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ value: z.string().refine(isFindingId) })).min(1),
});
const submission = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({ id: z.string().optional(), private_metadata: z.string().refine(isFindingId), state: z.unknown() }),
});

export function registerConvertListener(app: SlackListeners, deps: ConvertListenerDeps): void {
  app.action(CONVERT_OPEN_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const parsed = openClick.safeParse(body);
    if (!parsed.success) return deps.logger.warn('ignored a malformed Convert click', {});
    const finding = parsed.data.actions[0]?.value ?? '';
    await deps.views.openView(parsed.data.trigger_id, convertModal(finding)).catch(async (error: unknown) => {
      deps.logger.warn('could not open the convert modal', { finding, error: String(error) });
      await tellClicker(deps, { user: parsed.data.user.id, respond, requestId: finding })(
        `Use \`${deps.slash} convert ${finding} <reason…>\` instead.`,
      );
    });
  });

  app.view(CONVERT_VIEW, async ({ ack, body }) => {
    const parsed = submission.safeParse(body);
    if (!parsed.success) return void (await ack());
    const { user, view } = parsed.data;
    const reason = (inputValue(view.state, CONVERT_REASON_BLOCK, CONVERT_INPUT_ACTION) ?? '').trim();
    if (reason === '')
      return void (await ack({
        response_action: 'errors',
        errors: { [CONVERT_REASON_BLOCK]: 'Give a reason: the approvers see it, and it is recorded.' },
      }));
    const key = deps.deliveries && view.id ? submissionKey(view.id, view.state) : undefined;
    if (key && deps.deliveries) {
      const seen = await firstDelivery(deps.deliveries, key, deps.now?.() ?? new Date()).catch(() => undefined);
      if (seen === undefined) {
        // The ledger itself failed: refuse rather than risk filing the conversion twice.
        return void (await ack({
          response_action: 'errors',
          errors: { [CONVERT_REASON_BLOCK]: 'runwarden could not record this submission; nothing was done. Please submit again.' },
        }));
      }
      if (!seen) {
        deps.logger.info('a convert submission was delivered again; the first delivery handles it', { finding: view.private_metadata });
        return void (await ack());
      }
    }
    const work = submitKind('convert', { finding: view.private_metadata, reason }, { ...deps.context, user: user.id }).catch(
      (error: unknown): Reply => {
        const failure = asWardenError(error);
        deps.logger.error('convert from the modal failed', {
          finding: view.private_metadata,
          code: failure.code,
          error: failure.operatorMessage,
        });
        return { text: failure.userMessage, problem: { code: failure.code } };
      },
    );
    if (key && deps.deliveries) {
      const ledger = deps.deliveries;
      void work
        .then((reply) => ledger.record(key, { text: reply.problem ? `${REFUSED} ${reply.text}` : reply.text }))
        .catch((error: unknown) => deps.logger.warn('could not record a convert submission for its duplicates', { error: String(error) }));
    }
    const early = await withinAck(work);
    if (early?.problem)
      return void (await ack({ response_action: 'errors', errors: { [CONVERT_REASON_BLOCK]: early.text.replace(/^:no_entry: /, '') } }));
    await ack();
    try {
      await deps.chat.dm(user.id, await work);
    } catch (error) {
      deps.logger.error('could not confirm a conversion by DM', {
        finding: view.private_metadata,
        error: asWardenError(error).operatorMessage,
      });
    }
  });
}

/**
 * The **Extend** button and its modal. The button opens the modal at once
 * (views.open with the click's trigger_id, before any other work); the
 * submission is checked by the `/warden extend` command's own argument schema
 * and then by the state machine, and every problem comes back inline
 * (`response_action: "errors"`, keyed by the block). A valid extension is put
 * up for decision and the requester gets the command's confirmation by DM.
 */
import type { SlackListeners } from './slackListeners';
import { z } from 'zod';
import { extendArgsSchema as argsSchema, extensionReply } from '../../../../commands';
import { asWardenError, severityOf } from '../../../domain/errors';
import { RefusedError } from '../../../domain/authority/refusedError';
import { userText } from '../views/refusalText';
import { isRequestId } from '../../../domain/requestId';
import type { ChatPort, Logger, ViewsPort } from '../../../ports';
import type { RunResult } from '../../../app/runner';
import { EXTEND_DURATION_BLOCK, EXTEND_OPEN_ACTION, EXTEND_REASON_BLOCK, EXTEND_VIEW } from '../ids';
import { INPUT_ACTION, extendModal } from '../views/extendModal';
import { inputValue, withinAck } from './viewState';
import { tellClicker } from './tellClicker';

export interface ExtendListenerDeps {
  extend: (id: string, actor: string, durationSeconds: number, reason: string) => Promise<RunResult>;
  chat: ChatPort;
  views: ViewsPort;
  logger: Logger;
  /** the configured slash command (WARDEN_SLASH_COMMAND), named in what people read */
  slash: string;
}

const openClick = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1),
  actions: z.array(z.object({ value: z.string().refine(isRequestId) })).min(1),
});
const submission = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({ private_metadata: z.string().refine(isRequestId), state: z.unknown() }),
});

/** Which block shows a problem from the extend schema or the state machine. */
const FIELD_BLOCKS: Record<string, string> = { durationSeconds: EXTEND_DURATION_BLOCK, reason: EXTEND_REASON_BLOCK };

export function registerExtendListener(app: SlackListeners, deps: ExtendListenerDeps): void {
  app.action(EXTEND_OPEN_ACTION, async ({ ack, body, respond }) => {
    await ack();
    const parsed = openClick.safeParse(body);
    if (!parsed.success) return deps.logger.warn('ignored a malformed Extend click', {});
    const id = parsed.data.actions[0]?.value ?? '';
    await deps.views.openView(parsed.data.trigger_id, extendModal(id)).catch(async (error: unknown) => {
      deps.logger.warn('could not open the extend modal', { requestId: id, error: String(error) });
      await tellClicker(deps, { user: parsed.data.user.id, respond, requestId: id })(
        `Use \`${deps.slash} extend ${id} <duration> <reason…>\` instead.`,
      );
    });
  });

  app.view(EXTEND_VIEW, async ({ ack, body }) => {
    const parsed = submission.safeParse(body);
    if (!parsed.success) return void (await ack());
    const { user, view } = parsed.data;
    const raw = {
      id: view.private_metadata,
      durationSeconds: inputValue(view.state, EXTEND_DURATION_BLOCK, INPUT_ACTION),
      reason: inputValue(view.state, EXTEND_REASON_BLOCK, INPUT_ACTION),
    };
    const args = argsSchema.safeParse({ ...raw, reason: (raw.reason ?? '').split(/\s+/).filter(Boolean) });
    if (!args.success) {
      const errors: Record<string, string> = {};
      for (const issue of args.error.issues) errors[FIELD_BLOCKS[String(issue.path[0])] ?? EXTEND_REASON_BLOCK] ??= issue.message;
      return void (await ack({ response_action: 'errors', errors }));
    }
    const { id, durationSeconds, reason } = args.data;
    const work = deps.extend(id, user.id, durationSeconds, reason).catch((error: unknown): RunResult => {
      // an unexpected failure is logged before the person is told
      const failure = asWardenError(error);
      deps.logger[severityOf(failure.code)]('extend from the modal failed', {
        requestId: id,
        code: failure.code,
        error: failure.operatorMessage,
      });
      return { outcome: { ok: false, error: failure } };
    });
    const early = await withinAck(work);
    if (early && !early.outcome.ok) {
      const { error } = early.outcome;
      const block =
        error instanceof RefusedError && error.refusal.code === 'extension_too_long' ? EXTEND_DURATION_BLOCK : EXTEND_REASON_BLOCK;
      return void (await ack({ response_action: 'errors', errors: { [block]: userText(early.outcome.error) } }));
    }
    await ack();
    try {
      await deps.chat.dm(user.id, extensionReply(await work));
    } catch (error) {
      deps.logger.error('extend from the modal failed', { requestId: id, error: asWardenError(error).operatorMessage });
    }
  });
}

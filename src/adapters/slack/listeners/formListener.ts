/**
 * The request form: `/warden` with no arguments opens it (views.open with the
 * command's trigger_id, before anything slow); choosing a Kind redraws it
 * (views.update, in the order of the choices: the last one wins, see
 * viewRedraws.ts); typing in Target is answered from block_suggestion
 * payloads; a submission is validated by the subcommand's own argument
 * schema and then submitted by the subcommand's own handler, exactly as the
 * slash command is. Problems come back inline (`response_action: "errors"`,
 * keyed by block); a valid request is posted for approval and the requester
 * gets the command's confirmation by DM.
 */
import type { SlackListeners } from './slackListeners';
import { z } from 'zod';
import { submitKind, type CommandContext, type Problem, type Reply } from '../../../../commands';
import { FORM_KINDS, kindOf } from '../../../kinds/registry';
import type { RequestKind } from '../../../domain/request';
import type { RefusalCode } from '../../../domain/authority/refusal';
import { ErrorCode, asWardenError, severityOf } from '../../../domain/errors';
import { createHash } from 'node:crypto';
import type { DeliveryLedger, Logger, ViewsPort, ChatPort } from '../../../ports';
import { refusal } from '../views/refusal';
import type { FormHints } from '../views/requestForm';
import { requestForm } from '../views/requestForm';
import {
  FORM_DURATION_BLOCK,
  FORM_KIND_ACTION,
  FORM_KIND_BLOCK,
  FORM_REASON_BLOCK,
  FORM_SETTING_BLOCK,
  FORM_TARGET_ACTION,
  FORM_TARGET_BLOCK,
  FORM_VIEW,
} from '../ids';
import { INPUT_ACTION } from '../views/extendModal';
import { createViewRedraws } from './viewRedraws';
import { inputValue, withinAck } from './viewState';

export interface FormDeps {
  context: Omit<CommandContext, 'user'>;
  /** Target options for what `user` typed: only targets a rule lets them ask for (none for someone who may ask for nothing) */
  suggest: (user: string, kind: RequestKind | undefined, typed: string) => Promise<Array<{ text: string; value: string }>>;
  hints: (kind: RequestKind) => FormHints;
  views: ViewsPort;
  chat: ChatPort;
  logger: Logger;
  /**
   * dedupes deliveries of one submission: Slack sends an envelope again when it saw no
   * acknowledgement (a Socket Mode connection dropped mid-way), and a second delivery must not file a second request
   */
  deliveries?: DeliveryLedger | undefined;
  now?: (() => Date) | undefined;
}

/** One submission of one modal with these values: a redelivery has the same key, a corrected resubmission another. */
export function submissionKey(viewId: string, state: unknown): string {
  return `view_submission:${viewId}:${createHash('sha256')
    .update(JSON.stringify(state ?? null))
    .digest('hex')}`;
}

/** how a refused submission's reply starts, as the delivery ledger records it */
export const REFUSED = ':no_entry:';

/** The kind a form value names, when the form offers it. */
const kindNamed = (text: unknown): RequestKind | undefined => FORM_KINDS.find((k) => k.kind === text)?.kind;
const viewPayload = z.object({
  user: z.object({ id: z.string().min(1) }),
  view: z.object({
    id: z.string().optional(),
    callback_id: z.string().optional(),
    private_metadata: z.string().optional(),
    state: z.unknown(),
  }),
});

/** Which block shows a problem with each argument of the subcommands' schemas. */
const FIELD_BLOCKS: Record<string, string> = {
  service: FORM_TARGET_BLOCK,
  key: FORM_TARGET_BLOCK,
  value: FORM_SETTING_BLOCK,
  durationSeconds: FORM_DURATION_BLOCK,
  reason: FORM_REASON_BLOCK,
};

/** What Slack shows of a reply (its problem codes are for the form alone). */
function shown(reply: Reply): { text: string; blocks?: unknown[] } {
  return reply.blocks === undefined ? { text: reply.text } : { text: reply.text, blocks: reply.blocks };
}

/** Refusals about how long. */
const DURATION_REFUSALS: ReadonlySet<RefusalCode> = new Set<RefusalCode>([
  'duration_required',
  'duration_not_allowed',
  'duration_too_long',
  'duration_too_short',
  'break_glass_too_long',
]);

/** The block a refused submission's problem concerns, by its codes (never by its words). */
function blockOf(kind: RequestKind, problem: Problem | undefined): string {
  if (problem?.refusal !== undefined && DURATION_REFUSALS.has(problem.refusal)) return FORM_DURATION_BLOCK;
  if (problem?.refusal === 'reason_rejected') return FORM_REASON_BLOCK;
  // what Google shows about the service's setting (already set, no VPC access…) concerns the Setting
  if (problem?.code === ErrorCode.Precondition && (kindOf(kind).form?.settings?.length ?? 0) > 0) return FORM_SETTING_BLOCK;
  return FORM_TARGET_BLOCK;
}

/** Form values → the subcommand's arguments, validated by its own schema; or the problems keyed by block. */
function parseForm(
  kind: RequestKind,
  state: unknown,
): { ok: true; run: (ctx: CommandContext) => Promise<Reply> } | { ok: false; errors: Record<string, string> } {
  const target = inputValue(state, FORM_TARGET_BLOCK, FORM_TARGET_ACTION);
  const setting = inputValue(state, FORM_SETTING_BLOCK, INPUT_ACTION);
  const duration = inputValue(state, FORM_DURATION_BLOCK, INPUT_ACTION);
  // an empty or whitespace-only Reason is no words: the schema's own "Give a reason" message answers it
  const reason = (inputValue(state, FORM_REASON_BLOCK, INPUT_ACTION) ?? '').split(/\s+/).filter(Boolean);
  const errors: Record<string, string> = {};
  // The kind's own schema, shared with its slash command: the same checks, the same messages.
  const { command } = kindOf(kind);
  const parsed = command.argsSchema.safeParse(command.fromForm({ target, setting, duration, reason }));
  if (parsed.success) return { ok: true, run: (ctx) => submitKind(kind, parsed.data, ctx) };
  for (const issue of parsed.error.issues) errors[FIELD_BLOCKS[String(issue.path[0])] ?? FORM_TARGET_BLOCK] ??= issue.message;
  return { ok: false, errors };
}

/** A Kind choice: the view as the user's client has it (id, hash, state) and when they chose (`action_ts`). */
const kindChoice = viewPayload.extend({
  view: z.object({ id: z.string().min(1), hash: z.string().optional(), state: z.unknown() }),
  actions: z.array(z.looseObject({ action_ts: z.string().optional() })).optional(),
});

export function registerFormListener(app: SlackListeners, deps: FormDeps): void {
  const redraws = createViewRedraws({ views: deps.views, logger: deps.logger });

  app.action(FORM_KIND_ACTION, async ({ ack, body }) => {
    await ack();
    const parsed = kindChoice.safeParse(body);
    const kind = parsed.success ? kindNamed(inputValue(parsed.data.view.state, FORM_KIND_BLOCK, FORM_KIND_ACTION)) : undefined;
    if (!parsed.success || !kind) return;
    const { view, actions } = parsed.data;
    await redraws.redraw({
      viewId: view.id,
      hash: view.hash,
      actionTs: actions?.[0]?.action_ts,
      render: () => requestForm(kind, deps.hints(kind)),
    });
  });

  app.options(FORM_TARGET_ACTION, async ({ ack, body }) => {
    const parsed = viewPayload.extend({ value: z.string().max(200) }).safeParse(body);
    // Only runwarden's own request form gets options.
    if (!parsed.success || parsed.data.view.callback_id !== FORM_VIEW) return void (await ack({ options: [] }));
    const { view, value, user } = parsed.data;
    const kind = kindNamed(view.private_metadata) ?? kindNamed(inputValue(view.state, FORM_KIND_BLOCK, FORM_KIND_ACTION));
    const options = await deps.suggest(user.id, kind, value).catch((error: unknown) => {
      deps.logger.warn('could not list targets for the request form', { error: String(error) });
      return [];
    });
    await ack({ options: options.map((o) => ({ text: { type: 'plain_text' as const, text: o.text }, value: o.value })) });
  });

  app.view(FORM_VIEW, async ({ ack, body }) => {
    const parsed = viewPayload.safeParse(body);
    if (!parsed.success) return void (await ack());
    const { user, view } = parsed.data;
    const kind = kindNamed(inputValue(view.state, FORM_KIND_BLOCK, FORM_KIND_ACTION));
    if (!kind) return void (await ack({ response_action: 'errors', errors: { [FORM_KIND_BLOCK]: 'Choose what you are asking for.' } }));
    const form = parseForm(kind, view.state);
    if (!form.ok) return void (await ack({ response_action: 'errors', errors: form.errors }));
    const key = deps.deliveries && view.id ? submissionKey(view.id, view.state) : undefined;
    if (key && deps.deliveries) {
      const seen = await firstDelivery(deps.deliveries, key, deps.now?.() ?? new Date()).catch(() => undefined);
      if (seen === undefined) {
        // The ledger itself failed: refuse rather than risk filing the request twice.
        return void (await ack({
          response_action: 'errors',
          errors: { [FORM_TARGET_BLOCK]: 'runwarden could not record this submission; nothing was done. Please submit again.' },
        }));
      }
      if (!seen) {
        deps.logger.info('a request form submission was delivered again; the first delivery handles it');
        return void (await ack());
      }
    }
    const work = form.run({ ...deps.context, user: user.id }).catch((error: unknown): Reply => {
      // an unexpected failure is logged before the person is told
      const failure = asWardenError(error);
      deps.logger[severityOf(failure.code)]('request form submission failed', {
        code: failure.code,
        error: failure.operatorMessage,
        user: user.id,
      });
      return { ...refusal(failure.userMessage), problem: { code: failure.code } };
    });
    if (key && deps.deliveries) {
      const ledger = deps.deliveries;
      void work
        .then((reply) => ledger.record(key, shown(reply)))
        .catch((error: unknown) => deps.logger.warn('could not record a form submission for its duplicates', { error: String(error) }));
    }
    const early = await withinAck(work);
    if (early?.problem !== undefined) {
      const text = early.text.replace(/^:no_entry: /, '').slice(0, 2000);
      return void (await ack({ response_action: 'errors', errors: { [blockOf(kind, early.problem)]: text } }));
    }
    await ack();
    await deps.chat
      .dm(user.id, shown(await work))
      .catch((error: unknown) => deps.logger.warn('could not confirm a form request', { error: String(error) }));
  });
}

/**
 * Whether this delivery of a submission should run: the first one does; a
 * duplicate does only if the first was refused (nothing was filed, so judging
 * it again is safe), never while the first is still running or once it filed.
 */
export async function firstDelivery(ledger: DeliveryLedger, key: string, now: Date): Promise<boolean> {
  if ((await ledger.claim(key, now)).first) return true;
  const earlier = await ledger.reply(key);
  return earlier?.text.startsWith(REFUSED) === true;
}

/**
 * `warden form` and `warden suggest`: the request form driven as Slack would.
 * `form` sends a signed `/warden` with no text (Slack adds a trigger_id), waits
 * for the modal the bot opens (views.open on the stand-in), chooses the Kind
 * (a block_actions from the dispatch_action select, answered by views.update),
 * and submits a view_submission whose `view.state.values` carry the typed
 * values as Slack sends them. Inline errors (`response_action: "errors"`) or
 * the confirmation DM are printed. `suggest` sends a block_suggestion for the
 * Target external_select and prints the options. Payload shapes: Slack's
 * view_submission / block_suggestion / block_actions references.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  FORM_DURATION_BLOCK,
  FORM_KIND_ACTION,
  FORM_KIND_BLOCK,
  FORM_REASON_BLOCK,
  FORM_SETTING_BLOCK,
  FORM_TARGET_ACTION,
  FORM_TARGET_BLOCK,
  FORM_VIEW,
} from '../../src/adapters/slack/ids';
import { blockSuggestionBody, FORM_CONTENT_TYPE, slashCommandBody, viewSelectBody, viewSubmissionBody } from '../sandbox/slackPayloads';
import { renderView } from './renderView';
import { postSigned, readViewState, waitForView, type Out, type SlackSandbox } from './sandboxSlack';

export type Modal = { id: string; view: Record<string, unknown> };

/** The form's fields as `--kind X --target Y --setting Z --duration D --reason R` (also `--flag=value`). */
export function formFields(words: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const match = /^--(kind|target|setting|duration|reason)(?:=(.*))?$/s.exec(word);
    if (!match?.[1]) throw new Error(`unexpected "${word}" (form takes --kind, --target, --setting, --duration, --reason)`);
    const value = match[2] ?? words[(i += 1)];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    fields[match[1]] = value;
  }
  return fields;
}

/** `warden form [--kind … --target … …]`: opens the form; with --kind, fills and submits it. Exit code. */
export async function form(sandbox: SlackSandbox, words: string[], user: string, io: Out): Promise<number> {
  const fields = formFields(words);
  const modal = await openForm(sandbox, user, io, fields.kind);
  if (!modal) return 1;
  if (!fields.kind) {
    io.out(renderView(`modal ${modal.id}`, modal.view));
    return 0;
  }
  io.out(
    `${user} submits the form: ${Object.entries(fields)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ')}`,
  );
  const values = {
    [FORM_KIND_BLOCK]: fields.kind,
    [FORM_TARGET_BLOCK]: fields.target,
    [FORM_SETTING_BLOCK]: fields.setting,
    [FORM_DURATION_BLOCK]: fields.duration,
    [FORM_REASON_BLOCK]: fields.reason,
  };
  return submitModal(sandbox, user, modal, values, io);
}

/**
 * Submits an open modal as Slack does (a view_submission with `values`, block id → text or option value), then
 * prints its inline errors, or the confirmation DM the bot sends. Exit code: 0 when the bot answered either way.
 */
export async function submitModal(
  sandbox: SlackSandbox,
  user: string,
  modal: Modal,
  values: Record<string, string | undefined>,
  io: Out,
): Promise<number> {
  const before = await readViewState(sandbox);
  const dmCount = (s: typeof before): number =>
    s.messages.filter((m) => m.channel === `D${user}`).reduce((n, m) => n + 1 + m.history.length, 0);
  const answer = await postSigned(
    sandbox,
    viewSubmissionBody({ userId: user, view: modal.view, viewId: modal.id, values }),
    FORM_CONTENT_TYPE,
    io,
  );
  if (answer.status !== 200) return 1;
  const errors = z
    .object({ response_action: z.literal('errors'), errors: z.record(z.string(), z.string()) })
    .safeParse(parseJson(answer.text));
  if (errors.success) {
    for (const [block, message] of Object.entries(errors.data.errors)) io.out(`  error in ${labelOf(modal.view, block)}: ${message}`);
    // The bot answered (a refusal is its answer, as in Slack): exit 0, like a refused slash command.
    return 0;
  }
  const after = await waitForView(sandbox, (s) => dmCount(s) > dmCount(before));
  const context = { now: new Date(), users: after.state.users };
  for (const m of after.state.messages.filter((x) => x.channel === `D${user}`).slice(-1)) {
    io.out(
      renderView(`DM to ${user}`, { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: m.text } }, ...(m.blocks ?? [])] }, context),
    );
  }
  if (!after.met) io.err('(no confirmation DM within 10 s)');
  return after.met ? 0 : 1;
}

/** `warden suggest <kind> <text>`: the Target options the bot offers for `text` in a fresh form. Exit code. */
export async function suggest(sandbox: SlackSandbox, kind: string, text: string, user: string, io: Out): Promise<number> {
  const modal = await openForm(sandbox, user, io, kind);
  if (!modal) return 1;
  io.out(`${user} types "${text}" into Target`);
  const body = blockSuggestionBody({
    userId: user,
    view: modal.view,
    viewId: modal.id,
    blockId: FORM_TARGET_BLOCK,
    actionId: FORM_TARGET_ACTION,
    value: text,
    values: { [FORM_KIND_BLOCK]: kind },
  });
  const answer = await postSigned(sandbox, body, FORM_CONTENT_TYPE, io);
  const option = z.object({ text: z.object({ text: z.string() }), value: z.string() });
  const parsed = z.object({ options: z.array(option) }).safeParse(parseJson(answer.text));
  if (answer.status !== 200 || !parsed.success) return 1;
  io.out(parsed.data.options.length ? 'options:' : 'no options');
  for (const o of parsed.data.options) io.out(`  ${o.text.text}${o.value === o.text.text ? '' : `  (${o.value})`}`);
  return 0;
}

/** Sends `/warden` with no text, waits for the opened form; with `kind`, chooses it and waits for the update. */
async function openForm(sandbox: SlackSandbox, user: string, io: Out, kind: string | undefined): Promise<Modal | undefined> {
  const before = (await readViewState(sandbox)).modals.length;
  const responseUrl = `${sandbox.slackStandInUrl}/response/cli-${randomBytes(4).toString('hex')}`;
  io.out(`${user}: ${sandbox.slashCommand}`);
  const answer = await postSigned(
    sandbox,
    slashCommandBody({ command: sandbox.slashCommand, text: '', userId: user, teamId: sandbox.teamId, responseUrl }),
    FORM_CONTENT_TYPE,
    io,
  );
  if (answer.status !== 200) return undefined;
  const opened = await waitForView(sandbox, (s) => s.modals.slice(before).some((m) => m.view.callback_id === FORM_VIEW));
  const modal = opened.state.modals.slice(before).find((m) => m.view.callback_id === FORM_VIEW);
  if (!modal) return void io.err('(the bot opened no request form within 10 s)');
  if (!kind) return modal;
  const versions = modal.history.length;
  await postSigned(
    sandbox,
    viewSelectBody({ userId: user, view: modal.view, viewId: modal.id, blockId: FORM_KIND_BLOCK, actionId: FORM_KIND_ACTION, value: kind }),
    FORM_CONTENT_TYPE,
    io,
  );
  const updated = await waitForView(sandbox, (s) => (s.modals.find((m) => m.id === modal.id)?.history.length ?? 0) > versions);
  if (!updated.met) io.err(`(the form was not updated for kind ${kind} within 10 s)`);
  return updated.state.modals.find((m) => m.id === modal.id) ?? modal;
}

function labelOf(view: Record<string, unknown>, blockId: string): string {
  const blocks = z
    .array(z.looseObject({ block_id: z.string().optional(), label: z.object({ text: z.string() }).optional() }))
    .safeParse(view.blocks);
  return (blocks.success ? blocks.data.find((b) => b.block_id === blockId)?.label?.text : undefined) ?? blockId;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `warden home` and `warden home-click`: App Home driven as Slack would.
 * `home` posts a signed `app_home_opened` event (Events API, JSON) and prints
 * the view the bot publishes for that user (views.publish on the stand-in).
 * `home-click` clicks a button of that published view: a block_actions whose
 * container is the home view (`container.type: "view"`, no response_url), then
 * prints what changed: the home, opened modals, posted or updated messages.
 * `home-click extend <id> --duration D --reason R` then submits the Extend
 * modal the click opened, as the user would.
 */
import { z } from 'zod';
import {
  APPROVE_ACTION,
  CANCEL_ACTION,
  DENY_ACTION,
  EXTEND_DURATION_BLOCK,
  EXTEND_OPEN_ACTION,
  EXTEND_REASON_BLOCK,
  EXTEND_VIEW,
  REVIEW_ACTION,
  REVOKE_ACTION,
} from '../../src/adapters/slack/ids';
import { submitModal } from './formCommands';
import { appHomeOpenedBody, blockActionsBody, FORM_CONTENT_TYPE, JSON_CONTENT_TYPE } from '../sandbox/slackPayloads';
import { renderView } from './renderView';
import { renderSlackText } from './slackText';
import { postSigned, readViewState, waitForView, type Out, type SlackSandbox, type ViewState } from './sandboxSlack';

/** Short names for the Home buttons; any other word is taken as an action id. */
export const HOME_ACTIONS: Record<string, string> = {
  approve: APPROVE_ACTION,
  deny: DENY_ACTION,
  cancel: CANCEL_ACTION,
  extend: EXTEND_OPEN_ACTION,
  revoke: REVOKE_ACTION,
  review: REVIEW_ACTION,
};

/** `warden home --user U…`: opens the Home tab and prints the published view. Exit code. */
export async function home(sandbox: SlackSandbox, user: string, io: Out): Promise<number> {
  const before = JSON.stringify((await readViewState(sandbox)).homes[user] ?? null);
  io.out(`${user} opens the App Home`);
  const answer = await postSigned(sandbox, appHomeOpenedBody({ userId: user, teamId: sandbox.teamId }), JSON_CONTENT_TYPE, io);
  if (answer.status !== 200) return 1;
  const published = await waitForView(
    sandbox,
    (s) => s.homes[user] !== undefined && JSON.stringify(s.homes[user]) !== before,
    before === 'null' ? 10_000 : 3000,
  );
  const view = published.state.homes[user];
  if (!view) {
    io.err(`(no home published for ${user} within 10 s)`);
    return 1;
  }
  io.out(renderView(`App Home of ${user}${published.met ? '' : ' (unchanged)'}`, view, { now: new Date(), users: published.state.users }));
  return 0;
}

/** `--duration D --reason R` (also `--flag=value`) for the Extend modal. */
function extendFields(words: string[]): { duration?: string; reason?: string } | undefined {
  if (words.length === 0) return undefined;
  const fields: { duration?: string; reason?: string } = {};
  for (let i = 0; i < words.length; i += 1) {
    const match = /^--(duration|reason)(?:=(.*))?$/s.exec(words[i] ?? '');
    if (!match?.[1]) throw new Error(`unexpected "${words[i]}" (home-click extend takes --duration and --reason)`);
    const value = match[2] ?? words[(i += 1)];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    fields[match[1] as 'duration' | 'reason'] = value;
  }
  return fields;
}

/**
 * `warden home-click <action> <request id> [--duration D --reason R] --user U…`: clicks that button in the user's
 * published home; for extend with fields, also fills and submits the Extend modal the click opens. Exit code.
 */
export async function homeClick(
  sandbox: SlackSandbox,
  action: string,
  id: string,
  words: string[],
  user: string,
  io: Out,
): Promise<number> {
  const actionId = HOME_ACTIONS[action] ?? action;
  const fields = extendFields(words);
  if (fields && actionId !== EXTEND_OPEN_ACTION) throw new Error(`only home-click extend takes --duration and --reason`);
  const before = await readViewState(sandbox);
  const button = buttonsOf(before.homes[user]).find((b) => b.actionId === actionId && b.value === id);
  if (!button) {
    io.err(`no ${action} button for ${id} in ${user}'s App Home (run \`warden home --user ${user}\` first)`);
    return 1;
  }
  io.out(`${user} clicks "${button.text}" on ${id} in the App Home`);
  const body = blockActionsBody({
    userId: user,
    actionId,
    value: id,
    blockId: button.blockId,
    buttonText: button.text,
    viewId: `VH${user}`,
    teamId: sandbox.teamId,
  });
  const answer = await postSigned(sandbox, body, FORM_CONTENT_TYPE, io);
  if (answer.status !== 200) return 1;
  const fingerprint = (s: ViewState): string => JSON.stringify([s.homes[user], s.modals, s.messages, s.ephemerals.length]);
  const after = await waitForView(sandbox, (s) => fingerprint(s) !== fingerprint(before));
  printChanges(before, after.state, user, io);
  if (!after.met) io.err('(the bot did not answer the click within 10 s)');
  if (!after.met || !fields) return after.met ? 0 : 1;
  const modal = after.state.modals
    .slice(before.modals.length)
    .find((m) => m.view.callback_id === EXTEND_VIEW && m.view.private_metadata === id);
  if (!modal) {
    io.err(`(the click opened no Extend modal for ${id})`);
    return 1;
  }
  io.out(
    `${user} submits the Extend modal: duration=${JSON.stringify(fields.duration ?? '')} reason=${JSON.stringify(fields.reason ?? '')}`,
  );
  return submitModal(sandbox, user, modal, { [EXTEND_DURATION_BLOCK]: fields.duration, [EXTEND_REASON_BLOCK]: fields.reason }, io);
}

function printChanges(before: ViewState, after: ViewState, user: string, io: Out): void {
  const context = { now: new Date(), users: after.users };
  for (const m of after.modals) {
    const old = before.modals.find((x) => x.id === m.id);
    if (!old || old.history.length !== m.history.length) io.out(renderView(`modal ${m.id} ${old ? 'updated' : 'opened'}`, m.view, context));
  }
  for (const e of after.ephemerals.slice(before.ephemerals.length)) io.out(`[ephemeral to ${e.user}] ${renderSlackText(e.text, context)}`);
  for (const m of after.messages) {
    const old = before.messages.find((x) => x.channel === m.channel && x.ts === m.ts);
    if (old && old.history.length === m.history.length) continue;
    io.out(
      renderView(
        `${old ? 'updated' : 'posted'} ${m.channel.startsWith('D') ? `DM to ${m.channel.slice(1)}` : `#${m.channel}`} ${m.ts}`,
        { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: m.text } }, ...(m.blocks ?? [])] },
        context,
      ),
    );
  }
  const homeNow = after.homes[user];
  if (homeNow && JSON.stringify(homeNow) !== JSON.stringify(before.homes[user]))
    io.out(renderView(`App Home of ${user} (republished)`, homeNow, context));
}

interface HomeButton {
  actionId: string;
  value: string;
  blockId: string | undefined;
  text: string;
}

const buttonSchema = z.looseObject({
  type: z.literal('button'),
  action_id: z.string(),
  value: z.string(),
  text: z.looseObject({ text: z.string() }).optional(),
});
const blockSchema = z.looseObject({
  block_id: z.string().optional(),
  elements: z.array(z.unknown()).optional(),
  accessory: z.unknown().optional(),
});

function buttonsOf(view: Record<string, unknown> | undefined): HomeButton[] {
  const blocks = z.array(z.unknown()).safeParse(view?.blocks).data ?? [];
  return blocks.flatMap((raw) => {
    const block = blockSchema.safeParse(raw).data;
    if (!block) return [];
    return [...(block.elements ?? []), block.accessory].flatMap((element) => {
      const button = buttonSchema.safeParse(element).data;
      return button
        ? [{ actionId: button.action_id, value: button.value, blockId: block.block_id, text: button.text?.text ?? button.action_id }]
        : [];
    });
  });
}

/**
 * `warden` — drives a running sandbox (`npm start` without Slack config) the
 * way Slack would: signed slash commands and button clicks to the bot's
 * `/slack/events`, replies read back from the local Slack stand-in, and the
 * sweep called with a stand-in OIDC token.
 *
 *   npm run -s warden -- "invoker hello 30m debugging" --user U0ALICE
 *   npm run -s warden -- approve <id> --user U0BOB
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { postToSlackEndpoint } from '../sandbox/slackSigner';
import { form, suggest } from './formCommands';
import { home, homeClick } from './homeCommands';
import { renderView } from './renderView';
import { readViewState, waitForView } from './sandboxSlack';
import {
  blockActionsBody,
  FORM_CONTENT_TYPE,
  SANDBOX_SLACK_DEFAULTS,
  slashCommandBody,
  viewSubmissionBody,
} from '../sandbox/slackPayloads';
import {
  DECISION_REASON_BLOCK,
  DECISION_REASON_VIEW,
  DENY_WITH_REASON_ACTION,
  EXTENSION_DENY_WITH_REASON_ACTION,
} from '../../src/adapters/slack/ids';
import { describeAnswer } from './describeAnswer';
import { messageFilter, selectMessages, type MessageFilter } from './messageFilter';
import { renderSlackText, type SlackTextContext } from './slackText';

export const USAGE = `usage:
  warden "<text after /warden>" [--user U…]   send a slash command (default user: the sandbox's requester)
  warden approve <request id> [--user U…]     click Approve on the request's message (default: the sandbox's approver);
                                              <request id>.<n> for its extension n
  warden deny <request id> [--user U…]        click Deny (<request id>.<n> for an extension)
  warden deny <request id> --reason "<text>" [--user U…]
                                              click "Deny with reason…" (App Home) and submit its modal with that reason
  warden review <request id> [--user U…]      click Review on a break-glass announcement
  warden form [--kind K --target T --setting S --duration D --reason R] [--user U…]
                                              open the request form; with --kind, fill and submit it
  warden suggest <kind> <text> [--user U…]    the Target options the form offers for <text>
  warden home [--user U…]                     open the App Home and print the published view
  warden home-click <action> <id> [--user U…] click approve|deny|cancel|extend|revoke|review (or an action id) in the App Home;
                                              extend [--duration D --reason R] also fills and submits the Extend modal
  warden messages [<request id>] [--user U…] [--since <duration|time>]
                                              what the bot posted: channel messages (thread replies marked), DMs,
                                              ephemerals, modals, App Homes; only those about one request, those a
                                              user received or is mentioned in, or those since 10m ago / an RFC 3339 time
  warden "" [--user U…]                       an empty command opens the request form, as /warden alone does
  warden sweep                                run the scheduled sweep now (POST /jobs/sweep with an OIDC token)
  warden show <service | ring/key>            a demo service's settings and IAM bindings, or a key's primary version
options: --sandbox FILE (default .sandbox/sandbox.json), --help`;

const sandboxFileSchema = z.object({
  botUrl: z.string().min(1),
  signingSecret: z.string().min(1),
  slashCommand: z.string().min(1).default('/warden'),
  slackStandInUrl: z.string().min(1),
  teamId: z.string().default(SANDBOX_SLACK_DEFAULTS.teamId),
  defaultUser: z.string().default('U0ALICE'),
  defaultApprover: z.string().default('U0BOB'),
  oidc: z.object({ mintUrl: z.string().optional() }).optional(),
  /** host:port of the sandbox's Cloud Run/KMS emulator */
  emulator: z.string().optional(),
});
type Sandbox = z.infer<typeof sandboxFileSchema>;

const textObject = z.looseObject({ text: z.string() });
const elementSchema = z.looseObject({
  type: z.string(),
  text: z.union([z.string(), textObject]).optional(),
  action_id: z.string().optional(),
  value: z.string().optional(),
});
const blockSchema = z.looseObject({
  type: z.string(),
  block_id: z.string().optional(),
  text: textObject.optional(),
  fields: z.array(textObject).optional(),
  elements: z.array(elementSchema).optional(),
  accessory: elementSchema.optional(),
});
const messageSchema = z.object({
  channel: z.string(),
  ts: z.string(),
  text: z.string(),
  blocks: z.array(z.unknown()).optional(),
  threadTs: z.string().optional(),
  postedAt: z.string(),
  history: z.array(z.looseObject({ at: z.string().optional() })),
});
const stateSchema = z.object({
  messages: z.array(messageSchema),
  ephemerals: z.array(
    z.object({ channel: z.string(), user: z.string(), text: z.string(), blocks: z.array(z.unknown()).optional(), postedAt: z.string() }),
  ),
  responses: z.array(
    z.object({ tag: z.string(), body: z.looseObject({ text: z.string().optional(), blocks: z.array(z.unknown()).optional() }) }),
  ),
  /** Slack user id → name, for rendering mentions */
  users: z.record(z.string(), z.string()).default({}),
});
type State = z.infer<typeof stateSchema>;
type Message = z.infer<typeof messageSchema>;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };
/** How long the CLI watches for the bot's answer (a first command on a loaded machine can take over 10 s: the bot loads its Google clients). */
const REPLY_TIMEOUT_MS = 30_000;
const STILL_WORKING = 'the bot may still answer: check `npm run -s warden -- messages` or `list` before sending it again';

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: CliIo = consoleIo): Promise<number> {
  const args = parseArgv(argv);
  if (args.help || args.positionals.length === 0) {
    io.out(USAGE);
    return args.help ? 0 : 2;
  }
  try {
    const sandbox = await readSandbox(args.sandboxFile);
    const [first, second] = args.positionals;
    // deny <id> --reason R: "Deny with reason…", then the modal it opens, filled and submitted
    const reasonFlag = /^--reason(?:=(.*))?$/s.exec(args.positionals[2] ?? '');
    if (first === 'deny' && second && reasonFlag) {
      const reason = reasonFlag[1] ?? args.positionals[3];
      if (reason === undefined || args.positionals.length > (reasonFlag[1] === undefined ? 4 : 3))
        throw new Error(`deny <id> --reason "<text>" takes one quoted reason\n${USAGE}`);
      return await denyWithReason(sandbox, second, reason, args.user ?? sandbox.defaultApprover, io);
    }
    if ((first === 'approve' || first === 'deny' || first === 'review') && args.positionals.length === 2 && second) {
      return await click(sandbox, first, second, args.user ?? sandbox.defaultApprover, io);
    }
    const rest = args.positionals.slice(1);
    // `/warden` alone opens the form (a modal, no reply on the response_url): show it instead of waiting for a reply
    if (args.positionals.join(' ').trim() === '') return await form(sandbox, [], args.user ?? sandbox.defaultUser, io);
    if (first === 'form') return await form(sandbox, rest, args.user ?? sandbox.defaultUser, io);
    if (first === 'suggest' && rest.length >= 2 && second)
      return await suggest(sandbox, second, rest.slice(1).join(' '), args.user ?? sandbox.defaultUser, io);
    if (first === 'home' && rest.length === 0) return await home(sandbox, args.user ?? sandbox.defaultUser, io);
    if (first === 'home-click' && rest.length >= 2 && second && rest[1])
      return await homeClick(sandbox, second, rest[1], rest.slice(2), args.user ?? sandbox.defaultApprover, io);
    if (first === 'messages') return await printMessages(sandbox, messageFilter(rest, args.user, new Date()), io);
    if (first === 'sweep' && args.positionals.length === 1) return await sweep(sandbox, io);
    if (first === 'show' && args.positionals.length === 2 && second) {
      if (!sandbox.emulator) throw new Error('the sandbox file names no emulator');
      // the Google client libraries load only for `show`: every other command starts in a fraction of a second
      const { showResource } = await import('./showResource');
      return await showResource(sandbox.emulator, second, io.out);
    }
    return await slash(sandbox, args.positionals.join(' '), args.user ?? sandbox.defaultUser, io);
  } catch (error) {
    io.err(`warden: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

interface ParsedArgs {
  positionals: string[];
  user?: string | undefined;
  sandboxFile: string;
  help: boolean;
}

/** Only --user, --sandbox and --help belong to the CLI; anything else (e.g. --member) is command text. */
function parseArgv(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], sandboxFile: '.sandbox/sandbox.json', help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s) as [string, string | undefined]) : [arg, undefined];
    if (flag === '--user' || flag === '--sandbox') {
      const value = inline ?? argv[(i += 1)];
      if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      if (flag === '--user') parsed.user = value;
      else parsed.sandboxFile = value;
    } else if (arg === '--help' || arg === '-h') parsed.help = true;
    else parsed.positionals.push(arg);
  }
  return parsed;
}

async function readSandbox(file: string): Promise<Sandbox> {
  let text: string;
  try {
    text = await readFile(resolve(file), 'utf8');
  } catch {
    throw new Error(`no sandbox connection file at ${file} — start the sandbox first (\`npm start\` with no Slack configuration)`);
  }
  const parsed = sandboxFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`${file} is not a sandbox connection file: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}

async function slash(sandbox: Sandbox, text: string, user: string, io: CliIo): Promise<number> {
  const before = await readState(sandbox);
  const tag = `cli-${randomBytes(4).toString('hex')}`;
  const responseUrl = `${sandbox.slackStandInUrl}/response/${tag}`;
  const body = slashCommandBody({ command: sandbox.slashCommand, text, userId: user, teamId: sandbox.teamId, responseUrl });
  io.out(`${user}: ${sandbox.slashCommand} ${text}`);
  const answer = await postToSlackEndpoint(`${sandbox.botUrl}/slack/events`, sandbox.signingSecret, body, FORM_CONTENT_TYPE);
  for (const line of describeAnswer(answer)) io.out(line);
  if (answer.status !== 200) return 1;
  const timeout = answer.text.trim() ? 2000 : REPLY_TIMEOUT_MS;
  const after = await waitForState(sandbox, (state) => state.responses.some((r) => r.tag === tag), timeout);
  printReplies(before, after.state, tag, user, io);
  if (!after.met && !answer.text.trim()) io.err(`(no reply on the response_url within ${REPLY_TIMEOUT_MS / 1000} s; ${STILL_WORKING})`);
  return after.met || answer.text.trim() ? 0 : 1;
}

async function click(sandbox: Sandbox, decision: 'approve' | 'deny' | 'review', id: string, user: string, io: CliIo): Promise<number> {
  const before = await readState(sandbox);
  const found = findButton(before, id, decision);
  if (!found) {
    const label = { approve: 'an Approve', deny: 'a Deny', review: 'a Review' }[decision];
    io.err(`no message with ${label} button for request ${id} (see \`warden messages\`)`);
    return 1;
  }
  const { message, button } = found;
  const tag = `cli-${randomBytes(4).toString('hex')}`;
  const query = new URLSearchParams({ channel: message.channel, ts: message.ts }).toString();
  const body = blockActionsBody({
    userId: user,
    actionId: button.actionId,
    value: id,
    blockId: button.blockId,
    buttonText: button.text,
    channelId: message.channel,
    messageTs: message.ts,
    messageText: message.text,
    messageBlocks: message.blocks,
    responseUrl: `${sandbox.slackStandInUrl}/response/${tag}?${query}`,
    teamId: sandbox.teamId,
  });
  io.out(`${user} clicks "${button.text}" on request ${id}`);
  const answer = await postToSlackEndpoint(`${sandbox.botUrl}/slack/events`, sandbox.signingSecret, body, FORM_CONTENT_TYPE);
  for (const line of describeAnswer(answer)) io.out(line);
  if (answer.status !== 200) return 1;
  const reacted = (state: State): boolean =>
    state.responses.some((r) => r.tag === tag) ||
    state.ephemerals.length > before.ephemerals.length ||
    (state.messages.find((m) => m.ts === message.ts && m.channel === message.channel)?.history.length ?? 0) > message.history.length;
  const after = await waitForState(sandbox, reacted, REPLY_TIMEOUT_MS);
  printReplies(before, after.state, tag, user, io);
  if (!after.met) io.err(`(the bot did not answer the click within ${REPLY_TIMEOUT_MS / 1000} s; ${STILL_WORKING})`);
  return after.met ? 0 : 1;
}

/** `deny <id> --reason R`: clicks "Deny with reason…" in the approver's App Home (request, or extension `<id>.<n>`), then submits the modal. Exit code. */
async function denyWithReason(sandbox: Sandbox, id: string, reason: string, user: string, io: CliIo): Promise<number> {
  const before = await readState(sandbox);
  // the request's (or extension's) message, to see it updated once the modal is submitted
  const message = [...before.messages].reverse().find((m) => buttonsOf(m.blocks ?? []).some((b) => b.value === id));
  if (!message) {
    io.err(`no message with buttons for ${id} (see \`warden messages\`)`);
    return 1;
  }
  const views = await readViewState(sandbox);
  // the channel message carries only SPEC's Approve and Deny; the reason button is App Home's
  const button = { actionId: id.includes('.') ? EXTENSION_DENY_WITH_REASON_ACTION : DENY_WITH_REASON_ACTION, text: 'Deny with reason…' };
  const body = blockActionsBody({
    userId: user,
    actionId: button.actionId,
    value: id,
    buttonText: button.text,
    teamId: sandbox.teamId,
  });
  io.out(`${user} clicks "${button.text}" on ${id}`);
  const answer = await postToSlackEndpoint(`${sandbox.botUrl}/slack/events`, sandbox.signingSecret, body, FORM_CONTENT_TYPE);
  if (answer.status !== 200) return 1;
  const opened = await waitForView(sandbox, (s) => s.modals.length > views.modals.length);
  const modal = opened.state.modals.slice(views.modals.length).find((m) => m.view.callback_id === DECISION_REASON_VIEW);
  if (!modal) {
    io.err('(the click opened no modal within 10 s)');
    return 1;
  }
  io.out(`${user} submits the modal: reason=${JSON.stringify(reason)}`);
  const submitted = await postToSlackEndpoint(
    `${sandbox.botUrl}/slack/events`,
    sandbox.signingSecret,
    viewSubmissionBody({ userId: user, view: modal.view, viewId: modal.id, values: { [DECISION_REASON_BLOCK]: reason } }),
    FORM_CONTENT_TYPE,
  );
  for (const line of describeAnswer(submitted)) io.out(line);
  if (submitted.status !== 200) return 1;
  if (submitted.text.trim() !== '') return 0; // errors shown inline: the bot's answer
  const updated = (state: State): boolean =>
    (state.messages.find((m) => m.ts === message.ts && m.channel === message.channel)?.history.length ?? 0) > message.history.length;
  const after = await waitForState(sandbox, updated, REPLY_TIMEOUT_MS);
  printReplies(before, after.state, 'none', user, io);
  if (!after.met) io.err(`(the message was not updated within ${REPLY_TIMEOUT_MS / 1000} s; ${STILL_WORKING})`);
  return after.met ? 0 : 1;
}

async function printMessages(sandbox: Sandbox, filter: MessageFilter, io: CliIo): Promise<number> {
  const state = await readState(sandbox);
  const views = await readViewState(sandbox);
  const context = { now: new Date(), users: state.users };
  const shown = selectMessages(state, filter);
  const channel = shown.messages.filter((m) => !m.channel.startsWith('D'));
  const dms = shown.messages.filter((m) => m.channel.startsWith('D'));
  const heading = (m: Message, where: string): string =>
    `${where} ${m.ts}${m.threadTs ? ` ↳ reply in the thread of ${m.threadTs}` : ''} · ${clock(m.postedAt)}`;
  if (filter.description) io.out(`(only messages ${filter.description})`);
  io.out(channel.length ? 'Channel messages:' : 'No channel messages.');
  for (const m of channel) io.out(renderMessage(heading(m, `#${m.channel}`), m.text, m.blocks, m.history.length, context));
  io.out(dms.length ? 'Direct messages:' : 'No direct messages.');
  for (const m of dms) io.out(renderMessage(heading(m, `to ${m.channel.slice(1)}`), m.text, m.blocks, m.history.length, context));
  if (shown.ephemerals.length) io.out('Ephemeral messages:');
  for (const e of shown.ephemerals)
    io.out(renderMessage(`to ${e.user} in #${e.channel} · ${clock(e.postedAt)}`, e.text, e.blocks, 0, context));
  const modals = views.modals.filter((m) => filter.matchesView(JSON.stringify(m.view), undefined));
  if (modals.length) io.out('Modals:');
  for (const m of modals) io.out(renderView(`modal ${m.id}${m.history.length ? ` (updated ${m.history.length}×)` : ''}`, m.view, context));
  const homes = Object.entries(views.homes).filter(([user, view]) => filter.matchesView(JSON.stringify(view), user));
  if (homes.length) io.out('App Homes:');
  for (const [user, view] of homes) io.out(renderView(`App Home of ${user}`, view, context));
  return 0;
}

async function sweep(sandbox: Sandbox, io: CliIo): Promise<number> {
  const mintUrl = sandbox.oidc?.mintUrl ?? `${sandbox.slackStandInUrl}/_sandbox/oidc-token`;
  const minted = await fetch(mintUrl);
  const token = z.object({ token: z.string() }).safeParse(await minted.json().catch(() => undefined));
  if (!minted.ok || !token.success) throw new Error(`could not get an OIDC token from ${mintUrl} (HTTP ${minted.status})`);
  const response = await fetch(`${sandbox.botUrl}/jobs/sweep`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token.data.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const text = await response.text();
  io.out(`HTTP ${response.status}`);
  if (text.trim()) io.out(prettyJson(text));
  return response.ok ? 0 : 1;
}

async function readState(sandbox: Sandbox): Promise<State> {
  const response = await fetch(`${sandbox.slackStandInUrl}/_sandbox/state`).catch((error: unknown) => {
    throw new Error(`the Slack stand-in at ${sandbox.slackStandInUrl} does not answer (is the sandbox running?): ${String(error)}`);
  });
  return stateSchema.parse(await response.json());
}

/** Polls the stand-in until `until` holds (or the timeout), then until the state stops changing for a moment. */
async function waitForState(
  sandbox: Sandbox,
  until: (state: State) => boolean,
  timeoutMs: number,
): Promise<{ state: State; met: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let state = await readState(sandbox);
  while (!until(state) && Date.now() < deadline) {
    await pause(200);
    state = await readState(sandbox);
  }
  const met = until(state);
  const settleBy = Date.now() + 2000;
  for (let quiet = 0; met && quiet < 2 && Date.now() < settleBy;) {
    await pause(250);
    const next = await readState(sandbox);
    quiet = JSON.stringify(next) === JSON.stringify(state) ? quiet + 1 : 0;
    state = next;
  }
  return { state, met };
}

function printReplies(before: State, after: State, tag: string, user: string, io: CliIo): void {
  const context = { now: new Date(), users: after.users };
  for (const r of after.responses.filter((x) => x.tag === tag))
    io.out(renderMessage('reply (response_url)', r.body.text ?? '', r.body.blocks, 0, context));
  for (const e of after.ephemerals.slice(before.ephemerals.length)) {
    io.out(renderMessage(e.user === user ? 'reply (ephemeral)' : `ephemeral to ${e.user}`, e.text, e.blocks, 0, context));
  }
  for (const m of after.messages) {
    const old = before.messages.find((x) => x.channel === m.channel && x.ts === m.ts);
    if (old && old.history.length === m.history.length) continue;
    const where = m.channel.startsWith('D') ? `DM to ${m.channel.slice(1)}` : `#${m.channel}`;
    const thread = m.threadTs ? ` ↳ reply in the thread of ${m.threadTs}` : '';
    io.out(renderMessage(`${old ? 'updated' : 'posted'} ${where} ${m.ts}${thread}`, m.text, m.blocks, m.history.length, context));
  }
}

interface Button {
  actionId: string;
  blockId: string | undefined;
  text: string;
}

function findButton(state: State, id: string, decision: 'approve' | 'deny' | 'review'): { message: Message; button: Button } | undefined {
  const wantedId = {
    approve: SANDBOX_SLACK_DEFAULTS.approveActionId,
    deny: SANDBOX_SLACK_DEFAULTS.denyActionId,
    review: SANDBOX_SLACK_DEFAULTS.reviewActionId,
  }[decision];
  for (const message of [...state.messages].reverse()) {
    const buttons = buttonsOf(message.blocks ?? []).filter((b) => b.value === id);
    const button = buttons.find((b) => b.actionId === wantedId) ?? buttons.find((b) => new RegExp(decision, 'i').test(b.text));
    if (button) return { message, button };
  }
  return undefined;
}

function buttonsOf(blocks: unknown[]): Array<Button & { value: string }> {
  return blocks.flatMap((raw) => {
    const block = blockSchema.safeParse(raw);
    if (!block.success) return [];
    const elements = [...(block.data.elements ?? []), ...(block.data.accessory ? [block.data.accessory] : [])];
    return elements
      .filter((e) => e.type === 'button' && e.action_id !== undefined && e.value !== undefined)
      .map((e) => ({ actionId: e.action_id ?? '', value: e.value ?? '', blockId: block.data.block_id, text: labelOf(e.text) }));
  });
}

/** A message as the Slack client shows it: mentions, channels, links and `<!date^…>` tokens rendered (slackText.ts). */
function renderMessage(heading: string, raw: string, blocks: unknown[] | undefined, updates: number, context: SlackTextContext): string {
  const text = renderSlackText(raw, context);
  const lines = [`[${heading}]${updates ? ` (updated ${updates}×)` : ''} ${text}`];
  for (const raw of blocks ?? []) {
    const block = blockSchema.safeParse(raw);
    if (!block.success) continue;
    const parts = [block.data.text?.text, ...(block.data.fields ?? []).map((f) => f.text)];
    const elements = block.data.elements ?? [];
    if (block.data.type === 'actions') parts.push(elements.map((e) => `[${labelOf(e.text)}]`).join(' '));
    else
      parts.push(
        elements
          .map((e) => labelOf(e.text))
          .filter(Boolean)
          .join(' · '),
      );
    for (const part of parts)
      if (part?.trim())
        lines.push(
          ...renderSlackText(part, context)
            .split('\n')
            .map((line) => `    ${line}`),
        );
  }
  return lines.join('\n');
}

/** "03:14:28" (UTC) of a recorded ISO time. */
function clock(iso: string): string {
  return iso.slice(11, 19);
}

function labelOf(text: string | { text: string } | undefined): string {
  return typeof text === 'string' ? text : (text?.text ?? '');
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

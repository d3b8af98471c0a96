/**
 * Builders of the request bodies Slack sends to an app's request URL, as the
 * url-encoded form strings Slack actually posts: a slash command, and a
 * block_actions button click (`payload=<JSON>`). Field sets follow Slack's
 * slash command and block_actions payload references.
 */
import { randomBytes } from 'node:crypto';

/** Defaults matching runwarden's approval message; every builder takes them as parameters. */
export const SANDBOX_SLACK_DEFAULTS = {
  teamId: 'T0SANDBOX',
  teamDomain: 'runwarden-sandbox',
  apiAppId: 'A0WARDEN',
  /** Slack's deprecated verification token; runwarden checks signatures instead */
  verificationToken: 'sandbox-verification-token',
  channelId: 'C0SANDBOX',
  command: '/warden',
  approveActionId: 'runwarden_approve',
  denyActionId: 'runwarden_deny',
  reviewActionId: 'runwarden_review',
  decisionBlockId: 'runwarden_decision',
} as const;

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface SlashCommandInput {
  command?: string;
  text: string;
  userId: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  responseUrl: string;
  triggerId?: string;
}

export function slashCommandBody(input: SlashCommandInput): string {
  return new URLSearchParams({
    token: SANDBOX_SLACK_DEFAULTS.verificationToken,
    team_id: input.teamId ?? SANDBOX_SLACK_DEFAULTS.teamId,
    team_domain: input.teamDomain ?? SANDBOX_SLACK_DEFAULTS.teamDomain,
    channel_id: input.channelId ?? SANDBOX_SLACK_DEFAULTS.channelId,
    channel_name: input.channelName ?? channelNameOf(input.channelId ?? SANDBOX_SLACK_DEFAULTS.channelId),
    user_id: input.userId,
    user_name: input.userName ?? userNameOf(input.userId),
    command: input.command ?? SANDBOX_SLACK_DEFAULTS.command,
    text: input.text,
    api_app_id: input.apiAppId ?? SANDBOX_SLACK_DEFAULTS.apiAppId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? triggerId(),
  }).toString();
}

export interface BlockActionsInput {
  userId: string;
  userName?: string;
  actionId: string;
  value: string;
  blockId?: string;
  /** the clicked button's label */
  buttonText?: string;
  /** the message's channel; without it (and `messageTs`) the click comes from App Home (a view container, no response_url) */
  channelId?: string;
  channelName?: string;
  messageTs?: string;
  messageText?: string;
  messageBlocks?: unknown[];
  responseUrl?: string;
  /** the App Home view's id, for clicks from App Home */
  viewId?: string;
  teamId?: string;
  teamDomain?: string;
  apiAppId?: string;
  triggerId?: string;
  /** when the click happened; default now */
  now?: Date;
}

/** The block_actions payload object, before form encoding. */
export function blockActionsPayload(input: BlockActionsInput): Record<string, unknown> {
  const teamId = input.teamId ?? SANDBOX_SLACK_DEFAULTS.teamId;
  const teamDomain = input.teamDomain ?? SANDBOX_SLACK_DEFAULTS.teamDomain;
  const userName = input.userName ?? userNameOf(input.userId);
  const fromMessage =
    input.channelId !== undefined && input.messageTs !== undefined
      ? {
          container: { type: 'message', message_ts: input.messageTs, channel_id: input.channelId, is_ephemeral: false },
          channel: { id: input.channelId, name: input.channelName ?? channelNameOf(input.channelId) },
          message: {
            type: 'message',
            ts: input.messageTs,
            text: input.messageText ?? '',
            ...(input.messageBlocks === undefined ? {} : { blocks: input.messageBlocks }),
          },
          ...(input.responseUrl === undefined ? {} : { response_url: input.responseUrl }),
        }
      : {
          container: { type: 'view', view_id: input.viewId ?? 'V0HOME' },
          view: { id: input.viewId ?? 'V0HOME', type: 'home', blocks: [], state: { values: {} } },
        };
  return {
    type: 'block_actions',
    user: { id: input.userId, username: userName, name: userName, team_id: teamId },
    api_app_id: input.apiAppId ?? SANDBOX_SLACK_DEFAULTS.apiAppId,
    token: SANDBOX_SLACK_DEFAULTS.verificationToken,
    ...fromMessage,
    trigger_id: input.triggerId ?? triggerId(),
    team: { id: teamId, domain: teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [
      {
        action_id: input.actionId,
        block_id: input.blockId ?? SANDBOX_SLACK_DEFAULTS.decisionBlockId,
        text: { type: 'plain_text', text: input.buttonText ?? input.actionId, emoji: true },
        value: input.value,
        type: 'button',
        action_ts: slackTs(input.now ?? new Date()),
      },
    ],
  };
}

/** `payload=<url-encoded JSON>`, the form body Slack posts for interactions. */
export function blockActionsBody(input: BlockActionsInput): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(input)) }).toString();
}

/** Slack's "seconds.microseconds" timestamp format. */
export function slackTs(at: Date): string {
  const ms = at.getTime();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

function triggerId(): string {
  const digits = (): string => String(randomBytes(4).readUInt32BE(0));
  return `${digits()}.${digits()}.${randomBytes(16).toString('hex')}`;
}

function userNameOf(userId: string): string {
  return userId.replace(/^U0?/, '').toLowerCase() || userId.toLowerCase();
}

function channelNameOf(channelId: string): string {
  if (channelId.startsWith('D')) return 'directmessage';
  return channelId.replace(/^C0?/, '').toLowerCase() || channelId.toLowerCase();
}

/** The Events API `event_callback` body (JSON) for `app_home_opened`: `user` opened the app's Home tab. */
export function appHomeOpenedBody(input: { userId: string; teamId?: string; apiAppId?: string; now?: Date }): string {
  const now = input.now ?? new Date();
  return JSON.stringify({
    token: SANDBOX_SLACK_DEFAULTS.verificationToken,
    team_id: input.teamId ?? SANDBOX_SLACK_DEFAULTS.teamId,
    api_app_id: input.apiAppId ?? SANDBOX_SLACK_DEFAULTS.apiAppId,
    event: { type: 'app_home_opened', user: input.userId, channel: `D${input.userId}`, tab: 'home', event_ts: slackTs(now) },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(now.getTime() / 1000),
    authorizations: [
      { team_id: input.teamId ?? SANDBOX_SLACK_DEFAULTS.teamId, user_id: 'U0WARDEN', is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  });
}

export const JSON_CONTENT_TYPE = 'application/json';

/**
 * The `view_submission` body for a modal as Slack posts it: the view with its
 * `state.values`, filled from `values` (block id → typed text or chosen
 * option value) under each input block's element action id.
 */
export function viewSubmissionBody(input: {
  userId: string;
  view: Record<string, unknown>;
  viewId?: string;
  values: Record<string, string | undefined>;
}): string {
  const state: Record<string, Record<string, Record<string, unknown>>> = {};
  const blocks = Array.isArray(input.view.blocks) ? (input.view.blocks as Array<Record<string, unknown>>) : [];
  for (const block of blocks) {
    if (block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const element = (block.element ?? {}) as { type?: string; action_id?: string };
    const actionId = element.action_id ?? 'value';
    const value = input.values[block.block_id];
    const typed = element.type === 'plain_text_input' || element.type === undefined;
    state[block.block_id] = {
      [actionId]: typed
        ? { type: 'plain_text_input', value: value ?? null }
        : { type: element.type, selected_option: value === undefined ? null : { text: { type: 'plain_text', text: value }, value } },
    };
  }
  const userName = userNameOf(input.userId);
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'view_submission',
      team: { id: SANDBOX_SLACK_DEFAULTS.teamId, domain: SANDBOX_SLACK_DEFAULTS.teamDomain },
      user: { id: input.userId, username: userName, name: userName, team_id: SANDBOX_SLACK_DEFAULTS.teamId },
      api_app_id: SANDBOX_SLACK_DEFAULTS.apiAppId,
      token: SANDBOX_SLACK_DEFAULTS.verificationToken,
      trigger_id: triggerId(),
      view: {
        id: input.viewId ?? 'V0MODAL',
        team_id: SANDBOX_SLACK_DEFAULTS.teamId,
        ...input.view,
        state: { values: state },
        hash: hashOf(input.view),
      },
      response_urls: [],
      is_enterprise_install: false,
    }),
  }).toString();
}

function viewWithState(view: Record<string, unknown>, viewId: string, values: Record<string, string | undefined>): Record<string, unknown> {
  const state: Record<string, Record<string, unknown>> = {};
  const blocks = Array.isArray(view.blocks) ? (view.blocks as Array<Record<string, unknown>>) : [];
  for (const block of blocks) {
    if (block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const element = (block.element ?? {}) as { type?: string; action_id?: string };
    const value = values[block.block_id];
    state[block.block_id] = {
      [element.action_id ?? 'value']:
        element.type === 'plain_text_input'
          ? { type: 'plain_text_input', value: value ?? null }
          : { type: element.type, selected_option: value === undefined ? null : { text: { type: 'plain_text', text: value }, value } },
    };
  }
  return { id: viewId, team_id: SANDBOX_SLACK_DEFAULTS.teamId, ...view, state: { values: state }, hash: hashOf(view) };
}

/** The view's `hash` as Slack sends it in payloads (the stand-in keeps it on each view); a fixed one for views built by hand. */
function hashOf(view: Record<string, unknown>): string {
  return typeof view.hash === 'string' ? view.hash : '1700000000.abcdef';
}

/** A `block_suggestion` (options load) body: the user typed `value` into an external_select of an open modal. */
export function blockSuggestionBody(input: {
  userId: string;
  view: Record<string, unknown>;
  viewId: string;
  blockId: string;
  actionId: string;
  value: string;
  values?: Record<string, string | undefined>;
}): string {
  const userName = userNameOf(input.userId);
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_suggestion',
      user: { id: input.userId, username: userName, name: userName, team_id: SANDBOX_SLACK_DEFAULTS.teamId },
      container: { type: 'view', view_id: input.viewId },
      api_app_id: SANDBOX_SLACK_DEFAULTS.apiAppId,
      token: SANDBOX_SLACK_DEFAULTS.verificationToken,
      action_id: input.actionId,
      block_id: input.blockId,
      value: input.value,
      team: { id: SANDBOX_SLACK_DEFAULTS.teamId, domain: SANDBOX_SLACK_DEFAULTS.teamDomain },
      view: viewWithState(input.view, input.viewId, input.values ?? {}),
    }),
  }).toString();
}

/**
 * A `block_actions` body from a select inside an open modal (dispatch_action): `value` was chosen in `blockId`
 * at `now` (the action's `action_ts`; default the present). The payload's view carries the view's `hash`.
 */
export function viewSelectBody(input: {
  userId: string;
  view: Record<string, unknown>;
  viewId: string;
  blockId: string;
  actionId: string;
  value: string;
  now?: Date;
}): string {
  const userName = userNameOf(input.userId);
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: input.userId, username: userName, name: userName, team_id: SANDBOX_SLACK_DEFAULTS.teamId },
      api_app_id: SANDBOX_SLACK_DEFAULTS.apiAppId,
      token: SANDBOX_SLACK_DEFAULTS.verificationToken,
      container: { type: 'view', view_id: input.viewId },
      trigger_id: triggerId(),
      team: { id: SANDBOX_SLACK_DEFAULTS.teamId, domain: SANDBOX_SLACK_DEFAULTS.teamDomain },
      view: viewWithState(input.view, input.viewId, { [input.blockId]: input.value }),
      actions: [
        {
          type: 'static_select',
          action_id: input.actionId,
          block_id: input.blockId,
          selected_option: { text: { type: 'plain_text', text: input.value }, value: input.value },
          action_ts: slackTs(input.now ?? new Date()),
        },
      ],
    }),
  }).toString();
}

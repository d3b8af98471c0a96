/**
 * ChatPort and DirectoryPort over Slack's Web API (the client Bolt built,
 * pointed at SLACK_API_URL). The only code that sends messages or reads
 * users and user groups. Answers are validated with zod before use.
 */
import type { Block, KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { ErrorCode, RateLimitedError, WardenError, lookupRateLimited } from '../../domain/errors';
import type { ChatMessage, ChatPort, DirectoryPort, MessageMarker, PeoplePort, ViewsPort } from '../../ports';
import { slackCallError } from './slackCallError';

const posted = z.object({ channel: z.string(), ts: z.string() });
const opened = z.object({ channel: z.object({ id: z.string() }) });
const userInfo = z.object({ user: z.object({ profile: z.object({ email: z.string().optional() }).optional() }).optional() });
const groupUsers = z.object({ users: z.array(z.string()).default([]) });
const lookedUp = z.object({ user: z.object({ id: z.string() }).optional() });
const viewAnswer = z.object({ view: z.object({ id: z.string() }) });
const updatedView = z.object({ view: z.object({ hash: z.string().optional() }) });

/** Slack's error string of a failed Web API call (`{ok: false, error}`), if it is one. */
function slackErrorCode(error: unknown): string | undefined {
  const data = typeof error === 'object' && error !== null && 'data' in error ? (error as { data?: unknown }).data : undefined;
  const parsed = z.object({ error: z.string() }).safeParse(data);
  return parsed.success ? parsed.data.error : undefined;
}

type View = Parameters<WebClient['views']['open']>[0]['view'];

/**
 * A directory lookup that failed, for the person waiting on it: nothing was
 * done. A rate limit keeps Slack's Retry-After (RateLimitedError) and says
 * when to try again.
 */
function lookupError(method: string, subject: string, error: unknown): WardenError {
  const failure = slackCallError(method, error);
  const operator = `${method} for ${subject} failed: ${failure.operatorMessage}`;
  if (failure instanceof RateLimitedError) return lookupRateLimited(failure.retryAfterSeconds, operator);
  return new WardenError(
    ErrorCode.Upstream,
    'runwarden could not look people up in Slack just now; nothing was changed. Try again in a moment.',
    operator,
    { cause: error },
  );
}

type Blocks = Array<KnownBlock | Block>;

/** The event_type of the metadata every message runwarden posts carries (https://docs.slack.dev/messaging/message-metadata). */
export const MARKER_EVENT_TYPE = 'runwarden_message';

type Metadata = { event_type: string; event_payload: { request_id: string; delivery_id: string } };

function metadataOf(marker: MessageMarker): Metadata {
  return { event_type: MARKER_EVENT_TYPE, event_payload: { request_id: marker.request, delivery_id: marker.delivery } };
}

function payload(message: ChatMessage): { text: string; blocks?: Blocks; thread_ts?: string; metadata?: Metadata } {
  return {
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks as Blocks } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.marker ? { metadata: metadataOf(message.marker) } : {}),
  };
}

const history = z.object({
  messages: z
    .array(
      z.looseObject({
        ts: z.string(),
        metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()).optional() }).optional(),
      }),
    )
    .default([]),
  has_more: z.boolean().optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

/** Pages of conversations.history read at most when looking for a message (200 messages each). */
const HISTORY_PAGES = 5;

/** A Date as Slack's ts form: seconds with six decimals. */
function slackTs(at: Date): string {
  return (at.getTime() / 1000).toFixed(6);
}

/**
 * @param deps.postClient the client chat.postMessage goes through: one built
 *   without automatic retries (a post retried after a timeout can post twice;
 *   the outbox retries instead, looking first), default `client`
 */
export function createSlackChat(deps: {
  client: WebClient;
  postClient?: WebClient | undefined;
}): ChatPort & DirectoryPort & ViewsPort & PeoplePort {
  const { client } = deps;
  const postClient = deps.postClient ?? client;
  return {
    async post(channel, message) {
      const answer = await postClient.chat.postMessage({ channel, ...payload(message) }).catch((error: unknown) => {
        throw slackCallError('chat.postMessage', error);
      });
      const parsed = posted.parse(answer);
      return { channel: parsed.channel, ts: parsed.ts };
    },

    async update(channel, ts, message) {
      await client.chat
        .update({ channel, ts, text: message.text, ...(message.blocks ? { blocks: message.blocks as Blocks } : {}) })
        .catch((error: unknown) => {
          throw slackCallError('chat.update', error);
        });
    },

    async dm(user, message) {
      // The app's DM channel with the user; posting to the user ID is Slack's documented fallback.
      const channel = await client.conversations
        .open({ users: user })
        .then((answer) => opened.parse(answer).channel.id)
        .catch(() => user);
      await postClient.chat.postMessage({ channel, ...payload(message) }).catch((error: unknown) => {
        throw slackCallError('chat.postMessage', error);
      });
    },

    async findPosted(channel, marker, since) {
      const found: Array<{ ts: string }> = [];
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_PAGES; page += 1) {
        const answer = await client.conversations
          .history({ channel, oldest: slackTs(since), include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) })
          .catch((error: unknown) => {
            throw slackCallError('conversations.history', error);
          });
        const parsed = history.parse(answer);
        for (const message of parsed.messages) {
          const meta = message.metadata;
          if (
            meta?.event_type === MARKER_EVENT_TYPE &&
            meta.event_payload?.request_id === marker.request &&
            meta.event_payload.delivery_id === marker.delivery
          ) {
            found.push({ ts: message.ts });
          }
        }
        cursor = parsed.response_metadata?.next_cursor || undefined;
        if (!parsed.has_more || !cursor) break;
      }
      return found.sort((a, b) => Number(a.ts) - Number(b.ts));
    },

    async remove(channel, ts) {
      try {
        await client.chat.delete({ channel, ts });
      } catch (error) {
        if (slackErrorCode(error) === 'message_not_found') return;
        throw slackCallError('chat.delete', error);
      }
    },

    async ephemeral(channel, user, message) {
      await client.chat.postEphemeral({ channel, user, ...payload(message) });
    },

    async openView(triggerId, view) {
      const answer = viewAnswer.parse(await client.views.open({ trigger_id: triggerId, view: view as unknown as View }));
      return { id: answer.view.id };
    },

    async updateView(viewId, view, options = {}) {
      try {
        const answer = await client.views.update({
          view_id: viewId,
          view: view as unknown as View,
          ...(options.hash ? { hash: options.hash } : {}),
        });
        return { outcome: 'updated', hash: updatedView.safeParse(answer).data?.view.hash };
      } catch (error) {
        if (slackErrorCode(error) === 'hash_conflict') return { outcome: 'hash_conflict' };
        throw slackCallError('views.update', error);
      }
    },

    async publishHome(user, view) {
      await client.views.publish({ user_id: user, view: view as unknown as View });
    },

    async emailOf(user) {
      let answer: unknown;
      try {
        answer = await client.users.info({ user });
      } catch (error) {
        // Only Slack's own "no such user" means "no email"; a failed lookup must not look like one
        // (an unknown identity would let an approver's own-identity check pass).
        if (slackErrorCode(error) === 'user_not_found') return undefined;
        throw lookupError('users.info', user, error);
      }
      return userInfo.parse(answer).user?.profile?.email;
    },

    async userByEmail(email) {
      let answer: unknown;
      try {
        answer = await client.users.lookupByEmail({ email });
      } catch (error) {
        if (slackErrorCode(error) === 'users_not_found') return undefined;
        throw lookupError('users.lookupByEmail', email, error);
      }
      return lookedUp.parse(answer).user?.id;
    },

    async membersOf(group) {
      try {
        return groupUsers.parse(await client.usergroups.users.list({ usergroup: group })).users;
      } catch (error) {
        throw lookupError('usergroups.users.list', group, error);
      }
    },
  };
}

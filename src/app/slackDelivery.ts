/**
 * Sends one outbox entry to Slack, rendered from the request as it is at
 * delivery time (a refresh delayed by a failure shows the latest state; a
 * reminder about a request nobody needs to act on any more is not sent).
 * The only code that turns an outbox entry into Slack calls; the outbox
 * (outbox.ts) claims the entry before and records the result after.
 * Throws what the ChatPort throws (RateLimitedError, runwarden_slack_refused,
 * runwarden_upstream_error).
 */
import { approverIds, groupsToGather } from '../domain/authority/facts';
import { findRule } from '../domain/authority/standing';
import { extensionsUsed, openExtension } from '../domain/extensions';
import { awaitsReview, type AccessRequest, type Delivery } from '../domain/request';
import type { NoticeKind } from '../domain/stateMachine';
import type { DeliveryResult } from '../domain/transitions';
import { isRecordedMessage } from '../domain/outbox';
import type { ChatMessage, MessageMarker } from '../ports';
import { approvalMessage } from '../adapters/slack/views/approvalMessage';
import { extensionMessage } from '../adapters/slack/views/extensionMessage';
import { nextStepMessage } from '../adapters/slack/views/nextStepMessage';
import { reminderMessage } from '../adapters/slack/views/reminderMessage';
import { requesterNotice } from '../adapters/slack/views/requesterNotice';
import { revertApproversText } from '../adapters/slack/views/revertNotice';
import { reviewReminder } from '../adapters/slack/views/reviewReminder';
import { memberNotice } from '../adapters/slack/views/memberNotice';
import { coveringRule } from '../domain/posture/coverage';
import { memberEmail } from '../domain/policy/identity';
import type { AppDeps } from './deps';
import { resolveGroups } from './resolveGroups';

/** What a delivery left behind: the message it posted (or found posted), the copies it removed. */
export type Sent = DeliveryResult;

export type SendDelivery = (request: AccessRequest, delivery: Delivery) => Promise<Sent>;

/**
 * A search for a post starts this long before the unconfirmed attempt was
 * made by runwarden's clock: Slack's ts is Slack's clock, and a copy must not
 * be missed for a skew (at most 1,000 messages are read back).
 */
const CLOCK_MARGIN_MS = 3_600_000;

export function createSlackDelivery(deps: AppDeps): SendDelivery {
  const { chat, clock } = deps;

  async function approvers(request: AccessRequest): Promise<string[]> {
    const policy = deps.policy();
    const match = findRule(policy, request.kind, request.target);
    const groups = await resolveGroups(deps.directory, groupsToGather(policy, match?.rule));
    return approverIds(policy, request.approverGroup, groups).filter((u) => u !== request.requester);
  }

  /** Whether the rule lets the requester ask for (another) extension now. */
  function mayExtend(request: AccessRequest): boolean {
    const rule = findRule(deps.policy(), request.kind, request.target)?.rule;
    return rule !== undefined && !openExtension(request) && extensionsUsed(request) < rule.maxExtensions;
  }

  async function refreshMessage(request: AccessRequest): Promise<Sent> {
    // No message yet: its post is owed too, and will show the state as it is then.
    if (request.message) await chat.update(request.message.channel, request.message.ts, approvalMessage(request, clock.now()));
    const latest = request.extensions?.[request.extensions.length - 1];
    if (latest?.message)
      await chat.update(latest.message.channel, latest.message.ts, extensionMessage(request, latest, deps.settings.slashCommand));
    return {};
  }

  async function notifyApprovers(request: AccessRequest, notice: NoticeKind, marker: MessageMarker): Promise<Sent> {
    const who = await approvers(request);
    const thread = request.message ? { threadTs: request.message.ts } : {};
    const channel = request.message?.channel ?? request.channel;
    if (notice === 'step') {
      await chat.post(channel, { ...nextStepMessage(request, who), ...thread, marker });
      return {};
    }
    const mentions = who.map((u) => `<@${u}>`).join(' ');
    if (notice === 'revert_failing' || notice === 'revert_recovered') {
      await chat.post(channel, { text: `${mentions} ${revertApproversText(request, notice)}`.trim(), ...thread, marker });
      return {};
    }
    const what = notice === 'drift' ? 'runwarden did not revert it' : 'runwarden could not finish it';
    const text = `${mentions} Request \`${request.id}\` on ${request.target}: ${what}. ${request.outcome ?? ''}`.trim();
    await chat.post(channel, { text, ...thread, marker });
    return {};
  }

  /**
   * Posts a message with buttons to the channel, once: after an attempt Slack
   * may have taken without runwarden learning it, the message is looked for
   * (by its marker) first, and found rather than posted again.
   */
  async function postOnce(channel: string, message: ChatMessage & { marker: MessageMarker }, delivery: Delivery): Promise<Sent> {
    if (delivery.unconfirmedSince) {
      const since = new Date(delivery.unconfirmedSince.getTime() - CLOCK_MARGIN_MS);
      const [first] = await chat.findPosted(channel, message.marker, since);
      if (first) return { posted: { channel, ts: first.ts }, found: true };
    }
    return { posted: await chat.post(channel, message) };
  }

  /** Removes the copies of a post (all but the one recorded), or the one copy someone clicked. */
  async function removeDuplicates(request: AccessRequest, delivery: Delivery): Promise<Sent> {
    if (delivery.stray) {
      const { channel, ts } = delivery.stray;
      if (isRecordedMessage(request, channel, ts)) return {};
      await chat.remove(channel, ts);
      return { removed: [ts] };
    }
    if (!delivery.of) return {};
    const extension = delivery.n === undefined ? undefined : request.extensions?.find((e) => e.n === delivery.n);
    const kept = delivery.n === undefined ? request.message : extension?.message;
    const channel = kept?.channel ?? request.channel;
    const since = new Date((delivery.since ?? delivery.enqueuedAt).getTime() - CLOCK_MARGIN_MS);
    const copies = await chat.findPosted(channel, { request: request.id, delivery: delivery.of }, since);
    // nothing recorded (it should be): the oldest copy stays
    const keep = kept?.ts ?? copies[0]?.ts;
    const removed: string[] = [];
    for (const copy of copies) {
      if (copy.ts === keep) continue;
      await chat.remove(channel, copy.ts);
      removed.push(copy.ts);
    }
    return { removed };
  }

  /**
   * Tells each member a conversion removed (SPEC §11): a user by DM (their
   * Slack account found from the policy's identities, else by email), a group
   * — or a user runwarden finds no Slack account for — in the request's thread.
   */
  async function notifyMembers(request: AccessRequest, marker: MessageMarker): Promise<Sent> {
    const policy = deps.policy();
    const slash = deps.settings.slashCommand;
    const role = request.removed?.role ?? request.role ?? '';
    const thread = request.message ? { threadTs: request.message.ts } : {};
    const channel = request.message?.channel ?? request.channel;
    for (const member of request.removed?.members ?? []) {
      const rule = coveringRule(policy, request.target, 'service', role, member);
      const notice = memberNotice({ request, member, rule, slash });
      const email = member.startsWith('user:') ? memberEmail(member) : undefined;
      const known = email === undefined ? undefined : Object.entries(policy.identities).find(([, e]) => e.toLowerCase() === email)?.[0];
      const user = email === undefined ? undefined : (known ?? (await deps.people.userByEmail(email)));
      if (user !== undefined) {
        await chat.dm(user, { ...notice, marker });
      } else {
        const note = email === undefined ? '' : ` (runwarden found no Slack account for ${email})`;
        await chat.post(channel, { text: `${notice.text}${note}`, blocks: notice.blocks, ...thread, marker });
      }
    }
    return {};
  }

  return async function send(request, delivery) {
    const marker: MessageMarker = { request: request.id, delivery: delivery.id };
    switch (delivery.type) {
      case 'post_message': {
        if (request.message) return {};
        return postOnce(request.channel, { ...approvalMessage(request, clock.now()), marker }, delivery);
      }
      case 'refresh_message':
        return refreshMessage(request);
      case 'notify_requester': {
        const notice = delivery.notice ?? 'submitted';
        await chat.dm(request.requester, {
          ...requesterNotice(request, notice, {
            slash: deps.settings.slashCommand,
            extendButton: notice === 'expiring' && mayExtend(request),
          }),
          marker,
        });
        return {};
      }
      case 'notify_approvers':
        return notifyApprovers(request, delivery.notice ?? 'failed', marker);
      case 'post_extension': {
        const extension = request.extensions?.find((e) => e.n === delivery.n);
        if (!extension || extension.message) return {};
        return postOnce(request.channel, { ...extensionMessage(request, extension, deps.settings.slashCommand), marker }, delivery);
      }
      case 'remind_approvers': {
        if (request.status !== 'pending' || !request.message) return {};
        const waitingOn = (await approvers(request)).filter((u) => !request.approvals.some((a) => a.approver === u));
        await chat.post(request.message.channel, { ...reminderMessage(request, waitingOn), threadTs: request.message.ts, marker });
        return {};
      }
      case 'remind_review': {
        if (!awaitsReview(request) || !request.message) return {};
        const policy = deps.policy();
        const rule = findRule(policy, request.kind, request.target)?.rule;
        const groups = await resolveGroups(deps.directory, groupsToGather(policy, rule));
        // any step's approvers may review (SPEC §9 Steps)
        const reviewers = (rule?.steps ?? [{ approvers: request.approverGroup }]).flatMap((step) =>
          approverIds(policy, step.approvers, groups),
        );
        await chat.post(request.message.channel, {
          ...reviewReminder(request, [...new Set(reviewers)]),
          threadTs: request.message.ts,
          marker,
        });
        return {};
      }
      case 'remove_duplicates':
        return removeDuplicates(request, delivery);
      case 'notify_members':
        return notifyMembers(request, marker);
    }
  };
}

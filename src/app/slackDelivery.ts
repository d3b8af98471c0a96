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
import { approvalMessage } from '../adapters/slack/views/approvalMessage';
import { extensionMessage } from '../adapters/slack/views/extensionMessage';
import { nextStepMessage } from '../adapters/slack/views/nextStepMessage';
import { reminderMessage } from '../adapters/slack/views/reminderMessage';
import { requesterNotice } from '../adapters/slack/views/requesterNotice';
import { reviewReminder } from '../adapters/slack/views/reviewReminder';
import type { AppDeps } from './deps';
import { resolveGroups } from './resolveGroups';

/** What a delivery left behind: the message it posted, for the request to remember. */
export interface Sent {
  posted?: { channel: string; ts: string } | undefined;
}

export type SendDelivery = (request: AccessRequest, delivery: Delivery) => Promise<Sent>;

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
    if (latest?.message) await chat.update(latest.message.channel, latest.message.ts, extensionMessage(request, latest));
    return {};
  }

  async function notifyApprovers(request: AccessRequest, notice: NoticeKind): Promise<Sent> {
    const who = await approvers(request);
    const thread = request.message ? { threadTs: request.message.ts } : {};
    const channel = request.message?.channel ?? request.channel;
    if (notice === 'step') {
      await chat.post(channel, { ...nextStepMessage(request, who), ...thread });
      return {};
    }
    const mentions = who.map((u) => `<@${u}>`).join(' ');
    const what = notice === 'drift' ? 'runwarden did not revert it' : 'runwarden could not finish it';
    const text = `${mentions} Request \`${request.id}\` on ${request.target}: ${what}. ${request.outcome ?? ''}`.trim();
    await chat.post(channel, { text, ...thread });
    return {};
  }

  return async function send(request, delivery) {
    switch (delivery.type) {
      case 'post_message': {
        if (request.message) return {};
        return { posted: await chat.post(request.channel, approvalMessage(request, clock.now())) };
      }
      case 'refresh_message':
        return refreshMessage(request);
      case 'notify_requester': {
        const notice = delivery.notice ?? 'submitted';
        await chat.dm(request.requester, requesterNotice(request, notice, { extendButton: notice === 'expiring' && mayExtend(request) }));
        return {};
      }
      case 'notify_approvers':
        return notifyApprovers(request, delivery.notice ?? 'failed');
      case 'post_extension': {
        const extension = request.extensions?.find((e) => e.n === delivery.n);
        if (!extension || extension.message) return {};
        return { posted: await chat.post(request.channel, extensionMessage(request, extension)) };
      }
      case 'remind_approvers': {
        if (request.status !== 'pending' || !request.message) return {};
        const waitingOn = (await approvers(request)).filter((u) => !request.approvals.some((a) => a.approver === u));
        await chat.post(request.message.channel, { ...reminderMessage(request, waitingOn), threadTs: request.message.ts });
        return {};
      }
      case 'remind_review': {
        if (!awaitsReview(request) || !request.message) return {};
        const policy = deps.policy();
        const rule = findRule(policy, request.kind, request.target)?.rule;
        const groups = await resolveGroups(deps.directory, groupsToGather(policy, rule));
        // any step's approvers may review (SPEC §9 Steps)
        const reviewers = (rule?.steps ?? [{ approvers: request.approverGroup }]).flatMap((step) => approverIds(policy, step.approvers, groups));
        await chat.post(request.message.channel, { ...reviewReminder(request, [...new Set(reviewers)]), threadTs: request.message.ts });
        return {};
      }
    }
  };
}

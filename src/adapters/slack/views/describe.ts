/**
 * Sentences and fields describing a request, shared by every view: what it
 * asks for, where it stands, who approved. All output is Slack mrkdwn with
 * every outside value escaped. What is particular to a kind — its name, the
 * change in words, its facts, what ending it did — comes from the kind's own
 * description (src/kinds/<kind>/describe.ts, through src/kinds/registry.ts),
 * rendered by phrase.ts.
 */
import { type AccessRequest, type RequestKind, approvalsInStep, isFinal } from '../../../domain/request';
import { kindOf } from '../../../kinds/registry';
import {
  type KnownBlock,
  code,
  contextBlock,
  mention,
  fieldsSection,
  header,
  plural,
  safeText,
  section,
  slackDate,
  slackRelative,
} from './format';
import { mrkdwnOf } from './phrase';

/** Longest part of a reason shown in a message (escaped characters). */
export const MAX_REASON = 2000;

export function kindLabel(kind: RequestKind): string {
  return kindOf(kind).describe.label;
}

/** One clause naming the change: "`roles/run.invoker` for `user:a@x` on `svc` for 2h". */
export function changeSummary(request: AccessRequest): string {
  return mrkdwnOf(kindOf(request.kind).describe.change(request));
}

/** What undoing the change meant, for expired/revoked grants. */
function undoneText(request: AccessRequest): string {
  return mrkdwnOf(kindOf(request.kind).describe.undone(request));
}

/** Approvals still needed in the current step (the whole request when it has no steps). */
export function remainingApprovals(request: AccessRequest): number {
  return Math.max(0, request.approvalsRequired - approvalsInStep(request).length);
}

/** " (step 2 of 3)" for a multi-step request, else "". */
export function stepText(request: AccessRequest): string {
  return request.step !== undefined && request.steps ? ` (step ${request.step} of ${request.steps.length})` : '';
}

/** " — reason given: …" for a deny or revoke that gave one (escaped, cut), else "". */
export function decisionReasonText(reason: string | undefined): string {
  return reason ? ` — reason given: ${safeText(reason, 500)}` : '';
}

/** One line for every status (SPEC §7); without `now`, an active grant shows no countdown. */
export function statusLine(request: AccessRequest, now?: Date): string {
  const by = request.decidedBy ? mention(request.decidedBy) : 'someone';
  const at = request.endedAt ? ` ${slackDate(request.endedAt)}` : '';
  const outcome = request.outcome ? ` — ${safeText(request.outcome, 500)}` : '';
  switch (request.status) {
    case 'pending': {
      const n = remainingApprovals(request);
      return `:hourglass_flowing_sand: Waiting for ${n} more ${n === 1 ? 'approval' : 'approvals'} from *${safeText(request.approverGroup, 100)}*${stepText(request)}`;
    }
    case 'approved':
      return ':gear: Approved — applying…';
    case 'active': {
      const exp = request.expiresAt;
      const failing = request.revertFailing;
      if (failing) {
        const asked = request.op?.intent === 'revoke' ? 'revoke requested' : 'due to end';
        return (
          `:rotating_light: Still in force (${asked}): Google refused to undo it ${plural(failing.failures, 'time')}; ` +
          `runwarden keeps trying (next attempt ${slackRelative(failing.retryAt)})`
        );
      }
      if (!exp) return ':large_green_circle: Active';
      if (request.startsAt && (!now || request.startsAt.getTime() > now.getTime())) {
        return `:calendar: Scheduled, from ${slackDate(request.startsAt)} until ${slackDate(exp)}`;
      }
      // "expires in …" as a Slack {ago} token: right whenever the message is read, not only when it was drawn
      const left = now && exp.getTime() <= now.getTime() ? 'expiry due — being removed' : `expires ${slackRelative(exp)}`;
      return `:large_green_circle: Active until ${slackDate(exp)} (${left})`;
    }
    case 'applied':
      return `:white_check_mark: Applied${request.appliedAt ? ` ${slackDate(request.appliedAt)}` : ''}`;
    case 'denied':
      return `:x: Denied by ${by}${at}${outcome}${decisionReasonText(request.decisionReason)}`;
    case 'cancelled':
      return `:wastebasket: Cancelled by ${request.decidedBy ? by : mention(request.requester)}${at}`;
    case 'timed_out':
      return `:hourglass: Timed out${at} with ${request.approvals.length} of ${plural(request.approvalsRequired, 'approval')}${outcome}`;
    case 'expired': {
      const when = request.endedAt ?? request.expiresAt;
      return `:checkered_flag: Expired${when ? ` ${slackDate(when)}` : ''} — ${undoneText(request)}`;
    }
    case 'revoked':
      return `:octagonal_sign: Revoked by ${by}${at} — ${undoneText(request)}${decisionReasonText(request.decisionReason)}`;
    case 'failed':
      return `:warning: Failed — ${request.outcome ? safeText(request.outcome, 1000) : 'no details were recorded'}`;
  }
}

/** "<@B> <date>, <@C> <date> · 1 of 2 approvals" */
export function approvalsLine(request: AccessRequest): string {
  if (request.autoApproved) return 'Auto-approved by runwarden (the rule approves such requests itself)';
  if (request.breakGlass) {
    const review =
      request.reviewedBy && request.reviewedAt
        ? `reviewed by ${mention(request.reviewedBy)} ${slackDate(request.reviewedAt)}`
        : 'awaiting review';
    return `Break-glass: applied without approval · ${review}`;
  }
  if (request.steps) {
    // Every step, in order, with who approved it.
    return request.steps
      .map((level, index) => {
        const given = approvalsInStep(request, index + 1);
        const who = given.map((a) => `${mention(a.approver)} ${slackDate(a.at)}`).join(', ');
        return `Step ${index + 1} (*${safeText(level.approverGroup, 100)}*): ${who ? `approved by ${who}` : 'no approvals yet'} · ${given.length} of ${plural(level.approvalsRequired, 'approval')}`;
      })
      .join('\n');
  }
  const who = request.approvals.map((a) => `${mention(a.approver)} ${slackDate(a.at)}`);
  const count = `${request.approvals.length} of ${plural(request.approvalsRequired, 'approval')}`;
  if (who.length > 0) return `Approved by ${who.join(', ')} · ${count}`;
  return `${isFinal(request.status) ? 'No approvals' : 'No approvals yet'} · ${count}`;
}

/** The request's facts as section fields (at most 10). */
export function requestFields(request: AccessRequest): string[] {
  const { describe } = kindOf(request.kind);
  return [
    `*Request*\n${code(request.id, 100)}`,
    `*Requested by*\n${mention(request.requester)}`,
    `*${describe.targetNoun}*\n${code(request.target, 1000)}`,
    ...describe.fields(request).map((field) => `*${field.title}*\n${mrkdwnOf(field.value)}`),
  ];
}

/** Facts produced by applying (new revision, key version, binding title), if any. */
export function resultLine(request: AccessRequest): string | undefined {
  const entries = Object.entries(request.result ?? {});
  if (entries.length === 0) return undefined;
  return `*Result:* ${entries
    .slice(0, 10)
    .map(([k, v]) => `${safeText(k, 50)} ${code(v, 300)}`)
    .join(' · ')}`;
}

/** The blocks describing a request, shared by the approval message and `/warden status`. */
export function requestBlocks(request: AccessRequest): KnownBlock[] {
  const blocks: KnownBlock[] = [header(`${kindLabel(request.kind)} request ${request.id}`), fieldsSection(requestFields(request))];
  for (const more of kindOf(request.kind).describe.sections(request)) blocks.push(section(mrkdwnOf(more)));
  blocks.push(section(`*Reason*\n${safeText(request.reason, MAX_REASON)}`));
  const result = resultLine(request);
  if (result) blocks.push(section(result));
  // the rule it was filed under, by name (SPEC §5 `name`; requests filed before rules had names have none)
  const rule = request.rule === undefined ? '' : ` under rule ${code(request.rule, 100)}`;
  blocks.push(contextBlock([approvalsLine(request), `Requested ${slackDate(request.createdAt)}${rule}`]));
  return blocks;
}

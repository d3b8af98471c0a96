/**
 * Sentences and fields describing a request, shared by every view: what it
 * asks for, where it stands, who approved. All output is Slack mrkdwn with
 * every outside value escaped.
 *
 * Facts read from `request.context` (filled at submission from Google):
 *   egress/ingress: `current` (setting at request time), `vpcConnector`,
 *                   `networkInterfaces` (list), `latestReadyRevision`
 *   rotate:         `primaryVersion`, `services` (list: services using the key
 *                   as CMEK), `rotationPeriod` (current schedule, text)
 */
import { type AccessRequest, type RequestKind, approvalsInStep, isFinal } from '../../../domain/request';
import {
  type KnownBlock,
  code,
  contextBlock,
  contextList,
  contextString,
  formatDuration,
  formatRemaining,
  listWithMore,
  mention,
  fieldsSection,
  header,
  plural,
  safeText,
  section,
  slackDate,
} from './format';

/** Longest part of a reason shown in a message (escaped characters). */
export const MAX_REASON = 2000;

/** Blast-radius entries shown before "and N more". */
export const MAX_SERVICES_SHOWN = 20;

const KIND_LABELS: Record<RequestKind, string> = {
  invoker: 'Invoker access',
  egress: 'Egress change',
  ingress: 'Ingress change',
  rotate: 'Key rotation',
};

export function kindLabel(kind: RequestKind): string {
  return KIND_LABELS[kind];
}

/** The last path segment of a resource name ("payments" for …/services/payments). */
export function shortName(target: string): string {
  return target.split('/').pop() ?? target;
}

export function durationText(request: AccessRequest): string {
  if (!(typeof request.durationSeconds === 'number' && request.durationSeconds > 0)) return 'permanent';
  return `${formatDuration(request.durationSeconds)}${windowText(request)}`;
}

/** A scheduled grant's window, " from <start> until <end>"; "" for grants that start when applied. */
export function windowText(request: Pick<AccessRequest, 'startsAt' | 'durationSeconds'>): string {
  if (request.startsAt === undefined || request.durationSeconds === undefined) return '';
  const end = new Date(request.startsAt.getTime() + request.durationSeconds * 1000);
  return ` from ${slackDate(request.startsAt)} until ${slackDate(end)}`;
}

/** One clause naming the change: "`roles/run.invoker` for `user:a@x` on `svc` for 2h". */
export function changeSummary(request: AccessRequest): string {
  const target = code(shortName(request.target), 200);
  switch (request.kind) {
    case 'invoker':
      return `${code(request.role ?? 'roles/run.invoker', 200)} for ${code(request.member ?? 'the requester', 300)} on ${target} for ${durationText(request)}`;
    case 'egress':
    case 'ingress': {
      const lasting = request.durationSeconds ? `for ${durationText(request)}` : 'permanently';
      return `${request.kind} ${code(request.value ?? '?', 100)} on ${target} ${lasting}`;
    }
    case 'rotate':
      return `rotation of key ${target}`;
  }
}

/** What undoing the change meant, for expired/revoked grants. */
function undoneText(request: AccessRequest): string {
  if (request.kind === 'invoker') return 'access removed';
  if (request.kind === 'egress' || request.kind === 'ingress') {
    const drift = request.result?.drift;
    if (drift !== undefined) return `${request.kind} left at ${code(drift, 100)}: changed outside runwarden, not set back`;
    const back = request.previousValue ?? contextString(request.context, 'current');
    return back ? `${request.kind} set back to ${code(back, 100)}` : `${request.kind} set back`;
  }
  return 'nothing to undo';
}

/** Approvals still needed in the current step (the whole request when it has no steps). */
export function remainingApprovals(request: AccessRequest): number {
  return Math.max(0, request.approvalsRequired - approvalsInStep(request).length);
}

/** " (step 2 of 3)" for a multi-step request, else "". */
export function stepText(request: AccessRequest): string {
  return request.step !== undefined && request.steps ? ` (step ${request.step} of ${request.steps.length})` : '';
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
      if (!exp) return ':large_green_circle: Active';
      if (request.startsAt && (!now || request.startsAt.getTime() > now.getTime())) {
        return `:large_green_circle: Active — scheduled from ${slackDate(request.startsAt)} until ${slackDate(exp)}`;
      }
      if (!now) return `:large_green_circle: Active until ${slackDate(exp)}`;
      const left =
        exp.getTime() > now.getTime() ? `expires in ${formatRemaining(exp, now)}` : 'expiry due — being removed';
      return `:large_green_circle: Active until ${slackDate(exp)} (${left})`;
    }
    case 'applied':
      return `:white_check_mark: Applied${request.appliedAt ? ` ${slackDate(request.appliedAt)}` : ''}`;
    case 'denied':
      return `:x: Denied by ${by}${at}${outcome}`;
    case 'cancelled':
      return `:wastebasket: Cancelled by ${request.decidedBy ? by : mention(request.requester)}${at}`;
    case 'timed_out':
      return `:hourglass: Timed out${at} with ${request.approvals.length} of ${plural(request.approvalsRequired, 'approval')}${outcome}`;
    case 'expired': {
      const when = request.endedAt ?? request.expiresAt;
      return `:checkered_flag: Expired${when ? ` ${slackDate(when)}` : ''} — ${undoneText(request)}`;
    }
    case 'revoked':
      return `:octagonal_sign: Revoked by ${by}${at} — ${undoneText(request)}`;
    case 'failed':
      return `:warning: Failed — ${request.outcome ? safeText(request.outcome, 1000) : 'no details were recorded'}`;
  }
}

/** "<@B> <date>, <@C> <date> · 1 of 2 approvals" */
export function approvalsLine(request: AccessRequest): string {
  if (request.autoApproved) return 'Auto-approved by runwarden (the rule approves such requests itself)';
  if (request.breakGlass) {
    const review = request.reviewedBy && request.reviewedAt ? `reviewed by ${mention(request.reviewedBy)} ${slackDate(request.reviewedAt)}` : 'awaiting review';
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

function vpcAccess(request: AccessRequest): string {
  const connector = contextString(request.context, 'vpcConnector');
  const interfaces = contextList(request.context, 'networkInterfaces');
  const parts: string[] = [];
  if (connector) parts.push(`connector ${code(connector, 300)}`);
  if (interfaces.length > 0) parts.push(`interfaces ${listWithMore(interfaces, 5, (i) => code(i, 200)).join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'none';
}

/** Blast radius of a key rotation: services using the key as CMEK. */
export function blastRadius(request: AccessRequest): string {
  const services = contextList(request.context, 'services');
  const noteText = contextString(request.context, 'blastRadiusNote');
  const note = noteText ? `\n:warning: ${safeText(noteText, 300)}` : '';
  if (services.length === 0) return `*Blast radius:* none found — no Cloud Run service uses this key as CMEK${note}`;
  const lines = listWithMore(services, MAX_SERVICES_SHOWN, (s) => `• ${code(s, 120)}`);
  return `*Blast radius:* ${plural(services.length, 'service')} use this key as CMEK\n${lines.join('\n')}${note}`;
}

/** The request's facts as section fields (at most 10). */
export function requestFields(request: AccessRequest): string[] {
  const fields = [
    `*Request*\n${code(request.id, 100)}`,
    `*Requested by*\n${mention(request.requester)}`,
    `*${request.kind === 'rotate' ? 'Key' : 'Service'}*\n${code(request.target, 1000)}`,
  ];
  const ctx = request.context;
  switch (request.kind) {
    case 'invoker':
      fields.push(`*Role*\n${code(request.role ?? 'roles/run.invoker', 300)}`);
      fields.push(`*Member*\n${code(request.member ?? '—', 300)}`);
      fields.push(`*Duration*\n${durationText(request)}`);
      break;
    case 'egress':
    case 'ingress': {
      const current = contextString(ctx, 'current') ?? request.previousValue;
      fields.push(
        `*${request.kind === 'egress' ? 'Egress' : 'Ingress'}*\n${code(current ?? 'unknown', 100)} → ${code(request.value ?? '?', 100)}`,
      );
      fields.push(`*Duration*\n${durationText(request)}`);
      fields.push(`*VPC access*\n${vpcAccess(request)}`);
      const revision = contextString(ctx, 'latestReadyRevision');
      fields.push(`*Latest ready revision*\n${revision ? code(revision, 300) : 'unknown'}`);
      break;
    }
    case 'rotate': {
      const primary = contextString(ctx, 'primaryVersion');
      fields.push(`*Current primary version*\n${primary ? versionText(request.target, primary) : 'none'}`);
      const current = contextString(ctx, 'rotationPeriod');
      const wanted = request.rotationPeriodSeconds
        ? `every ${formatDuration(request.rotationPeriodSeconds)}`
        : 'unchanged';
      fields.push(`*Rotation period*\n${wanted}${current ? ` (now ${safeText(current, 50)})` : ''}`);
      break;
    }
  }
  return fields;
}

/** A key version as "`3`" when it belongs to the key, else its full name. */
function versionText(key: string, version: string): string {
  const prefix = `${key}/cryptoKeyVersions/`;
  return version.startsWith(prefix) ? code(version.slice(prefix.length), 100) : code(version, 500);
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
  const blocks: KnownBlock[] = [
    header(`${kindLabel(request.kind)} request ${request.id}`),
    fieldsSection(requestFields(request)),
  ];
  if (request.kind === 'rotate') blocks.push(section(blastRadius(request)));
  blocks.push(section(`*Reason*\n${safeText(request.reason, MAX_REASON)}`));
  const result = resultLine(request);
  if (result) blocks.push(section(result));
  blocks.push(contextBlock([approvalsLine(request), `Requested ${slackDate(request.createdAt)}`]));
  return blocks;
}

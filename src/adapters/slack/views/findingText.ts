/**
 * How a posture finding reads in Slack (SPEC §11): what was found, in an
 * engineer's words, what to do about it, and the Google guidance it comes
 * from. Shared by `/warden posture`, the channel summary and App Home. Pure.
 */
import type { Finding, FindingDraft, FindingKind } from '../../../domain/posture/finding';
import { GUIDANCE, severityLabel, whatToDo } from '../../../domain/posture/guidance';
import { code, formatDuration, plainDate, safeText } from './format';

export function kindTitle(kind: FindingKind): string {
  return GUIDANCE[kind].title;
}

/** What was found, one sentence. */
export function findingSubject(finding: Pick<FindingDraft, 'detail' | 'resource'>): string {
  const d = finding.detail;
  const where = (level: 'service' | 'project') =>
    level === 'project' ? `every service of ${code(finding.resource)}` : code(finding.resource);
  switch (d.kind) {
    case 'public_service':
      return `${d.members.map((m) => code(m)).join(' and ')} may invoke ${where(d.level)} (${d.roles.map((r) => code(r)).join(', ')}).`;
    case 'standing_access':
      return `${d.members.map((m) => code(m)).join(', ')} ${d.members.length === 1 ? 'holds' : 'hold'} ${code(d.role)} on ${where(d.level)} with no end date.`;
    case 'open_ingress':
      return `${code(finding.resource)} accepts traffic from the internet (ingress ${d.ingress === 'all' ? '`all`' : 'unspecified, which Cloud Run treats as `all`'}).`;
    case 'default_service_account':
      return `${code(finding.resource)} runs as the Compute Engine default service account${d.serviceAccount ? ` ${code(d.serviceAccount)}` : ' (it names no service account)'}.`;
    case 'no_cmek':
      return `${code(finding.resource)} has no customer-managed encryption key.`;
    case 'key_rotation': {
      const rotation =
        d.rotationPeriodSeconds === undefined
          ? 'never rotates automatically'
          : `rotates only every ${formatDuration(d.rotationPeriodSeconds)}`;
      const more = d.serviceCount > d.services.length ? ` and ${d.serviceCount - d.services.length} more` : '';
      return `Key ${code(finding.resource)} ${rotation}; it protects ${d.services.map((s) => code(s)).join(', ')}${more}.`;
    }
    case 'lingering_binding':
      return `${code(d.role)} for ${d.members.map((m) => code(m)).join(', ')} on ${where(d.level)}: its condition "${safeText(d.title, 100)}" expired ${plainDate(d.expiredAt)}.`;
  }
}

/** The guidance reference: its name and its page (a bare URL, which Slack links by itself). */
export function guidanceLink(kind: FindingKind): string {
  const g = GUIDANCE[kind];
  return `${safeText(g.source, 300)} (${g.url})`;
}

/** A finding in full: severity, id, kind, what was found, what to do, where the advice comes from. */
export function findingBlockText(finding: Finding | (FindingDraft & { status?: undefined }), slash: string): string {
  return [
    `*${severityLabel(finding.severity)}* · ${code(finding.id, 20)} · *${kindTitle(finding.kind)}*`,
    findingSubject(finding),
    `→ ${safeText(whatToDo(finding, slash), 1500)}`,
    `From ${guidanceLink(finding.kind)}.`,
  ].join('\n');
}

/** A finding in one line (summaries): id, kind, subject. */
export function findingLine(finding: Pick<FindingDraft, 'id' | 'kind' | 'detail' | 'resource'>): string {
  return `• ${code(finding.id, 20)} · ${kindTitle(finding.kind)} · ${findingSubject(finding)}`;
}

/** Whether a finding offers **Convert**: open standing access on a service that a rule covers (SPEC §11; never "no rule covers this yet"). */
export function offersConvert(finding: Pick<FindingDraft, 'detail'> & { status?: string | undefined }): boolean {
  const d = finding.detail;
  return (
    d.kind === 'standing_access' &&
    d.level === 'service' &&
    d.rule !== undefined &&
    (finding.status === undefined || finding.status === 'open')
  );
}

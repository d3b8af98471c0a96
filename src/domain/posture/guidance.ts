/**
 * What each finding means and what to do about it, in an engineer's words,
 * with the Google guidance it comes from — and how bad it is (`severity`,
 * lower is worse: `/warden posture` lists the worst first). Pure.
 */
import { formatDuration } from '../duration';
import type { FindingDetail, FindingDraft, FindingKind } from './finding';

export interface Guidance {
  /** a short title: "Standing access" */
  title: string;
  /** the Google guidance it comes from, by name */
  source: string;
  url: string;
}

export const GUIDANCE: Record<FindingKind, Guidance> = {
  public_service: {
    title: 'Public service',
    source: "Cloud Run's guidance on public access: allow unauthenticated invocations only for public websites and APIs",
    url: 'https://cloud.google.com/run/docs/authenticating/public',
  },
  standing_access: {
    title: 'Standing access',
    source: "Google Cloud's IAM guidance: least privilege, and temporary (time-bound) access instead of standing grants",
    url: 'https://cloud.google.com/iam/docs/configuring-temporary-access',
  },
  open_ingress: {
    title: 'Ingress open to the internet',
    source: "Cloud Run's guidance on restricting network ingress",
    url: 'https://cloud.google.com/run/docs/securing/ingress',
  },
  default_service_account: {
    title: 'Default service account',
    source:
      "Cloud Run's service identity guidance: a dedicated, least-privileged service account per service, not the Compute Engine default",
    url: 'https://cloud.google.com/run/docs/securing/service-identity',
  },
  lingering_binding: {
    title: 'Expired conditional binding',
    source: "Google Cloud's IAM guidance on temporary access (remove role bindings whose time condition has passed)",
    url: 'https://cloud.google.com/iam/docs/configuring-temporary-access',
  },
  no_cmek: {
    title: 'No customer-managed key',
    source: "Cloud Run's guidance on customer-managed encryption keys (CMEK)",
    url: 'https://cloud.google.com/run/docs/securing/using-cmek',
  },
  key_rotation: {
    title: 'Key not rotated',
    source: "Cloud KMS's key rotation guidance: rotate symmetric keys automatically, on a regular schedule",
    url: 'https://cloud.google.com/kms/docs/key-rotation',
  },
};

/** Severity rank by kind (and, for standing access and public services, by reach: a project is worse than one service). */
export function severityOf(detail: FindingDetail): number {
  switch (detail.kind) {
    case 'public_service':
      return detail.level === 'project' ? 5 : 10;
    case 'standing_access':
      return detail.level === 'project' ? 20 : 30;
    case 'open_ingress':
      return 40;
    case 'default_service_account':
      return 50;
    case 'lingering_binding':
      return 60;
    case 'no_cmek':
      return 70;
    case 'key_rotation':
      return 80;
  }
}

/** critical / high / medium / low, from the severity rank. */
export function severityLabel(severity: number): 'critical' | 'high' | 'medium' | 'low' {
  if (severity < 20) return 'critical';
  if (severity < 50) return 'high';
  if (severity < 70) return 'medium';
  return 'low';
}

/**
 * What to do about `finding`, in one or two plain sentences (Slack mrkdwn:
 * commands in backticks). `slash` is the configured slash command.
 */
export function whatToDo(finding: Pick<FindingDraft, 'id' | 'detail' | 'resource'>, slash: string): string {
  const detail = finding.detail;
  switch (detail.kind) {
    case 'public_service':
      return `Remove ${detail.members.join(' and ')} from ${detail.roles.join(', ')} so that callers must authenticate, and grant \`roles/run.invoker\` to the callers that need it. If it really serves the public, list it in \`posture.public\`.`;
    case 'standing_access': {
      const who = detail.members.join(', ');
      const groups = detail.members.some((m) => m.startsWith('group:'));
      const project = detail.level === 'project';
      if (detail.rule === undefined) {
        return `No rule covers this yet: converting it would lock ${who} out. Add an invoker rule that can grant ${detail.role}${groups ? ' to groups (`members: [group]`)' : ''} on ${project ? `every service of ${finding.resource}` : finding.resource}, then ${project ? 'remove this project-wide binding' : 'convert it'}.`;
      }
      return project
        ? `Replace it by just-in-time access: rule ${detail.rule} lets ${who} ask \`${slash} invoker …\` for ${detail.role} on each service when needed. runwarden never edits a project's own policy: remove this project-wide binding by hand.`
        : `Replace it by just-in-time access: \`${slash} convert ${finding.id} <reason…>\` asks the posture approvers to remove ${detail.members.length === 1 ? 'this member' : 'these members'} from the binding (nothing else); rule ${detail.rule} then lets ${who} ask \`${slash} invoker …\` for ${detail.role} when needed.`;
    }
    case 'open_ingress':
      return `Restrict ingress to \`internal\` or \`internal-and-cloud-load-balancing\` (\`${slash} ingress ${finding.resource} internal <reason…>\`), unless it serves the internet: then list it in \`posture.public\`.`;
    case 'default_service_account':
      return 'Deploy it with a dedicated, user-managed service account that holds only the roles this service needs (the Compute Engine default account usually holds Editor on the whole project).';
    case 'lingering_binding':
      return `Remove this binding from the policy: its condition "${detail.title}" expired, so it grants nothing, but it hides the real grants and counts toward the policy's limits.`;
    case 'no_cmek':
      return `Redeploy it with a customer-managed encryption key (\`template.encryption_key\`): \`posture.requireCmek\` (${detail.requiredBy}) asks for one.`;
    case 'key_rotation':
      return `${detail.rotationPeriodSeconds === undefined ? 'Give it an automatic rotation period' : `Shorten its rotation period (now ${formatDuration(detail.rotationPeriodSeconds)})`} to at most ${formatDuration(detail.maxRotationSeconds)}: \`${slash} rotate ${finding.resource} <reason…> --rotation-period ${formatDuration(detail.maxRotationSeconds)}\`.`;
  }
}

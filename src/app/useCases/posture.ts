/**
 * Reading the posture findings (SPEC §11): `/warden posture [<scope>]` and
 * the posture section of the approvers' App Home. Read-only.
 *
 * Who may read them: findings are a map of an estate's weak spots, so they
 * are shown to the posture approvers and to people of the organization —
 * whose Google identity (the policy's identities, else their Slack profile
 * email) is in the policy's `domains` — and to nobody else (a guest or an
 * outside account gets a refusal that says why).
 */
import { identityEmail } from '../../domain/policy/identity';
import { approverIds } from '../../domain/authority/facts';
import type { Policy } from '../../domain/policy/schema';
import { SLACK_GROUP_ID } from '../../domain/policy/schema';
import type { Finding, FindingKind } from '../../domain/posture/finding';
import { resolvePostureTarget } from '../../domain/posture/target';
import type { AppDeps } from '../deps';
import { resolveGroups } from '../resolveGroups';

export interface PostureReportData {
  what: string;
  counts: Record<FindingKind, number>;
  findings: Finding[];
  lastScan?: Date | undefined;
}

export type PostureReportResult = { ok: true; report: PostureReportData } | { ok: false; message: string };

/** Findings `/warden posture` shows in full. */
export const REPORT_FINDINGS = 20;
/** Findings the App Home section shows. */
export const HOME_FINDINGS = 5;

export function createPostureQueries(deps: AppDeps) {
  async function isPostureApprover(policy: Policy, user: string): Promise<boolean> {
    const posture = policy.posture;
    if (!posture) return false;
    const entries = policy.approverGroups[posture.approvers] ?? [];
    const groups = await resolveGroups(
      deps.directory,
      entries.filter((e) => SLACK_GROUP_ID.test(e)),
    );
    return approverIds(policy, posture.approvers, groups).includes(user);
  }

  async function mayRead(policy: Policy, user: string): Promise<boolean> {
    if (await isPostureApprover(policy, user)) return true;
    const email = identityEmail(policy, user, await deps.directory.emailOf(user));
    const domain = email?.slice(email.lastIndexOf('@') + 1).toLowerCase();
    return domain !== undefined && policy.domains.includes(domain);
  }

  async function report(user: string, targetText: string | undefined): Promise<PostureReportResult> {
    const policy = deps.policy();
    if (!policy.posture)
      return { ok: false, message: 'The posture scan is not turned on: the policy has no `posture` section (see docs/posture.md).' };
    if (!(await mayRead(policy, user))) {
      return {
        ok: false,
        message:
          "Posture findings are shown to the posture approvers and to people whose Google account is in the policy's domains; yours is not.",
      };
    }
    const resolved = resolvePostureTarget(policy, targetText);
    if (!resolved.ok) return { ok: false, message: resolved.error };
    const [counts, listed, lastScan] = await Promise.all([
      deps.findings.countOpen(resolved.target),
      deps.findings.listOpen(resolved.target, REPORT_FINDINGS),
      deps.findings.scanFinishedBy(deps.clock.now()),
    ]);
    for (const bad of listed.malformed)
      deps.logger.error('skipped a malformed finding document', { findingId: bad.id, problem: bad.problem, reader: 'posture' });
    return { ok: true, report: { what: resolved.what, counts, findings: listed.findings, lastScan: lastScan?.finishedAt } };
  }

  /** The App Home section of a posture approver (undefined for anyone else, and when posture is off). */
  async function home(user: string): Promise<{ counts: Record<FindingKind, number>; findings: Finding[] } | undefined> {
    const policy = deps.policy();
    if (!policy.posture || !(await isPostureApprover(policy, user))) return undefined;
    const [counts, listed] = await Promise.all([
      deps.findings.countOpen({ all: true }),
      deps.findings.listOpen({ all: true }, HOME_FINDINGS),
    ]);
    return { counts, findings: listed.findings };
  }

  return { report, home, isPostureApprover: (user: string) => isPostureApprover(deps.policy(), user) };
}

/**
 * The posture channel's summary after a scan that changed something (SPEC
 * §11): what is new, what was resolved, what is open by kind, and the trend
 * since the last week — fewer standing bindings is the point. Pure.
 */
import { FINDING_KINDS, type FindingDraft } from '../../../domain/posture/finding';
import type { PostureScan } from '../../../ports';
import { findingLine, kindTitle } from './findingText';
import { type KnownBlock, type SlackView, contextBlock, header, linesToSections, plainDate, safeText, section } from './format';

export interface PostureSummaryInput {
  scan: PostureScan;
  /** the latest scan finished a week or more before this one, if any */
  lastWeek?: PostureScan | undefined;
  /** the worst new (or reopened) findings, at most a few */
  created: readonly FindingDraft[];
  slash: string;
}

function trend(now: number, before: number): string {
  if (now === before) return `${now} (=)`;
  return `${before} → ${now} (${now < before ? '−' : '+'}${Math.abs(now - before)})`;
}

export function postureSummary(input: PostureSummaryInput): SlackView {
  const { scan, lastWeek } = input;
  const openTotal = FINDING_KINDS.reduce((sum, kind) => sum + scan.open[kind], 0);
  const changes = `*${scan.created} new*, *${scan.reopened} back*, *${scan.resolved} resolved* · ${openTotal} open`;
  const openLine = FINDING_KINDS.filter((kind) => scan.open[kind] > 0 || (lastWeek?.open[kind] ?? 0) > 0)
    .map((kind) => `${kindTitle(kind)}: ${lastWeek ? trend(scan.open[kind], lastWeek.open[kind]) : scan.open[kind]}`)
    .join(' · ');
  const standing = lastWeek
    ? scan.open.standing_access < lastWeek.open.standing_access
      ? `Standing access is down ${lastWeek.open.standing_access - scan.open.standing_access} since ${plainDate(lastWeek.finishedAt)}. :chart_with_downwards_trend:`
      : scan.open.standing_access > lastWeek.open.standing_access
        ? `Standing access is up ${scan.open.standing_access - lastWeek.open.standing_access} since ${plainDate(lastWeek.finishedAt)}.`
        : `Standing access is unchanged since ${plainDate(lastWeek.finishedAt)}.`
    : 'No scan from a week ago to compare with yet.';
  const failed = scan.scopes.filter((s) => !s.ok);
  const blocks: KnownBlock[] = [
    header('Posture scan'),
    section(`${changes}\n${openLine || 'Nothing open.'}\n${standing}`),
    ...(input.created.length > 0 ? linesToSections(['*New*', ...input.created.map((f) => findingLine(f))], 3, 'finding') : []),
    ...(failed.length > 0
      ? [
          section(
            `:warning: *Not read this time* (their findings are kept as they were):\n${failed.map((s) => `• ${safeText(`${s.scope}: ${s.problem ?? 'not read'}`, 400)}`).join('\n')}`,
          ),
        ]
      : []),
    contextBlock([`Scan ${scan.id} · ${plainDate(scan.finishedAt)} · \`${input.slash} posture\` lists every open finding, worst first.`]),
  ];
  const text = `Posture scan: ${scan.created} new, ${scan.reopened} back, ${scan.resolved} resolved, ${openTotal} open (standing access ${scan.open.standing_access}${lastWeek ? `, a week ago ${lastWeek.open.standing_access}` : ''})${failed.length > 0 ? `; not read: ${failed.map((s) => s.scope).join(', ')}` : ''}`;
  return { text: safeText(text, 2900), blocks };
}

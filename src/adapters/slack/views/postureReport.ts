/**
 * `/warden posture [<scope>]` (SPEC §4, §11): the open findings counted by
 * kind, then the worst first, each with its id, what was found, what to do
 * and the Google guidance it comes from. Pure.
 */
import { FINDING_KINDS, type Finding, type FindingKind } from '../../../domain/posture/finding';
import { findingBlockText, kindTitle, offersConvert } from './findingText';
import { convertButton } from './convertButton';
import {
  type KnownBlock,
  type SectionBlock,
  type SlackView,
  contextBlock,
  fieldsSection,
  header,
  plainDate,
  safeText,
  section,
} from './format';

export interface PostureReportInput {
  /** what the report covers: "the policy's scope", "project acme-prod", … */
  what: string;
  counts: Record<FindingKind, number>;
  /** the worst open findings, worst first */
  findings: Finding[];
  /** when the latest scan finished, if any */
  lastScan?: Date | undefined;
  slash: string;
}

/** Findings shown in full (each one section; the view stays within a message's 50 blocks). */
export const REPORT_MAX_FINDINGS = 20;

export function postureReport(input: PostureReportInput): SlackView {
  const total = FINDING_KINDS.reduce((sum, kind) => sum + input.counts[kind], 0);
  const countLine = FINDING_KINDS.map((kind) => `${input.counts[kind]} ${kindTitle(kind).toLowerCase()}`).join(' · ');
  const scanned = input.lastScan
    ? `Latest scan ${plainDate(input.lastScan)}.`
    : 'No scan has finished yet: findings appear after the first daily scan.';
  const shown = input.findings.slice(0, REPORT_MAX_FINDINGS);
  const blocks: KnownBlock[] = [
    header(`Posture: ${total} open finding${total === 1 ? '' : 's'}`),
    contextBlock([`${safeText(input.what, 300)} · ${scanned}`]),
    fieldsSection(FINDING_KINDS.map((kind) => `*${kindTitle(kind)}*\n${input.counts[kind]}`)),
  ];
  if (shown.length === 0) {
    blocks.push(section(total === 0 ? 'Nothing open. :tada:' : 'No open finding could be read (see the logs).'));
  } else {
    blocks.push({ type: 'divider' }, ...shown.map((finding) => withConvert(section(findingBlockText(finding, input.slash)), finding)));
    if (total > shown.length)
      blocks.push(
        contextBlock([`…and ${total - shown.length} more, less severe. Narrow it: \`${input.slash} posture &lt;project or service&gt;\`.`]),
      );
  }
  const text = `Posture (${input.what}): ${total} open — ${countLine}${shown[0] ? `. Worst: ${shown[0].id} ${kindTitle(shown[0].kind)} on ${shown[0].resource}` : ''}`;
  return { text: safeText(text, 2900), blocks };
}

function withConvert(block: SectionBlock, finding: Finding): SectionBlock {
  return offersConvert(finding) ? { ...block, accessory: convertButton(finding.id) } : block;
}

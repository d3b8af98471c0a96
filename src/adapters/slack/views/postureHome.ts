/**
 * The posture section of a posture approver's App Home (SPEC §11): the open
 * findings counted by kind and the worst few, each with its id, what was
 * found and what to do. At most POSTURE_HOME_BLOCKS blocks, so the Home tab
 * stays within Slack's 100. Pure.
 */
import { FINDING_KINDS, type Finding, type FindingKind } from '../../../domain/posture/finding';
import { findingBlockText, kindTitle, offersConvert } from './findingText';
import { convertButton } from './convertButton';
import { type KnownBlock, type SectionBlock, contextBlock, header, section } from './format';

export interface PostureHomeData {
  counts: Record<FindingKind, number>;
  /** the worst open findings, worst first (a few) */
  findings: Finding[];
}

/** header + counts + up to 5 findings + the "more" line */
export const POSTURE_HOME_BLOCKS = 8;

export function postureHomeBlocks(data: PostureHomeData, slash: string): KnownBlock[] {
  const total = FINDING_KINDS.reduce((sum, kind) => sum + data.counts[kind], 0);
  const counts = FINDING_KINDS.filter((kind) => data.counts[kind] > 0).map(
    (kind) => `${data.counts[kind]} ${kindTitle(kind).toLowerCase()}`,
  );
  const shown = data.findings.slice(0, 5);
  return [
    header(`Posture: ${total} open finding${total === 1 ? '' : 's'}`),
    contextBlock([
      total === 0
        ? 'Nothing open in the posture scope. :tada:'
        : `${counts.join(' · ')} — you decide their conversions (posture approver).`,
    ]),
    ...shown.map((finding) => withConvert(section(findingBlockText(finding, slash)), finding)),
    ...(total > shown.length ? [contextBlock([`…and ${total - shown.length} more: \`${slash} posture\` lists them, worst first.`])] : []),
  ].slice(0, POSTURE_HOME_BLOCKS);
}

function withConvert(block: SectionBlock, finding: Finding): SectionBlock {
  return offersConvert(finding) ? { ...block, accessory: convertButton(finding.id) } : block;
}

/**
 * The answer to `/warden explain <request…>` (an ephemeral reply to the
 * person who asked): the request in words, the rule it falls under (by name),
 * and what would happen — who would approve it, each level with its group,
 * how many and the people whose approval could count; auto-approval;
 * break-glass; or exactly why it would be refused (the refusal submit gives).
 *
 * Nobody is pinged: the reply is ephemeral, seen only by the person who
 * asked, and Slack notifies nobody of a mention in a message they cannot see;
 * people are shown as `<@U…>` so that the asker reads names. Channels are
 * links (`<#C…>`), which notify nobody. Pure.
 */
import type { DryRun, DryRunStep } from '../../../domain/authority/dryRun';
import type { Refusal } from '../../../domain/authority/refusal';
import type { WardenError } from '../../../domain/errors';
import {
  channelLink,
  code,
  formatDuration,
  LIMITS,
  listWithMore,
  mention,
  plural,
  safeText,
  section,
  truncate,
  type SlackView,
} from './format';
import { refusalText, userText } from './refusalText';

/** What was explained: the request, names resolved. */
export interface ExplainedAsk {
  kind: string;
  /** full resource name */
  target: string;
  durationSeconds?: number | undefined;
  startsAt?: Date | undefined;
  breakGlass?: boolean | undefined;
}

/** How many people of a level are listed by name before "and N more". */
const PEOPLE_SHOWN = 8;

export function explainView(ask: ExplainedAsk, dryRun: DryRun, blocked: WardenError | undefined, slash = '/warden'): SlackView {
  const what =
    `${safeText(ask.kind, 40)} on ${code(ask.target)}` +
    (ask.durationSeconds === undefined ? '' : ` for ${formatDuration(ask.durationSeconds)}`) +
    (ask.breakGlass ? ' with --break-glass' : '');
  const head = `:mag: *Dry run* of ${what} — nothing was requested, recorded or posted.`;
  const lines = [head, ...outcomeLines(dryRun, blocked, slash)];
  const text = truncate(lines.join('\n'), LIMITS.sectionText);
  return { text, blocks: [section(text)] };
}

function ruleWords(name: string): string {
  return `rule *${safeText(name, 100)}*`;
}

function outcomeLines(dryRun: DryRun, blocked: WardenError | undefined, slash: string): string[] {
  if (dryRun.outcome === 'refused') {
    const under = dryRun.rule ? ` (it falls under ${ruleWords(dryRun.rule.name)})` : '';
    return [`:no_entry: It would be refused${under}: ${safeText(refusalText(dryRun.refusal, slash), 1500)}`];
  }
  const rule = ruleWords(dryRun.rule.name);
  if (blocked) {
    return [`:no_entry: The policy allows it under ${rule}, but it would be refused: ${safeText(userText(blocked, slash), 1500)}`];
  }
  const grant =
    dryRun.role !== undefined && dryRun.member !== undefined ? [`It would grant ${code(dryRun.role)} to ${code(dryRun.member)}.`] : [];
  switch (dryRun.outcome) {
    case 'auto':
      return [
        `:robot_face: It falls under ${rule}, which approves it itself: it would be applied at once, and ${channelLink(dryRun.channel)} told.`,
        ...grant,
      ];
    case 'break_glass':
      return [
        `:rotating_light: It falls under ${rule}: it would be applied at once without approval (break-glass), announced in ${channelLink(dryRun.channel)}, ` +
          `and reviewed afterwards by ${stepGroups(dryRun.steps)}.`,
        ...grant,
      ];
    case 'approval':
      return [
        `:hourglass_flowing_sand: It falls under ${rule}: it would wait for approval in ${channelLink(dryRun.channel)}` +
          (dryRun.steps.length > 1 ? `, in ${dryRun.steps.length} steps, one after the other:` : ':'),
        ...dryRun.steps.map((step, index) => stepLine(step, dryRun.steps.length > 1 ? index + 1 : undefined)),
        ...grant,
        ...breakGlassLine(dryRun.breakGlass, slash),
      ];
  }
}

function stepGroups(steps: readonly DryRunStep[]): string {
  return steps.map((step) => `*${safeText(step.group, 100)}*`).join(' and ');
}

function stepLine(step: DryRunStep, n: number | undefined): string {
  const people = listWithMore(step.people, PEOPLE_SHOWN, mention).join(', ');
  return `• ${n === undefined ? '' : `Step ${n}: `}${plural(step.approvals, 'approval')} from *${safeText(step.group, 100)}* (${people})`;
}

function breakGlassLine(breakGlass: true | Refusal | undefined, slash: string): string[] {
  if (breakGlass === undefined) return [];
  if (breakGlass === true) return ['With --break-glass it would be applied at once without approval, and reviewed afterwards.'];
  return [`--break-glass is not open to you here: ${safeText(refusalText(breakGlass, slash), 500)}`];
}

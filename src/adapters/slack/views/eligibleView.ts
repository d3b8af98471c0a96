/**
 * `/warden eligible` (SPEC §4): what the caller may request — each rule that
 * lets them ask, with its targets (patterns, and the services it decides
 * among those listed), durations, approvers (each step, as Slack mentions),
 * and whether it is auto-approved or break-glass for them — or, plainly,
 * that nothing is open to them and why. Rules are named by their `name`;
 * configuration words never appear. Pure.
 */
import type { EligibleAnswer, OpenRule } from '../../../domain/authority/eligible';
import type { Step } from '../../../domain/policy/schema';
import { type SlackView, code, formatDuration, header, linesToSections, mention, plural, safeText, section } from './format';

/** Sections of rules at most (with the header and the closing line, under Slack's 50 blocks). */
const MAX_RULE_SECTIONS = 45;
/** Members of an approver group named before "and N more". */
const MAX_APPROVERS_NAMED = 8;

const MEMBER_WORDS: Record<string, string> = {
  self: 'your own identity',
  user: 'other users',
  group: 'groups',
  serviceAccount: 'service accounts',
};

const KIND_WORDS: Record<string, string> = {
  invoker: 'Invoker access',
  egress: 'Egress change',
  ingress: 'Ingress change',
  rotate: 'Key rotation',
  convert: 'Conversion',
};

export interface EligibleViewInput {
  answer: EligibleAnswer;
  /** the policy's approverGroups: name → Slack user / user-group IDs */
  approverGroups: Readonly<Record<string, readonly string[]>>;
  slash: string;
}

export function eligibleView({ answer, approverGroups, slash }: EligibleViewInput): SlackView {
  if (!answer.open) {
    const text = nothingOpen(answer);
    return { text, blocks: [section(text)] };
  }
  const lines = answer.rules.map((rule) => ruleText(rule, approverGroups, slash));
  const closing =
    `Ask with \`${slash} &lt;kind&gt; …\` (\`${slash} help\` shows each usage) or \`${slash}\` alone for the form.` +
    (answer.unlisted.length > 0
      ? ` Services of ${answer.unlisted.map((p) => code(p, 100)).join(', ')} could not be listed just now: their patterns above still apply.`
      : '');
  const summary = `You may ask under ${plural(answer.rules.length, 'rule')}: ${answer.rules.map((r) => `${r.rule.kind} (${r.name})`).join(', ')}.`;
  return {
    text: safeText(summary, 2_500),
    blocks: [header('What you may request'), ...linesToSections(lines, MAX_RULE_SECTIONS, 'rule'), section(closing)],
  };
}

/** Why nothing is open to the person, in plain words (also the request form's, when it opens for them). */
export function nothingOpen(answer: Extract<EligibleAnswer, { open: false }>): string {
  const domains = answer.domains.map((d) => code(d, 100)).join(', ');
  switch (answer.why) {
    case 'identity_unknown':
      return `Nothing is open to you: runwarden knows no Google identity for you (no email on your Slack profile, none in the policy), so it can grant you nothing.`;
    case 'identity_outside_domains':
      return `Nothing is open to you: your Google identity ${code(answer.email ?? '?', 200)} is outside the domains runwarden grants to (${domains}).`;
    case 'no_rule':
      return 'Nothing is open to you: no rule of the policy lets you ask for anything. The policy’s owners decide who may ask.';
    case 'facts_missing':
      return 'runwarden could not look up your Slack user groups just now, so it cannot say what you may request. Try again in a moment.';
  }
}

/** One rule: its kind and name, then one line per fact. */
export function ruleText(open: OpenRule, approverGroups: EligibleViewInput['approverGroups'], slash: string): string {
  const { rule } = open;
  const lines = [`*${KIND_WORDS[rule.kind] ?? rule.kind}* (\`${slash} ${rule.kind}\`) under *${safeText(open.name, 100)}*`];
  lines.push(`• Targets: ${rule.resources.map((glob) => code(glob, 300)).join(', ')}${servicesText(open)}`);
  if (rule.kind === 'invoker') {
    const members = rule.members.map((m) => MEMBER_WORDS[m] ?? m).join(', ');
    lines.push(`• Roles: ${rule.roles.map((r) => code(r, 100)).join(', ')}; granted to ${members}`);
  }
  const duration = durationText(open);
  if (duration) lines.push(`• Duration: ${duration}`);
  if (rule.kind === 'rotate' && rule.maxRotationPeriodSeconds !== undefined)
    lines.push(`• Rotation period: at most ${formatDuration(rule.maxRotationPeriodSeconds)}`);
  lines.push(`• ${rule.steps.length > 1 ? 'Approved in steps' : 'Approved by'}: ${stepsText(rule.steps, approverGroups)}`);
  if (open.breakGlass && rule.breakGlass) {
    const most = `\`--break-glass\`, at most ${formatDuration(rule.breakGlass.maxDurationSeconds)}`;
    lines.push(
      open.breakGlassOnly
        ? `• Open to you only as break-glass (${most}): applied at once, reviewed afterwards`
        : `• Break-glass: open to you (${most}): applied at once, reviewed afterwards`,
    );
  }
  if (!open.breakGlassOnly)
    lines.push(
      open.autoApproved && rule.autoApprove
        ? `• Auto-approved for you: requests for your own identity of at most ${formatDuration(rule.autoApprove.maxDurationSeconds)}`
        : '• Auto-approved for you: no, the approvers decide',
    );
  if (rule.maxExtensions > 0) lines.push(`• Extensions: up to ${rule.maxExtensions} (\`${slash} extend\`)`);
  if (rule.reason?.hint) lines.push(`• Reason: ${safeText(rule.reason.hint, 300)}`);
  return lines.join('\n');
}

function servicesText(open: OpenRule): string {
  const listed = open.services;
  if (listed === undefined) return '';
  if (listed.shown.length === 0) return ` — no service of ${listed.projects.map((p) => code(p, 100)).join(', ')} falls under this rule now`;
  const names = listed.shown.map((s) => `${safeText(s.short, 100)} (${safeText(s.region, 40)})`);
  return ` — now: ${names.join(', ')}${listed.more > 0 ? ` and ${listed.more} more` : ''}`;
}

function durationText(open: OpenRule): string | undefined {
  const { rule, lasts } = open;
  if (lasts === 'none') return undefined;
  const max = rule.maxDurationSeconds;
  const min = rule.minDurationSeconds;
  const least = min === undefined ? '' : `, at least ${formatDuration(min)}`;
  if (max !== undefined)
    return `at most ${formatDuration(max)}${least}${lasts === 'optional' ? '; permanent changes are not allowed' : ''}`;
  if (lasts === 'optional') return `permanent, or time-bound${min === undefined ? '' : ` of at least ${formatDuration(min)}`}`;
  return `any${least}`;
}

function stepsText(steps: readonly Step[], approverGroups: EligibleViewInput['approverGroups']): string {
  const one = (step: Step): string => {
    const entries = Object.hasOwn(approverGroups, step.approvers) ? (approverGroups[step.approvers] ?? []) : [];
    const named = entries.slice(0, MAX_APPROVERS_NAMED).map(mention);
    if (entries.length > MAX_APPROVERS_NAMED) named.push(`and ${entries.length - MAX_APPROVERS_NAMED} more`);
    return `*${safeText(step.approvers, 100)}* (${named.join(', ') || 'nobody'}), ${plural(step.approvals, 'approval')}`;
  };
  if (steps.length === 1 && steps[0] !== undefined) return one(steps[0]);
  return steps.map((step, index) => `${index + 1}. ${one(step)}`).join('; then ');
}

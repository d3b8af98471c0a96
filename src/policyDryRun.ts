/**
 * The policy CLI's dry runs (`npm run policy -- explain` and `test`,
 * src/policyCli.ts): a request command weighed against a policy file with no
 * Slack and no Google — the same parsing (the kinds' own subcommands), the
 * same decision (src/domain/authority/dryRun.ts) and the same refusal text
 * as runwarden's. What runwarden would look up is given instead:
 *
 * - Slack user-group members: the `--groups` file (a group not given is
 *   reported as unknown, never read as empty);
 * - people's Google identities: the policy's identities map; a person
 *   without an entry is taken to have the Slack profile email
 *   `<their ID, lower-cased>@<the policy's first domain>`, unless `--email`
 *   (or a case's `email`) says the requester's;
 * - the requester's open requests: none;
 * - the Google checks submit makes (the service or key exists, the change
 *   would change something) are not made.
 */
import { z } from 'zod';
import { dryRun, type DryRun } from './domain/authority/dryRun';
import type { AuthorityFacts } from './domain/authority/facts';
import { SLACK_GROUP_ID, SLACK_USER_ID, type Policy } from './domain/policy/schema';
import { splitWords, tokenizeWords } from './domain/grammar/tokens';
import { DEFAULT_SLASH_COMMAND } from './domain/grammar/slash';
import { KIND_RULES, kindOf, parseRequestCommand } from './kinds/registry';
import type { Ask } from './kinds/kind';
import { refusalText } from './adapters/slack/views/refusalText';
import { formatDuration } from './adapters/slack/views/format';

/** Members of Slack user groups, as the --groups file gives them (S… → U…/W…). */
export type UserGroups = Readonly<Record<string, readonly string[]>>;

export const userGroupsSchema = z.record(
  z.string().regex(SLACK_GROUP_ID, 'is not a Slack user-group ID (S…)'),
  z.array(z.string().regex(SLACK_USER_ID, 'is not a Slack user ID (U…/W…)')),
);

export interface OfflineAsk {
  /** the Slack user who would ask */
  user: string;
  /** their Google identity when the policy's identities map has none (default: see the module comment) */
  email?: string | undefined;
  /** the request command as typed, e.g. `invoker hello 2h debugging` (a leading /warden is ignored) */
  command: string;
  groups: UserGroups;
  now: Date;
}

export type OfflineAnswer = { ok: true; ask: Ask; dryRun: DryRun } | { ok: false; error: string };

/** The dry run of `input.command` asked by `input.user` under `policy`, with the facts described above. */
export function offlineDryRun(policy: Policy, input: OfflineAsk): OfflineAnswer {
  const words = splitWords(input.command);
  if (words[0]?.toLowerCase() === DEFAULT_SLASH_COMMAND) words.shift();
  const tokenized = tokenizeWords(words);
  if (!tokenized.ok) return tokenized;
  const parsed = parseRequestCommand(tokenized.tokens);
  if (!parsed.ok) return parsed;
  if (parsed.kind === 'convert')
    return { ok: false, error: 'a conversion names a posture finding, which only a running runwarden can read' };
  const asked = kindOf(parsed.kind).command.toAsk(parsed.args, policy.defaults, input.now);
  if (!asked.ok) return asked;
  const { ask } = asked;
  const startsAt = ask.startsAt && new Date(Math.floor(ask.startsAt.getTime() / 1000) * 1000);
  const facts = offlineFacts(policy, input.groups, input.user, input.email);
  const draft = { ...ask, startsAt };
  return {
    ok: true,
    ask,
    dryRun: dryRun({ policy, facts, kinds: KIND_RULES, now: input.now, requester: input.user, draft, openRequests: 0 }),
  };
}

/** The facts runwarden would look up, from the groups file and the policy (see the module comment). */
export function offlineFacts(policy: Policy, groups: UserGroups, requester: string, email: string | undefined): AuthorityFacts {
  const people = new Set<string>([
    requester,
    ...Object.keys(policy.identities),
    ...Object.values(policy.approverGroups).flat(),
    ...Object.values(groups).flat(),
    ...policy.rules.flatMap((rule) => [
      ...rule.requesters,
      ...(rule.autoApprove?.requesters ?? []),
      ...(rule.breakGlass?.requesters ?? []),
    ]),
  ]);
  const domain = policy.domains[0] ?? 'example.invalid';
  const emails = new Map<string, string | undefined>();
  for (const user of people) {
    if (!SLACK_USER_ID.test(user)) continue;
    const mapped = Object.hasOwn(policy.identities, user) ? policy.identities[user] : undefined;
    const given = user === requester ? email : undefined;
    emails.set(user, (mapped ?? given ?? `${user.toLowerCase()}@${domain}`).toLowerCase());
  }
  return { groupMembers: new Map(Object.entries(groups)), emails };
}

/** How a dry run ends, in the words of a cases file's `expect`. */
export type Expectation = 'allowed' | 'auto-approved' | 'break-glass' | 'refused';

export function expectationOf(run: DryRun): Expectation {
  switch (run.outcome) {
    case 'approval':
      return 'allowed';
    case 'auto':
      return 'auto-approved';
    case 'break_glass':
      return 'break-glass';
    case 'refused':
      return 'refused';
  }
}

/** A refusal in words, for a terminal: runwarden's own text, Slack's emphasis marks removed. */
export function refusalWords(run: Extract<DryRun, { outcome: 'refused' }>): string {
  if (run.refusal.code === 'facts_missing') {
    const groups = run.refusal.missing?.groups ?? [];
    return `the members of ${groups.join(', ') || 'a user group'} are not known here: give them with --groups (or the cases file's groups)`;
  }
  return plainText(refusalText(run.refusal));
}

function plainText(text: string): string {
  // *bold* only where Slack reads it as such (between spaces or punctuation): a glob's /*/ stays as it is
  return text.replace(/(^|[\s(])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?=$|[\s.,:;)!?])/g, '$1$2').replace(/`([^`\n]+)`/g, '$1');
}

/** The dry run as lines for a terminal. */
export function describeDryRun(user: string, ask: Ask, run: DryRun): string[] {
  const what = `${ask.kind} on ${ask.target}${ask.durationSeconds === undefined ? '' : ` for ${formatDuration(ask.durationSeconds)}`}${ask.breakGlass ? ' with --break-glass' : ''}, asked by ${user}`;
  const lines = [what];
  if (run.outcome === 'refused') {
    if (run.rule) lines.push(`rule:     ${run.rule.name} (rules[${run.rule.index}])`);
    lines.push(`outcome:  refused — ${refusalWords(run)}`);
    return lines;
  }
  lines.push(`rule:     ${run.rule.name} (rules[${run.rule.index}])`);
  const steps = run.steps.map(
    (step, i) =>
      `  ${run.steps.length > 1 ? `step ${i + 1}: ` : ''}${step.approvals} approval${step.approvals === 1 ? '' : 's'} from ${step.group} (${step.people.join(', ') || 'nobody'})`,
  );
  switch (run.outcome) {
    case 'approval':
      lines.push(`outcome:  allowed — waits for approval in ${run.channel}`, ...steps);
      break;
    case 'auto':
      lines.push(`outcome:  auto-approved — applied at once; ${run.channel} is told`);
      break;
    case 'break_glass':
      lines.push(
        `outcome:  break-glass — applied at once without approval, announced in ${run.channel}, reviewed afterwards by:`,
        ...steps,
      );
      break;
  }
  if (run.role !== undefined && run.member !== undefined) lines.push(`grants:   ${run.role} to ${run.member}`);
  if (run.breakGlass === true) lines.push('break-glass: open to this requester (applied at once, reviewed afterwards)');
  else if (run.breakGlass !== undefined) lines.push(`break-glass: not open — ${plainText(refusalText(run.breakGlass))}`);
  lines.push('(not checked offline: whether the service or key exists, and the requester’s open requests)');
  return lines;
}

// ------------------------------------------------------------- cases files

const EXPECTATIONS = ['allowed', 'auto-approved', 'break-glass', 'refused'] as const;

/**
 * A cases file (`npm run policy -- test <policy> <cases.yaml>`): requests and
 * the decisions a policy must give them. Unknown fields are refused, so a
 * misspelt expectation never passes silently.
 */
export const casesFileSchema = z
  .object({
    /** members of Slack user groups (as the --groups file gives them); merged over --groups */
    groups: userGroupsSchema.optional(),
    /** when the requests are asked (RFC 3339); default: now */
    now: z.iso.datetime({ error: 'is not an RFC 3339 UTC time like 2026-12-01T09:00:00Z' }).optional(),
    cases: z
      .array(
        z
          .object({
            /** shown in the report; default: the command */
            name: z.string().min(1).optional(),
            /** the Slack user who asks */
            user: z.string().regex(SLACK_USER_ID, 'is not a Slack user ID (U…/W…)'),
            /** their Google identity, where the policy's identities map has none */
            email: z.email({ error: 'is not an email address' }).optional(),
            /** the request command as typed after /warden */
            command: z.string().min(1, 'give the request command, e.g. "invoker hello 2h debugging"'),
            expect: z.enum(EXPECTATIONS, { error: `must be one of ${EXPECTATIONS.join(', ')}` }),
            /** the rule it falls under, by name (SPEC §5 name, or <kind>#<position>) */
            rule: z.string().min(1).optional(),
            /** a piece of the refusal's text (only with expect: refused) */
            refusal: z.string().min(1).optional(),
            /** the approver group of each step, in order (not with expect: refused) */
            approvers: z.array(z.string().min(1)).min(1).optional(),
          })
          .strict()
          .refine((c) => c.refusal === undefined || c.expect === 'refused', {
            error: 'refusal is only for expect: refused',
            path: ['refusal'],
          })
          .refine((c) => c.approvers === undefined || c.expect !== 'refused', {
            error: 'approvers are not for expect: refused',
            path: ['approvers'],
          }),
      )
      .min(1, 'give at least one case'),
  })
  .strict();

export type CasesFile = z.output<typeof casesFileSchema>;
export type Case = CasesFile['cases'][number];

/** What is wrong with `answer` for `expected` (one line each); none when it matches. */
export function mismatches(expected: Case, answer: OfflineAnswer): string[] {
  if (!answer.ok) return [`the command does not parse: ${answer.error}`];
  const run = answer.dryRun;
  const got = expectationOf(run);
  const rule = run.rule?.name;
  const problems: string[] = [];
  if (got !== expected.expect) {
    const why = run.outcome === 'refused' ? `: ${refusalWords(run)}` : '';
    problems.push(`expected ${expected.expect}, got ${got}${rule === undefined ? '' : ` under rule ${rule}`}${why}`);
  }
  if (expected.rule !== undefined && expected.rule !== rule) {
    problems.push(`expected rule ${expected.rule}, got ${rule === undefined ? 'no rule' : `rule ${rule}`}`);
  }
  if (expected.refusal !== undefined && run.outcome === 'refused' && !refusalWords(run).includes(expected.refusal)) {
    problems.push(`expected the refusal to contain "${expected.refusal}", got "${refusalWords(run)}"`);
  }
  if (expected.approvers !== undefined && run.outcome !== 'refused') {
    const groups = run.steps.map((step) => step.group);
    if (groups.join(',') !== expected.approvers.join(','))
      problems.push(`expected approvers ${expected.approvers.join(' then ')}, got ${groups.join(' then ')}`);
  }
  return problems;
}

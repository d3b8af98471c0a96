/**
 * The policy checks that span fields (a rule's approver group exists, N of M
 * is reachable, every rule has a channel, durations fit the kind…). Each
 * field is parsed on its own first, so a problem in one field never hides a
 * problem elsewhere: loadPolicy reports both.
 */
import type { z } from 'zod';
import { globCouldMatch } from './glob';
import {
  POSTURE_RULE_NAME,
  approverGroupSchema,
  MIN_ROTATION_PERIOD_SECONDS,
  policySchema,
  postureSchema,
  RESOURCE_SHAPES,
  ruleFields,
  SLACK_USER_ID,
} from './schema';

type RuleFields = z.output<typeof ruleFields>;
type Parts = { [K in keyof RuleFields]?: RuleFields[K] };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The rule's fields that are valid on their own. */
function ruleParts(raw: Record<string, unknown>): Parts {
  const parts: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(ruleFields.shape)) {
    const result = schema.safeParse(raw[key]);
    if (result.success) parts[key] = result.data;
  }
  // Each value came from the schema of its own key, which is what Parts says.
  return parts as Parts;
}

interface Context {
  groups: Record<string, unknown> | undefined;
  defaultChannel: string | undefined | null;
}

/** The approver group `group` exists and can give `approvals` distinct approvals. */
function groupProblems(group: string, approvals: number | undefined, at: string, context: Context): [string, string][] {
  if (context.groups === undefined) return [];
  if (!Object.hasOwn(context.groups, group)) return [[`${at}approvers`, `group "${group}" is not defined in approverGroups`]];
  const entries = approverGroupSchema.safeParse(context.groups[group]);
  // With user-group IDs the group's size is known only at run time; with user IDs alone, now.
  const users = entries.success && entries.data.every((id) => SLACK_USER_ID.test(id)) ? new Set(entries.data).size : undefined;
  if (users !== undefined && approvals !== undefined && approvals > users) {
    return [[`${at}approvals`, `${approvals} approvals needed but group "${group}" has only ${users} member(s)`]];
  }
  return [];
}

/** approvers (+ approvals) or steps, never both; each step's group checked like approvers. */
function approvalProblems(rule: Parts, raw: Record<string, unknown>, context: Context): [string, string][] {
  const hasSteps = raw.steps !== undefined;
  const flat = ['approvers', 'approvals'].filter((key) => raw[key] !== undefined);
  if (hasSteps && flat.length > 0) {
    return [['steps', `a rule has either approvers (+ approvals) or steps, never both: remove ${flat.join(' and ')} or steps`]];
  }
  if (!hasSteps && raw.approvers === undefined) return [['approvers', 'is required: name an approver group (or give steps)']];
  if (rule.approvers !== undefined) return groupProblems(rule.approvers, rule.approvals, '', context);
  return (rule.steps ?? []).flatMap((step, index) => groupProblems(step.approvers, step.approvals, `steps[${index}].`, context));
}

/** autoApprove, breakGlass and maxStartDelay against the rule's kind and durations. */
function powerProblems(rule: Parts, raw: Record<string, unknown>): [string, string][] {
  const problems: [string, string][] = [];
  const { kind, maxDuration, autoApprove } = rule;
  if (kind === 'rotate' && raw.breakGlass !== undefined)
    problems.push(['breakGlass', 'rotate rules take no break-glass: a key rotation cannot be undone']);
  if (kind === 'rotate' && raw.autoApprove !== undefined)
    problems.push(['autoApprove', 'key rotations are never auto-approved: they are permanent']);
  if (kind !== undefined && kind !== 'invoker' && raw.maxStartDelay !== undefined)
    problems.push(['maxStartDelay', 'only invoker rules take --start']);
  if (autoApprove !== undefined && maxDuration !== undefined && autoApprove.maxDuration > maxDuration) {
    problems.push(['autoApprove.maxDuration', "is longer than the rule's maxDuration"]);
  }
  return problems;
}

function ruleProblems(rule: Parts, raw: Record<string, unknown>, context: Context): [field: string, message: string][] {
  const problems: [string, string][] = [];
  const { kind, maxDuration, minDuration } = rule;
  if (kind !== undefined) {
    rule.resources?.forEach((glob, index) => {
      if (!globCouldMatch(glob, RESOURCE_SHAPES[kind])) {
        const what = kind === 'rotate' ? 'Cloud KMS key' : 'Cloud Run service';
        problems.push([`resources[${index}]`, `\`${glob}\` can never match a ${what} name`]);
      }
    });
    if (kind !== 'invoker' && rule.roles !== undefined) problems.push(['roles', 'only invoker rules take roles']);
    // An invoker grant is always time-bound and the policy must say how long at most: no implicit limit.
    if (kind === 'invoker' && 'maxDuration' in rule && maxDuration === undefined)
      problems.push(['maxDuration', 'is required for invoker rules']);
    if (kind === 'rotate' && maxDuration !== undefined) problems.push(['maxDuration', 'rotate rules take no duration']);
    if (kind === 'rotate' && minDuration !== undefined) problems.push(['minDuration', 'rotate rules take no duration']);
    if (kind === 'rotate' && (rule.maxExtensions ?? 0) > 0)
      problems.push(['maxExtensions', 'a rotation is permanent, so it cannot be extended']);
    // An extension is decided by one approval level (the request's first); allowing it on a multi-step
    // rule would let one level extend what two levels granted.
    if ((rule.maxExtensions ?? 0) > 0 && (rule.steps?.length ?? 0) > 1) {
      problems.push(['maxExtensions', 'extensions are decided by a single approval level, so a rule with several steps cannot allow them']);
    }
    if (kind !== 'invoker' && rule.members !== undefined) problems.push(['members', 'only invoker rules take members']);
    if (kind !== 'rotate' && rule.maxRotationPeriod !== undefined)
      problems.push(['maxRotationPeriod', 'only rotate rules take maxRotationPeriod']);
  }
  if (rule.maxRotationPeriod !== undefined && rule.maxRotationPeriod < MIN_ROTATION_PERIOD_SECONDS) {
    problems.push(['maxRotationPeriod', 'is shorter than 1d, the shortest rotation period Cloud KMS accepts']);
  }
  // Google group membership is invisible to runwarden: one approver might be in the group they grant to.
  const approvals = rule.steps !== undefined ? rule.steps.reduce((sum, step) => sum + step.approvals, 0) : rule.approvals;
  if (rule.members?.includes('group') && approvals !== undefined && approvals < 2) {
    problems.push([
      'approvals',
      'must be at least 2 when members allows group: runwarden cannot see who is in a Google group, so a single approver could grant access to a group they belong to',
    ]);
  }
  if (minDuration !== undefined && maxDuration !== undefined && minDuration > maxDuration) {
    problems.push(['minDuration', 'is longer than maxDuration']);
  }
  problems.push(...approvalProblems(rule, raw, context), ...powerProblems(rule, raw));
  // 'channel' in rule: the field parsed (absent); an invalid channel is reported by the schema
  if ('channel' in rule && rule.channel === undefined && context.defaultChannel === undefined) {
    problems.push(['channel', 'no channel for approval messages: set channel on the rule or defaults.channel']);
  }
  return problems;
}

/** `posture`: its approver group exists and can give its approvals, it has a channel, its globs can match services. */
function postureProblems(raw: Record<string, unknown>, context: Context): string[] {
  const problems: [string, string][] = [];
  const shape = postureSchema.shape;
  const approvers = shape.approvers.safeParse(raw.approvers);
  const approvals = shape.approvals.safeParse(raw.approvals);
  if (approvers.success) problems.push(...groupProblems(approvers.data, approvals.success ? approvals.data : undefined, '', context));
  const channel = shape.channel.safeParse(raw.channel);
  if (channel.success && channel.data === undefined && context.defaultChannel === undefined) {
    problems.push(['channel', 'no channel for findings summaries and conversion requests: set posture.channel or defaults.channel']);
  }
  for (const key of ['public', 'requireCmek'] as const) {
    const globs = shape[key].safeParse(raw[key]);
    (globs.success ? globs.data : []).forEach((glob, index) => {
      if (!globCouldMatch(glob, RESOURCE_SHAPES.invoker))
        problems.push([`${key}[${index}]`, `\`${glob}\` can never match a Cloud Run service name`]);
    });
  }
  const rotation = shape.maxKeyRotation.safeParse(raw.maxKeyRotation);
  if (rotation.success && rotation.data !== undefined && rotation.data < MIN_ROTATION_PERIOD_SECONDS) {
    problems.push(['maxKeyRotation', 'is shorter than 1d, the shortest rotation period Cloud KMS accepts']);
  }
  return problems.map(([key, message]) => `posture.${key}: ${message}`);
}

/** zod drops `__proto__` keys silently; in a security policy nothing may be dropped silently. */
function protoKeys(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => protoKeys(item, `${path}[${index}]`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '__proto__'
      ? [`${path}${path ? '.' : ''}__proto__: is not allowed as a key`]
      : protoKeys(item, `${path}${path ? '.' : ''}${key}`),
  );
}

/**
 * Two Slack users mapped to one Google identity (case aside): the second would
 * hold the first one's identity — be granted access as them, and not be
 * stopped by the rule that nobody approves a grant to themselves.
 */
function sharedIdentities(identities: unknown): string[] {
  if (!isObject(identities)) return [];
  const email = policySchema.shape.identities.unwrap().valueType;
  const owners = new Map<string, string>();
  const problems: string[] = [];
  for (const [user, value] of Object.entries(identities)) {
    const parsed = email.safeParse(value);
    if (!parsed.success || !SLACK_USER_ID.test(user)) continue;
    const first = owners.get(parsed.data);
    if (first === undefined) owners.set(parsed.data, user);
    else
      problems.push(
        `identities.${user}: ${parsed.data} is already the identity of ${first}: two Slack users cannot share one Google identity`,
      );
  }
  return problems;
}

/** Every cross-field problem in the raw (YAML-decoded) policy, with its path. */
export function crossCheck(raw: unknown): string[] {
  if (!isObject(raw)) return [];
  const defaults = policySchema.shape.defaults.safeParse(raw.defaults);
  const domains = policySchema.shape.domains.safeParse(raw.domains);
  const context: Context = {
    groups: isObject(raw.approverGroups) ? raw.approverGroups : undefined,
    // null: the defaults are broken, so whether a channel is missing cannot be told
    defaultChannel: defaults.success ? defaults.data.channel : null,
  };
  const problems = protoKeys(raw, '');
  const rules: unknown[] = Array.isArray(raw.rules) ? raw.rules : [];
  let invokerRules = 0;
  const named = new Map<string, number>();
  rules.forEach((rawRule, index) => {
    if (!isObject(rawRule)) return;
    const rule = ruleParts(rawRule);
    if (rule.kind === 'invoker') invokerRules += 1;
    for (const [field, message] of ruleProblems(rule, rawRule, context)) problems.push(`rules[${index}].${field}: ${message}`);
    if (rule.name !== undefined) {
      const first = named.get(rule.name);
      if (first === undefined) named.set(rule.name, index);
      else problems.push(`rules[${index}].name: "${rule.name}" is already the name of rules[${first}]: rule names must be unique`);
    }
  });
  if (isObject(raw.posture)) {
    problems.push(...postureProblems(raw.posture, context));
    const taken = named.get(POSTURE_RULE_NAME);
    if (taken !== undefined)
      problems.push(
        `rules[${taken}].name: "${POSTURE_RULE_NAME}" is the name of the rule conversions are decided under (from posture): choose another`,
      );
  }
  problems.push(...sharedIdentities(raw.identities));
  if (invokerRules > 0 && domains.success && domains.data.length === 0) {
    problems.push('domains: invoker rules grant access to Google identities, so list at least one domain');
  }
  if (isObject(raw.identities) && domains.success) {
    const email = policySchema.shape.identities.unwrap().valueType;
    for (const [user, value] of Object.entries(raw.identities)) {
      const parsed = email.safeParse(value);
      if (!parsed.success || !SLACK_USER_ID.test(user)) continue;
      const domain = parsed.data.slice(parsed.data.indexOf('@') + 1);
      if (!domains.data.includes(domain)) problems.push(`identities.${user}: ${parsed.data} is not in any of the domains`);
    }
  }
  return problems;
}

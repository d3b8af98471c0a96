/**
 * YAML text → the normalised Policy, or EVERY problem found, each with its
 * path (`rules[1].approvers: group "plat" is not defined in approverGroups`),
 * so an operator fixes the file in one go. Field checks come from the zod
 * schemas (schema.ts), checks across fields from crossCheck.ts.
 * Pure: the caller reads the file.
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { crossCheck } from './crossCheck';
import {
  POSTURE_RULE_NAME,
  type Rule,
  DEFAULT_INVOKER_ROLE,
  DEFAULT_MAX_KEY_ROTATION_SECONDS,
  DEFAULT_MAX_ROTATION_PERIOD_SECONDS,
  DEFAULT_MAX_START_DELAY_SECONDS,
  policySchema,
  type Policy,
  type PostureSettings,
} from './schema';

export type LoadPolicyResult = { ok: true; policy: Policy } | { ok: false; problems: string[] };

export function loadPolicy(yamlText: string): LoadPolicyResult {
  const raw = readYaml(yamlText);
  if (!raw.ok) return raw;
  const parsed = policySchema.safeParse(raw.value, { error: typeMessage });
  const problems = [...(parsed.success ? [] : parsed.error.issues.flatMap(describeIssue)), ...crossCheck(raw.value)];
  if (!parsed.success || problems.length > 0) return { ok: false, problems: problems.sort(byPath) };
  return { ok: true, policy: normalise(parsed.data) };
}

function readYaml(text: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((error) => `yaml: ${error.message.split('\n')[0] ?? ''}`) };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, problems: [`yaml: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (value === null || value === undefined) return { ok: false, problems: ['policy: the file is empty'] };
  return { ok: true, value };
}

function normalisePosture(
  posture: NonNullable<z.output<typeof policySchema>['posture']>,
  defaultChannel: string | undefined,
): PostureSettings {
  const channel = posture.channel ?? defaultChannel;
  if (channel === undefined) throw new Error('unreachable: crossCheck reports a posture section without a channel');
  return {
    scope: [...new Set(posture.scope)],
    approvers: posture.approvers,
    approvals: posture.approvals,
    channel,
    public: posture.public,
    requireCmek: posture.requireCmek,
    maxKeyRotationSeconds: posture.maxKeyRotation ?? DEFAULT_MAX_KEY_ROTATION_SECONDS,
  };
}

/**
 * The rule conversions are decided under (SPEC §11): the posture section's
 * approvers, approvals and channel; anyone may ask (the approvers decide, and
 * the members losing the binding never count); never auto-approved, never
 * break-glass, never time-bound. Appended after the policy's own rules, so it
 * is found like any rule (kind `convert`), and named POSTURE_RULE_NAME.
 */
function postureRule(posture: PostureSettings): Rule {
  const step = { approvers: posture.approvers, approvals: posture.approvals };
  return {
    kind: 'convert',
    name: POSTURE_RULE_NAME,
    resources: ['projects/*/locations/*/services/*'],
    roles: [],
    approvers: step.approvers,
    approvals: step.approvals,
    steps: [step],
    requesters: ['*'],
    channel: posture.channel,
    maxExtensions: 0,
    members: [],
  };
}

function normalise(data: z.output<typeof policySchema>): Policy {
  const posture = data.posture ? normalisePosture(data.posture, data.defaults.channel) : undefined;
  return {
    ...(posture ? { posture } : {}),
    defaults: data.defaults,
    domains: [...new Set(data.domains)],
    identities: data.identities,
    approverGroups: data.approverGroups,
    auditors: [...new Set(data.auditors)],
    maxOpenRequests: data.maxOpenRequests,
    rules: data.rules
      .map((rule, index): Rule => {
        const channel = rule.channel ?? data.defaults.channel;
        if (channel === undefined) throw new Error('unreachable: crossCheck reports rules without a channel');
        // crossCheck reports a rule with neither approvers nor steps, or with both
        const steps = rule.steps ?? (rule.approvers !== undefined ? [{ approvers: rule.approvers, approvals: rule.approvals }] : []);
        const [first] = steps;
        if (first === undefined) throw new Error('unreachable: crossCheck reports rules without approvers');
        return {
          kind: rule.kind,
          name: rule.name ?? `${rule.kind}#${index + 1}`,
          resources: rule.resources,
          roles: rule.kind === 'invoker' ? (rule.roles ?? [DEFAULT_INVOKER_ROLE]) : [],
          maxDurationSeconds: rule.maxDuration,
          minDurationSeconds: rule.minDuration,
          approvers: first.approvers,
          approvals: first.approvals,
          steps,
          requesters: rule.requesters,
          channel,
          reason: rule.reason,
          autoApprove: rule.autoApprove && { requesters: rule.autoApprove.requesters, maxDurationSeconds: rule.autoApprove.maxDuration },
          breakGlass: rule.breakGlass && {
            requesters: rule.breakGlass.requesters ?? rule.requesters,
            maxDurationSeconds: rule.breakGlass.maxDuration,
          },
          maxStartDelaySeconds: rule.kind === 'invoker' ? (rule.maxStartDelay ?? DEFAULT_MAX_START_DELAY_SECONDS) : undefined,
          maxExtensions: rule.maxExtensions,
          members: rule.kind === 'invoker' ? [...new Set(rule.members ?? ['self' as const])] : [],
          maxRotationPeriodSeconds: rule.kind === 'rotate' ? (rule.maxRotationPeriod ?? DEFAULT_MAX_ROTATION_PERIOD_SECONDS) : undefined,
        };
      })
      .concat(posture ? [postureRule(posture)] : []),
  };
}

// ---------------------------------------------------------------- problem texts

const typeMessage = (issue: z.core.$ZodRawIssue): string | undefined => {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, not ${describeValue(issue.input)}`;
};

function describeValue(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** rules[2] before rules[10]; the problems of one field keep their order (sort is stable). */
function byPath(a: string, b: string): number {
  const path = (problem: string) => problem.slice(0, problem.indexOf(': '));
  return path(a).localeCompare(path(b), 'en', { numeric: true });
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'policy';
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const text = String(key);
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(text)) return `[${JSON.stringify(text)}]`;
      return index === 0 ? text : `.${text}`;
    })
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field (check the spelling)`);
  }
  if (issue.code === 'invalid_key') {
    return [`${formatPath(issue.path)}: ${issue.issues[0]?.message ?? issue.message}`];
  }
  return [`${formatPath(issue.path)}: ${issue.message}`];
}

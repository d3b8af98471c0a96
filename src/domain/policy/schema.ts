/**
 * The policy file (SPEC §5): zod schemas of its YAML and the normalised
 * `Policy` the rest of runwarden reads (durations in seconds, each rule's
 * channel resolved, defaults applied). Objects are strict: in a security
 * policy a misspelt field must be an error, never silently ignored.
 * loadPolicy.ts turns YAML text into a Policy or the list of every problem;
 * crossCheck.ts holds the checks that span fields.
 */
import { z } from 'zod';
import { DURATION_HINT, durationProblem, parseDuration } from '../duration';
import type { RequestKind } from '../request';
import { EMAIL, KMS_LOCATION, PROJECT_ID, REGION, ROLE_NAME } from '../resourceNames';
import { globProblem } from './glob';
import { reasonPatternProblem } from './reasonPattern';

export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
export const SLACK_GROUP_ID = /^S[A-Z0-9]{2,20}$/;
export const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,20}$/;
export const DOMAIN_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const GROUP_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** A rule's `name` (SPEC §5): letters, digits, `.`, `_` and `-`; never `#`, so it never looks like a default name (`invoker#1`). */
export const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** How many open (pending or approved) requests one person may have at once when the policy does not say (docs/decisions.md). */
export const DEFAULT_MAX_OPEN_REQUESTS = 10;
export const DEFAULT_INVOKER_ROLE = 'roles/run.invoker';
/** Who an invoker rule may grant (SPEC §5 `members`): the requester's own identity, or members of these IAM types. */
export const MEMBER_KINDS = ['self', 'user', 'group', 'serviceAccount'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];
/** SPEC §5: a rotate rule's longest --rotation-period unless it says otherwise. */
export const DEFAULT_MAX_ROTATION_PERIOD_SECONDS = 90 * 86_400;
/** Cloud KMS refuses rotation periods under one day. */
export const MIN_ROTATION_PERIOD_SECONDS = 86_400;

/** The resource names each kind acts on; a glob that can never match one is a typo. */
export const RESOURCE_SHAPES: Record<RequestKind, readonly (string | undefined)[]> = {
  invoker: ['projects', undefined, 'locations', undefined, 'services', undefined],
  egress: ['projects', undefined, 'locations', undefined, 'services', undefined],
  ingress: ['projects', undefined, 'locations', undefined, 'services', undefined],
  rotate: ['projects', undefined, 'locations', undefined, 'keyRings', undefined, 'cryptoKeys', undefined],
  convert: ['projects', undefined, 'locations', undefined, 'services', undefined],
};

/**
 * The kinds a policy file's rules may name. `convert` is not among them: its
 * one rule is derived from the `posture` section (POSTURE_RULE_NAME, see loadPolicy.ts).
 */
export const RULE_KINDS = ['invoker', 'egress', 'ingress', 'rotate'] as const satisfies readonly RequestKind[];
/** The name of the rule derived from `posture` that conversions (kind `convert`) are decided under. */
export const POSTURE_RULE_NAME = 'posture';

const duration = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be a duration such as 8h (${DURATION_HINT})`) })
  .transform((text, ctx) => {
    const seconds = parseDuration(text);
    if (seconds !== undefined) return seconds;
    ctx.addIssue({ code: 'custom', message: durationProblem(text) ?? `\`${text}\` is not a duration` });
    return z.NEVER;
  });

const pattern = (regex: RegExp, what: string) =>
  z.string().refine((text) => regex.test(text), { error: (issue) => `\`${String(issue.input)}\` is not ${what}` });

const SLACK_MEMBER = new RegExp(`${SLACK_USER_ID.source}|${SLACK_GROUP_ID.source}`);
const slackMember = pattern(SLACK_MEMBER, 'a Slack user ID (U…/W…) or user-group ID (S…)');
const channelId = pattern(SLACK_CHANNEL_ID, 'a Slack channel ID (C…/G…)');
const resourceGlob = z.string().superRefine((glob, ctx) => {
  const problem = globProblem(glob);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});
const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .regex(EMAIL, { error: (issue) => `\`${String(issue.input)}\` is not an email address` });

export const defaultsSchema = z.strictObject({
  project: pattern(PROJECT_ID, 'a Google Cloud project id').optional(),
  region: pattern(REGION, 'a Cloud Run region (e.g. us-central1)').optional(),
  kmsLocation: pattern(KMS_LOCATION, 'a Cloud KMS location (e.g. global)').optional(),
  channel: channelId.optional(),
});

export const approverGroupSchema = z.array(slackMember).min(1, 'must list at least one Slack user or user-group ID');

const requesterList = z
  .array(pattern(new RegExp(`^\\*$|${SLACK_MEMBER.source}`), '"*", a Slack user ID (U…/W…) or user-group ID (S…)'))
  .min(1, 'must list at least one requester, or "*"');

/** `reason`: justification rules checked at submission (SPEC §5). */
export const reasonRulesSchema = z.strictObject({
  pattern: z
    .string()
    .min(1, 'must not be empty')
    .superRefine((text, ctx) => {
      const problem = reasonPatternProblem(text);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  hint: z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters').optional(),
  minLength: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500 (the longest reason runwarden accepts)')
    .optional(),
});

/** One approval level of `steps`. */
export const stepSchema = z.strictObject({
  approvers: z.string().min(1, 'must name an approver group'),
  approvals: z.number().int('must be a whole number').min(1, 'must be at least 1').default(1),
});

/** A rule's fields, each checked on its own; checks across fields are in crossCheck.ts. */
export const ruleFields = z.strictObject({
  kind: z.enum(RULE_KINDS, { error: `must be one of ${RULE_KINDS.join(', ')}` }),
  name: pattern(RULE_NAME, 'a rule name (letters, digits, ".", "_" and "-", at most 64)').optional(),
  resources: z.array(resourceGlob).min(1, 'must list at least one resource glob'),
  roles: z.array(pattern(ROLE_NAME, 'an IAM role (roles/x.y or projects/P/roles/R)')).min(1).optional(),
  maxDuration: duration.optional(),
  minDuration: duration.optional(),
  approvers: z.string().min(1, 'must name an approver group').optional(),
  approvals: z.number().int('must be a whole number').min(1, 'must be at least 1').default(1),
  requesters: requesterList.default(['*']),
  channel: channelId.optional(),
  reason: reasonRulesSchema.optional(),
  autoApprove: z.strictObject({ requesters: requesterList, maxDuration: duration }).optional(),
  breakGlass: z.strictObject({ requesters: requesterList.optional(), maxDuration: duration }).optional(),
  steps: z.array(stepSchema).min(1, 'must list at least one step').max(5, 'must list at most 5 steps').optional(),
  maxStartDelay: duration.optional(),
  maxExtensions: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(100, 'must be at most 100').default(0),
  members: z
    .array(z.enum(MEMBER_KINDS, { error: `must be one of ${MEMBER_KINDS.join(', ')}` }))
    .min(1, 'must list at least one of self, user, group, serviceAccount')
    .optional(),
  maxRotationPeriod: duration.optional(),
});

/** A `posture.scope` entry (SPEC §5): a project (by id or number), a folder or an organization. */
export const POSTURE_SCOPE = /^(?:projects\/(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,20})|folders\/[0-9]{1,20}|organizations\/[0-9]{1,20})$/;
/** SPEC §5: a key rotating less often than this (or never) is a finding, unless the policy says otherwise (Google's recommendation for symmetric keys). */
export const DEFAULT_MAX_KEY_ROTATION_SECONDS = 90 * 86_400;

/** `posture` (SPEC §5, §11): turns on the posture scan; checks across fields are in crossCheck.ts. */
export const postureSchema = z.strictObject({
  scope: z
    .array(pattern(POSTURE_SCOPE, 'a scope: projects/PROJECT_ID, folders/FOLDER_NUMBER or organizations/ORGANIZATION_NUMBER'))
    .min(1, 'must list at least one project, folder or organization'),
  approvers: z.string().min(1, 'must name an approver group'),
  approvals: z.number().int('must be a whole number').min(1, 'must be at least 1').default(1),
  channel: channelId.optional(),
  public: z.array(resourceGlob).default([]),
  requireCmek: z.array(resourceGlob).default([]),
  maxKeyRotation: duration.optional(),
});

/** The file's shape, field by field; checks across fields are in crossCheck.ts. */
export const policySchema = z.strictObject({
  defaults: defaultsSchema.default({}),
  domains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(DOMAIN_NAME, { error: (issue) => `\`${String(issue.input)}\` is not a domain name` }),
    )
    .default([]),
  identities: z.record(pattern(SLACK_USER_ID, 'a Slack user ID (U…/W…)'), emailAddress).default({}),
  approverGroups: z.record(pattern(GROUP_NAME, 'a group name (letters, digits, _ and -)'), approverGroupSchema),
  /** SPEC §5: Slack users / user groups who may read every request and decide nothing */
  auditors: z.array(slackMember).default([]),
  /** how many open (pending or approved) requests one person may have at once (docs/decisions.md) */
  maxOpenRequests: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .default(DEFAULT_MAX_OPEN_REQUESTS),
  rules: z.array(ruleFields).min(1, 'must hold at least one rule'),
  posture: postureSchema.optional(),
});

export type PolicyDefaults = z.output<typeof defaultsSchema>;

/** How far ahead `--start` may be when the rule does not say (SPEC §5: 7d). */
export const DEFAULT_MAX_START_DELAY_SECONDS = 7 * 86_400;

/** One approval level: `approvals` distinct members of the group `approvers`. */
export interface Step {
  approvers: string;
  approvals: number;
}

/** Justification rules: the reason is checked, shown, never interpreted. */
export interface ReasonRules {
  /** a regular expression in RE2 syntax (no flags), matched in linear time (reasonPattern.ts) */
  pattern?: string | undefined;
  hint?: string | undefined;
  /** in characters (Unicode code points) */
  minLength?: number | undefined;
}

/** Who gets a request approved by runwarden itself, and for how long at most. */
export interface AutoApprove {
  requesters: string[];
  maxDurationSeconds: number;
}

/** Who may use --break-glass (default: the rule's requesters), for how long at most. */
export interface BreakGlass {
  requesters: string[];
  maxDurationSeconds: number;
}

export interface Rule {
  kind: RequestKind;
  /** the rule's `name`, else `<kind>#<position in rules, from 1>` (e.g. `invoker#1`): shown in messages and recorded in the audit trail */
  name: string;
  /** resource globs (see glob.ts) */
  resources: string[];
  /** invoker: the roles that may be granted (default [roles/run.invoker]); [] for other kinds */
  roles: string[];
  maxDurationSeconds?: number | undefined;
  minDurationSeconds?: number | undefined;
  /** name of an approverGroups entry (with `steps`: step 1's) */
  approvers: string;
  /** distinct approvals needed (with `steps`: step 1's) */
  approvals: number;
  /** the approval levels, in order; a rule without `steps` has one, its approvers/approvals */
  steps: Step[];
  reason?: ReasonRules | undefined;
  autoApprove?: AutoApprove | undefined;
  breakGlass?: BreakGlass | undefined;
  /** invoker: how far ahead --start may be (default 7d) */
  maxStartDelaySeconds?: number | undefined;
  /** "*" or Slack user (U…/W…) and user-group (S…) IDs */
  requesters: string[];
  /** the rule's channel, else defaults.channel */
  channel: string;
  /** how many times an active request may be extended (SPEC §5; default 0: never) */
  maxExtensions: number;
  /** invoker: who may be granted (default [self]); [] for other kinds */
  members: MemberKind[];
  /** rotate: the longest --rotation-period allowed (default 90d) */
  maxRotationPeriodSeconds?: number | undefined;
}

/** The posture scan's settings (SPEC §5 `posture`), normalised. */
export interface PostureSettings {
  /** projects/P, folders/N, organizations/N: where the scan reads (never writes) */
  scope: string[];
  /** the approver group deciding conversions */
  approvers: string;
  approvals: number;
  /** where scan summaries and conversion requests go (posture.channel, else defaults.channel) */
  channel: string;
  /** service globs that may be public and have ingress all */
  public: string[];
  /** service globs that must have a customer-managed encryption key */
  requireCmek: string[];
  /** a key protecting a service must rotate at least this often (default 90d) */
  maxKeyRotationSeconds: number;
}

export interface Policy {
  defaults: PolicyDefaults;
  /** lower-cased domains whose identities may be granted anything */
  domains: string[];
  /** Slack user ID → Google account email (lower-cased) */
  identities: Record<string, string>;
  /** group name → Slack user and user-group IDs */
  approverGroups: Record<string, string[]>;
  /** Slack user and user-group IDs who may read every request (SPEC §4) and decide nothing */
  auditors: string[];
  /** how many open (pending or approved) requests one requester may have at once */
  maxOpenRequests: number;
  rules: Rule[];
  /** present when the policy turns the posture scan on */
  posture?: PostureSettings | undefined;
}

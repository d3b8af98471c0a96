/**
 * Configuration, parsed once from the environment with zod (SPEC §2). Every
 * problem is reported at once, by variable name; values are never echoed
 * (some are secrets). Secrets and tokens are trimmed of surrounding
 * whitespace first (a newline pasted into Secret Manager with `echo` would
 * otherwise fail every signature check): each trimmed variable comes back as
 * a warning naming it, never its value.
 */
import { z } from 'zod';
import { parseDuration } from '../domain/duration';
import { DEFAULT_SLASH_COMMAND } from '../domain/grammar/slash';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port');
const emails = z
  .string({ error: 'is required (comma-separated service-account emails)' })
  .transform((s) =>
    s
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e.length > 0),
  )
  .pipe(z.array(z.email('must be a comma-separated list of service-account emails')).min(1, 'must name at least one service account'));
const seconds = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const parsed = parseDuration(text.trim());
      if (parsed === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration like 30m, 1h, 1h30m or 1d' });
        return z.NEVER;
      }
      return parsed;
    });

const base = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a port number')
    .min(0, 'must be a port number')
    .max(65535, 'must be a port number')
    .default(8080),
  SLACK_API_URL: z.url({ error: 'must be a URL' }).default('https://slack.com/api/'),
  WARDEN_SLASH_COMMAND: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, 'must look like /warden')
    .default(DEFAULT_SLASH_COMMAND),
  WARDEN_POLICY: z.string().min(1).default('./policy.yaml'),
  FIRESTORE_EMULATOR_HOST: hostPort.optional(),
  RUN_EMULATOR_HOST: hostPort.optional(),
  KMS_EMULATOR_HOST: hostPort.optional(),
  ASSET_EMULATOR_HOST: hostPort.optional(),
  WARDEN_OIDC_CERTS_URL: z.url({ error: 'must be a URL' }).default('https://www.googleapis.com/oauth2/v1/certs'),
  WARDEN_PENDING_TIMEOUT: seconds('24h'),
  WARDEN_REMIND_AFTER: seconds('1h'),
  LOG_LEVEL: z
    .enum(['silent', 'debug', 'info', 'warn', 'error'], { error: 'must be one of debug, info, warn, error, silent' })
    .default('info'),
});

const required = z.string({ error: 'is required' }).min(1, 'is required');

/** A secret or token: never empty, no whitespace inside (what surrounded it was trimmed by trimSecrets). */
const secret = z.string().regex(/^\S+$/, 'must not contain whitespace');

const production = base.extend({
  SLACK_SIGNING_SECRET: secret.optional(),
  /** accepted alongside SLACK_SIGNING_SECRET while a rotation is under way (docs/runbook.md) */
  SLACK_SIGNING_SECRET_PREVIOUS: secret.optional(),
  SLACK_BOT_TOKEN: required.pipe(secret),
  SLACK_APP_TOKEN: secret.optional(),
  GOOGLE_CLOUD_PROJECT: required,
  /** without these two, /jobs/* refuses every call (fail closed) */
  WARDEN_JOBS_AUDIENCE: z.string().min(1, 'must not be empty').optional(),
  WARDEN_JOBS_INVOKERS: emails.optional(),
});

export type Config = z.infer<typeof production> & { mode: 'http' | 'socket' };

export type ConfigResult = { ok: true; config: Config; warnings: ConfigWarning[] } | { ok: false; message: string };

/** Something start-up logs at WARNING: the variable's name and what was done, never its value. */
export interface ConfigWarning {
  variable: string;
  message: string;
}

/** The secrets and tokens runwarden reads from its environment. */
export const SECRET_VARIABLES = ['SLACK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET_PREVIOUS', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN'] as const;

/**
 * `env` with each secret trimmed of surrounding whitespace (`echo` stores a
 * trailing newline, a paste can add spaces) and unset when nothing is left;
 * one warning per variable that changed. Whitespace inside a value is left
 * for validation to refuse: trimming it would guess.
 */
export function trimSecrets(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; warnings: ConfigWarning[] } {
  const trimmed: NodeJS.ProcessEnv = { ...env };
  const warnings: ConfigWarning[] = [];
  for (const name of SECRET_VARIABLES) {
    const value = env[name];
    if (value === undefined || value === value.trim()) continue;
    const clean = value.trim();
    if (clean === '') delete trimmed[name];
    else trimmed[name] = clean;
    warnings.push({
      variable: name,
      message:
        clean === ''
          ? `${name} held only whitespace and is treated as unset`
          : `${name} had whitespace around its value (a pasted newline?) and was trimmed; store the secret without it (docs/runbook.md, "Secrets")`,
    });
  }
  return { env: trimmed, warnings };
}

/** Variables whose presence means "this is a real deployment, not the sandbox". */
export const DEPLOYMENT_VARIABLES = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'GOOGLE_CLOUD_PROJECT'] as const;

/** Cloud Run sets K_SERVICE in every container it runs. */
export function onCloudRun(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.K_SERVICE);
}

/** The explicit opt-in that lets a Cloud Run deployment talk to stand-ins (emulators, plain-http URLs): for test deployments only. */
export const TEST_DEPLOYMENT_VARIABLE = 'WARDEN_TEST_DEPLOYMENT';

function isTestDeployment(env: NodeJS.ProcessEnv): boolean {
  return env[TEST_DEPLOYMENT_VARIABLE] === '1' || env[TEST_DEPLOYMENT_VARIABLE] === 'true';
}

/** Why the sandbox must not start here: on Cloud Run a missing configuration is a broken deployment, never a demo. */
export function sandboxRefusal(env: NodeJS.ProcessEnv): string | undefined {
  if (!onCloudRun(env)) return undefined;
  return `runwarden cannot start: it is running on Cloud Run (K_SERVICE=${env.K_SERVICE ?? ''}) but ${
    env.WARDEN_SANDBOX ? 'WARDEN_SANDBOX asks for' : `none of ${DEPLOYMENT_VARIABLES.join(', ')} is set, which would start`
  } the local sandbox. Set SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and GOOGLE_CLOUD_PROJECT.`;
}

/**
 * On Cloud Run, stand-ins are refused: emulator hosts would send IAM and
 * Firestore traffic to a plaintext fake, a plain-http Slack API or
 * certificates URL could be intercepted. A test deployment says so with
 * WARDEN_TEST_DEPLOYMENT=1. Outside Cloud Run (local runs, CI) they are allowed.
 */
export function standInProblems(env: NodeJS.ProcessEnv): string[] {
  if (!onCloudRun(env) || isTestDeployment(env)) return [];
  const problems: string[] = [];
  for (const name of ['FIRESTORE_EMULATOR_HOST', 'RUN_EMULATOR_HOST', 'KMS_EMULATOR_HOST', 'ASSET_EMULATOR_HOST'] as const) {
    if (env[name])
      problems.push(
        `${name} points at an emulator, which a Cloud Run deployment must not use (set ${TEST_DEPLOYMENT_VARIABLE}=1 for a test deployment)`,
      );
  }
  for (const name of ['SLACK_API_URL', 'WARDEN_OIDC_CERTS_URL'] as const) {
    const value = env[name];
    if (value && !/^https:\/\//i.test(value.trim())) {
      problems.push(`${name} must be an https:// URL on Cloud Run (set ${TEST_DEPLOYMENT_VARIABLE}=1 for a test deployment)`);
    }
  }
  return problems;
}

export function isSandbox(env: NodeJS.ProcessEnv): boolean {
  if (env.WARDEN_SANDBOX === '1' || env.WARDEN_SANDBOX === 'true') return true;
  return DEPLOYMENT_VARIABLES.every((name) => !env[name]);
}

export function parseConfig(raw: NodeJS.ProcessEnv): ConfigResult {
  const { env, warnings } = trimSecrets(raw);
  const parsed = production.safeParse(env);
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
  const socket = Boolean(env.SLACK_APP_TOKEN);
  if (!socket && !env.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET is required (or SLACK_APP_TOKEN for Socket Mode)');
  if (socket && !/^xapp-/.test(env.SLACK_APP_TOKEN ?? '')) problems.push('SLACK_APP_TOKEN must be an app-level token (xapp-…)');
  problems.push(...standInProblems(env));
  if (!parsed.success || problems.length > 0) {
    return { ok: false, message: `runwarden cannot start; fix these environment variables:\n  - ${problems.join('\n  - ')}` };
  }
  return {
    ok: true,
    config: { ...parsed.data, mode: socket ? 'socket' : 'http' },
    warnings: [...warnings, ...secretNotes(parsed.data, socket)],
  };
}

/**
 * The first version infra/secrets.tf gives each Slack secret, so that the
 * service starts before the operator has added the real one.
 */
export const TERRAFORM_PLACEHOLDER = 'placeholder-add-the-real-value-as-a-new-version';

function secretNotes(config: z.infer<typeof production>, socket: boolean): ConfigWarning[] {
  const notes: ConfigWarning[] = [];
  for (const name of ['SLACK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET_PREVIOUS', 'SLACK_BOT_TOKEN'] as const) {
    if (config[name] === TERRAFORM_PLACEHOLDER) {
      notes.push({
        variable: name,
        message: `${name} is still Terraform's placeholder: Slack calls fail until the real value is added as a new secret version (docs/deployment.md, step 5)`,
      });
    }
  }
  if (config.SLACK_SIGNING_SECRET_PREVIOUS !== undefined) {
    notes.push(
      socket
        ? {
            variable: 'SLACK_SIGNING_SECRET_PREVIOUS',
            message: 'SLACK_SIGNING_SECRET_PREVIOUS is ignored in Socket Mode (Slack does not sign Socket Mode envelopes)',
          }
        : {
            variable: 'SLACK_SIGNING_SECRET_PREVIOUS',
            message:
              'SLACK_SIGNING_SECRET_PREVIOUS is set: Slack requests signed with the previous signing secret are accepted too; remove it once the rotation is done (docs/runbook.md, "Rotate the Slack signing secret")',
          },
    );
  }
  return notes;
}

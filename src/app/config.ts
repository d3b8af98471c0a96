/**
 * Configuration, parsed once from the environment with zod (SPEC §2). Every
 * problem is reported at once, by variable name; values are never echoed
 * (some are secrets).
 */
import { z } from 'zod';
import { parseDuration } from '../domain/duration';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port');
const emails = z
  .string({ error: 'is required (comma-separated service-account emails)' })
  .transform((s) => s.split(',').map((e) => e.trim()).filter((e) => e.length > 0))
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
  PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a port number').min(0, 'must be a port number').max(65535, 'must be a port number').default(8080),
  SLACK_API_URL: z.url({ error: 'must be a URL' }).default('https://slack.com/api/'),
  WARDEN_SLASH_COMMAND: z.string().regex(/^\/[a-z0-9_-]{1,31}$/, 'must look like /warden').default('/warden'),
  WARDEN_POLICY: z.string().min(1).default('./policy.yaml'),
  FIRESTORE_EMULATOR_HOST: hostPort.optional(),
  RUN_EMULATOR_HOST: hostPort.optional(),
  KMS_EMULATOR_HOST: hostPort.optional(),
  WARDEN_OIDC_CERTS_URL: z.url({ error: 'must be a URL' }).default('https://www.googleapis.com/oauth2/v1/certs'),
  WARDEN_PENDING_TIMEOUT: seconds('24h'),
  WARDEN_REMIND_AFTER: seconds('1h'),
  LOG_LEVEL: z.enum(['silent', 'debug', 'info', 'warn', 'error'], { error: 'must be one of debug, info, warn, error, silent' }).default('info'),
});

const required = z.string({ error: 'is required' }).min(1, 'is required');

const production = base.extend({
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_BOT_TOKEN: required,
  SLACK_APP_TOKEN: z.string().optional(),
  GOOGLE_CLOUD_PROJECT: required,
  /** without these two, /jobs/* refuses every call (fail closed) */
  WARDEN_JOBS_AUDIENCE: z.string().min(1, 'must not be empty').optional(),
  WARDEN_JOBS_INVOKERS: emails.optional(),
});

export type Config = z.infer<typeof production> & { mode: 'http' | 'socket' };

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

/** Variables whose presence means "this is a real deployment, not the sandbox". */
export const DEPLOYMENT_VARIABLES = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'GOOGLE_CLOUD_PROJECT'] as const;

export function isSandbox(env: NodeJS.ProcessEnv): boolean {
  if (env.WARDEN_SANDBOX === '1' || env.WARDEN_SANDBOX === 'true') return true;
  return DEPLOYMENT_VARIABLES.every((name) => !env[name]);
}

export function parseConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const parsed = production.safeParse(env);
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
  const socket = Boolean(env.SLACK_APP_TOKEN);
  if (!socket && !env.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET is required (or SLACK_APP_TOKEN for Socket Mode)');
  if (socket && !/^xapp-/.test(env.SLACK_APP_TOKEN ?? '')) problems.push('SLACK_APP_TOKEN must be an app-level token (xapp-…)');
  if (!parsed.success || problems.length > 0) {
    return { ok: false, message: `runwarden cannot start; fix these environment variables:\n  - ${problems.join('\n  - ')}` };
  }
  return { ok: true, config: { ...parsed.data, mode: socket ? 'socket' : 'http' } };
}

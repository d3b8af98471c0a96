import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSandbox, parseConfig, sandboxRefusal, TERRAFORM_PLACEHOLDER } from '../../../src/app/config';

const production = {
  SLACK_SIGNING_SECRET: 'shh-signing',
  SLACK_BOT_TOKEN: 'xoxb-1',
  GOOGLE_CLOUD_PROJECT: 'acme-prod',
  WARDEN_JOBS_AUDIENCE: 'https://runwarden.example/jobs',
  WARDEN_JOBS_INVOKERS: 'scheduler@acme-prod.iam.gserviceaccount.com, other@acme-prod.iam.gserviceaccount.com',
};

describe('parseConfig', () => {
  it('accepts a complete HTTP-mode environment and applies the defaults', () => {
    const result = parseConfig(production);
    if (!result.ok) throw new Error(result.message);
    expect(result.config).toMatchObject({
      mode: 'http',
      PORT: 8080,
      SLACK_API_URL: 'https://slack.com/api/',
      WARDEN_SLASH_COMMAND: '/warden',
      WARDEN_POLICY: './policy.yaml',
      WARDEN_OIDC_CERTS_URL: 'https://www.googleapis.com/oauth2/v1/certs',
      WARDEN_JOBS_INVOKERS: ['scheduler@acme-prod.iam.gserviceaccount.com', 'other@acme-prod.iam.gserviceaccount.com'],
      WARDEN_PENDING_TIMEOUT: 86400,
      WARDEN_REMIND_AFTER: 3600,
    });
  });

  it('selects Socket Mode with an app token, without a signing secret', () => {
    const result = parseConfig({ ...production, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1' });
    expect(result.ok && result.config.mode).toBe('socket');
  });

  it('names every offending variable in one message, without their values', () => {
    const result = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-secret-value',
      PORT: 'eighty',
      RUN_EMULATOR_HOST: 'no-port',
      WARDEN_JOBS_INVOKERS: 'not-an-email',
      SLACK_API_URL: 'not a url',
    });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    for (const name of [
      'PORT',
      'RUN_EMULATOR_HOST',
      'WARDEN_JOBS_INVOKERS',
      'SLACK_API_URL',
      'GOOGLE_CLOUD_PROJECT',
      'SLACK_SIGNING_SECRET',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('xoxb-secret-value');
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('refuses an app token that is not an app-level token', () => {
    const result = parseConfig({ ...production, SLACK_APP_TOKEN: 'xoxb-wrong' });
    expect(result.ok ? '' : result.message).toContain('SLACK_APP_TOKEN');
  });
});

describe('isSandbox', () => {
  it.each([
    ['no configuration at all', {}, true],
    ['only emulator hosts', { FIRESTORE_EMULATOR_HOST: '127.0.0.1:1' }, true],
    ['a bot token', { SLACK_BOT_TOKEN: 'xoxb' }, false],
    ['a project', { GOOGLE_CLOUD_PROJECT: 'p' }, false],
    ['forced', { GOOGLE_CLOUD_PROJECT: 'p', WARDEN_SANDBOX: '1' }, true],
  ])('%s → %s', (_what, env, expected) => {
    expect(isSandbox(env)).toBe(expected);
  });
});

describe('Cloud Run never runs the sandbox, nor stand-ins unless it says it is a test deployment', () => {
  const cloudRun = { K_SERVICE: 'runwarden', K_REVISION: 'runwarden-00001', K_CONFIGURATION: 'runwarden' };

  it.each([
    ['no configuration at all', cloudRun],
    ['WARDEN_SANDBOX=1', { ...cloudRun, ...production, WARDEN_SANDBOX: '1' }],
  ])('refuses the sandbox on Cloud Run with %s, in one clear message', (_what, env) => {
    expect(sandboxRefusal(env)).toMatch(/^runwarden cannot start: it is running on Cloud Run \(K_SERVICE=runwarden\)/);
  });

  it('lets the sandbox start off Cloud Run', () => {
    expect(sandboxRefusal({})).toBeUndefined();
    expect(isSandbox({})).toBe(true);
  });

  const standIns = {
    FIRESTORE_EMULATOR_HOST: '127.0.0.1:8080',
    RUN_EMULATOR_HOST: '127.0.0.1:9090',
    KMS_EMULATOR_HOST: '127.0.0.1:9090',
    ASSET_EMULATOR_HOST: '127.0.0.1:9090',
    SLACK_API_URL: 'http://127.0.0.1:3000/api/',
    WARDEN_OIDC_CERTS_URL: 'http://127.0.0.1:3001/certs',
  };

  it('on Cloud Run refuses emulator hosts and non-https URLs, naming each', () => {
    const result = parseConfig({ ...production, ...cloudRun, ...standIns });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    for (const name of Object.keys(standIns)) expect(message).toContain(name);
    expect(message).toContain('WARDEN_TEST_DEPLOYMENT=1');
  });

  it('on Cloud Run accepts them when WARDEN_TEST_DEPLOYMENT=1 says it is a test deployment', () => {
    expect(parseConfig({ ...production, ...cloudRun, ...standIns, WARDEN_TEST_DEPLOYMENT: '1' }).ok).toBe(true);
  });

  it('off Cloud Run (local runs, CI, black-box tests) accepts stand-ins without the opt-in', () => {
    expect(parseConfig({ ...production, ...standIns }).ok).toBe(true);
  });
});

describe('secrets and tokens from the environment', () => {
  it('trims a pasted newline or spaces around each secret, and warns by name, never with the value', () => {
    const result = parseConfig({
      ...production,
      SLACK_SIGNING_SECRET: 'shh-signing\n',
      SLACK_BOT_TOKEN: '  xoxb-1 ',
      SLACK_SIGNING_SECRET_PREVIOUS: '\told-signing\r\n',
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.config).toMatchObject({
      SLACK_SIGNING_SECRET: 'shh-signing',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET_PREVIOUS: 'old-signing',
    });
    const trimmed = result.warnings.filter((w) => /whitespace/.test(w.message)).map((w) => w.variable);
    expect(trimmed.sort()).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET_PREVIOUS']);
    const said = JSON.stringify(result.warnings);
    for (const value of ['shh-signing', 'xoxb-1', 'old-signing']) expect(said).not.toContain(value);
  });

  it('trims the app token too, and still recognises it', () => {
    const result = parseConfig({ ...production, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-A-2\n' });
    expect(result.ok && result.config).toMatchObject({ mode: 'socket', SLACK_APP_TOKEN: 'xapp-1-A-2' });
  });

  it('says nothing about secrets stored cleanly', () => {
    const result = parseConfig(production);
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('treats a secret of whitespace only as unset (and a required one as missing)', () => {
    const result = parseConfig({ ...production, SLACK_SIGNING_SECRET: '\n' });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain('SLACK_SIGNING_SECRET is required');
    const previous = parseConfig({ ...production, SLACK_SIGNING_SECRET_PREVIOUS: ' ' });
    expect(previous.ok && previous.config.SLACK_SIGNING_SECRET_PREVIOUS).toBeUndefined();
  });

  it('refuses whitespace inside a secret, naming the variable, not the value', () => {
    const result = parseConfig({ ...production, SLACK_BOT_TOKEN: 'xoxb-1 xoxb-2' });
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    expect(message).toContain('SLACK_BOT_TOKEN must not contain whitespace');
    expect(message).not.toContain('xoxb-1');
  });

  it('accepts SLACK_SIGNING_SECRET_PREVIOUS alongside the current one, and says to remove it once the rotation is done', () => {
    const result = parseConfig({ ...production, SLACK_SIGNING_SECRET_PREVIOUS: 'old-signing' });
    if (!result.ok) throw new Error(result.message);
    expect(result.config.SLACK_SIGNING_SECRET_PREVIOUS).toBe('old-signing');
    expect(result.warnings).toEqual([
      expect.objectContaining({
        variable: 'SLACK_SIGNING_SECRET_PREVIOUS',
        message: expect.stringContaining('remove it once the rotation is done'),
      }),
    ]);
  });

  it('warns when a secret is still Terraform’s placeholder version (infra/secrets.tf)', () => {
    const result = parseConfig({ ...production, SLACK_SIGNING_SECRET: TERRAFORM_PLACEHOLDER });
    expect(result.ok && result.warnings).toEqual([
      expect.objectContaining({ variable: 'SLACK_SIGNING_SECRET', message: expect.stringContaining('placeholder') }),
    ]);
    expect(readFileSync(join(__dirname, '..', '..', '..', 'infra', 'secrets.tf'), 'utf8')).toContain(
      `secret_data = "${TERRAFORM_PLACEHOLDER}"`,
    );
  });
});

/**
 * Production start-up exactly as the environment configures it (SPEC §2):
 * the variables alone point runwarden at Firestore, the Cloud Run/KMS
 * emulator, the Slack stand-in and the OIDC certificates.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startFromEnv } from '../../../src/app/startFromEnv';
import { startEmulator, type Emulator } from '../../../dev/emulator';
import { createOidcIssuer, type OidcIssuer } from '../../../dev/sandbox/oidcIssuer';
import { FORM_CONTENT_TYPE, slashCommandBody } from '../../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../../../dev/sandbox/slackSigner';
import { startSlackStandIn, type SlackStandIn } from '../../../dev/sandbox/slackStandIn';
import { AUDIENCE, BOT_TOKEN, SCHEDULER, SIGNING_SECRET, TEST_POLICY, USERS, service } from '../../support/harness';

jest.setTimeout(60_000);

let emulator: Emulator;
let slack: SlackStandIn;
let issuer: OidcIssuer;
let certs: { url: string; stop(): Promise<void> };
const logs: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logs.push(chunk.toString('utf8'));
    done();
  },
});

beforeAll(async () => {
  emulator = await startEmulator();
  emulator.seedService({ name: service('hello') });
  slack = await startSlackStandIn({ botToken: BOT_TOKEN, users: USERS });
  issuer = await createOidcIssuer();
  certs = await issuer.serve();
});
afterAll(async () => {
  await Promise.allSettled([slack.stop(), certs.stop(), emulator.stop()]);
});

function env(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'runwarden-env-'));
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, TEST_POLICY);
  return {
    PORT: '0',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: `${slack.url}/api/`,
    GOOGLE_CLOUD_PROJECT: `env-${Date.now()}`,
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
    RUN_EMULATOR_HOST: emulator.address,
    KMS_EMULATOR_HOST: emulator.address,
    ASSET_EMULATOR_HOST: emulator.address,
    WARDEN_POLICY: policy,
    WARDEN_JOBS_AUDIENCE: AUDIENCE,
    WARDEN_JOBS_INVOKERS: SCHEDULER,
    WARDEN_OIDC_CERTS_URL: certs.url,
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

it('starts from the environment alone and serves a request, a sweep and structured logs', async () => {
  const result = await startFromEnv(env(), { logDestination: sink });
  if (!result.ok) throw new Error(result.message);
  const { started } = result;
  try {
    const url = `http://127.0.0.1:${started.port}`;
    const body = slashCommandBody({ text: 'invoker hello 1h from env', userId: 'U0ALICE', responseUrl: slack.responseUrl('env') });
    expect((await postToSlackEndpoint(`${url}/slack/events`, SIGNING_SECRET, body, FORM_CONTENT_TYPE)).status).toBe(200);
    const reply = await slack.waitFor(() => slack.responses('env')[0], { timeoutMs: 20_000 });
    expect(reply.body.text).toMatch(/waiting for 1 approval/);
    const sweep = await fetch(`${url}/jobs/sweep`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issuer.mint({ aud: AUDIENCE, email: SCHEDULER })}` },
    });
    expect(sweep.status).toBe(200);
    const lines = logs
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.message === 'request submitted')).toMatchObject({ severity: 'INFO', requestId: expect.any(String) });
    // the audit export (src/app/auditLog.ts) shares the log stream
    expect(lines.find((l) => l.auditSchema === 'runwarden.audit/v1')).toMatchObject({
      severity: 'NOTICE',
      action: 'submitted',
      status: 'pending',
    });
    expect(logs.join('')).not.toContain(SIGNING_SECRET);
    expect(logs.join('')).not.toContain(BOT_TOKEN);
  } finally {
    await started.stop();
  }
});

it('without the jobs variables it starts, warns, and /jobs/sweep refuses even a valid token', async () => {
  const result = await startFromEnv(env({ WARDEN_JOBS_AUDIENCE: undefined, WARDEN_JOBS_INVOKERS: undefined }), { logDestination: sink });
  if (!result.ok) throw new Error(result.message);
  try {
    const url = `http://127.0.0.1:${result.started.port}/jobs/sweep`;
    const token = issuer.mint({ aud: AUDIENCE, email: SCHEDULER });
    expect((await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    expect((await fetch(url, { method: 'POST' })).status).toBe(401);
    expect(logs.join('')).toContain('/jobs/sweep refuses every call');
    // nothing would ever revert a temporary change: refused at submission; a permanent one is still possible
    const bot = `http://127.0.0.1:${result.started.port}/slack/events`;
    const temporary = slashCommandBody({
      text: 'ingress hello internal 1h no sweep',
      userId: 'U0ALICE',
      responseUrl: slack.responseUrl('nosweep'),
    });
    expect((await postToSlackEndpoint(bot, SIGNING_SECRET, temporary, FORM_CONTENT_TYPE)).status).toBe(200);
    const refused = await slack.waitFor(() => slack.responses('nosweep')[0], { timeoutMs: 20_000 });
    expect(refused.body.text).toMatch(/temporary ingress change could never end/);
  } finally {
    await result.started.stop();
  }
});

it('refuses to start on a bad policy, naming the file and the problems', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runwarden-env-'));
  const policy = join(dir, 'bad.yaml');
  writeFileSync(policy, 'rules: []\n');
  const result = await startFromEnv(env({ WARDEN_POLICY: policy }));
  expect(result.ok).toBe(false);
  expect(result.ok ? '' : result.message).toContain('bad.yaml');
});

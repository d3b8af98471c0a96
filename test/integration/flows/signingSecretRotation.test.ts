/**
 * Rotating the Slack signing secret without an outage (docs/runbook.md):
 * started from the environment exactly as Cloud Run starts it, runwarden
 * accepts requests signed with SLACK_SIGNING_SECRET and, while it is set,
 * with SLACK_SIGNING_SECRET_PREVIOUS; anything else is refused. Secrets
 * stored with a trailing newline (`echo … | gcloud secrets versions add`)
 * are trimmed, with a warning that names the variable and never the value.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startFromEnv } from '../../../src/app/startFromEnv';
import { startEmulator, type Emulator } from '../../../dev/emulator';
import { blockActionsBody, FORM_CONTENT_TYPE, slashCommandBody } from '../../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../../../dev/sandbox/slackSigner';
import { startSlackStandIn, type SlackStandIn } from '../../../dev/sandbox/slackStandIn';
import { BOT_TOKEN, TEST_POLICY, USERS } from '../../support/harness';

jest.setTimeout(60_000);

const NEW_SECRET = 'new-signing-secret-0123456789abcdef';
const OLD_SECRET = 'old-signing-secret-fedcba9876543210';

let emulator: Emulator;
let slack: SlackStandIn;
const logs: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logs.push(chunk.toString('utf8'));
    done();
  },
});

beforeAll(async () => {
  emulator = await startEmulator();
  slack = await startSlackStandIn({ botToken: BOT_TOKEN, users: USERS });
});
afterAll(async () => {
  await Promise.allSettled([slack.stop(), emulator.stop()]);
});

function env(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'runwarden-rotation-'));
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, TEST_POLICY);
  return {
    PORT: '0',
    SLACK_BOT_TOKEN: `${BOT_TOKEN}\n`,
    SLACK_API_URL: `${slack.url}/api/`,
    GOOGLE_CLOUD_PROJECT: `rotation-${Date.now()}`,
    FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
    RUN_EMULATOR_HOST: emulator.address,
    KMS_EMULATOR_HOST: emulator.address,
    WARDEN_POLICY: policy,
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

async function help(url: string, secret: string): Promise<number> {
  const body = slashCommandBody({ text: 'help', userId: 'U0ALICE', responseUrl: slack.responseUrl('help') });
  return (await postToSlackEndpoint(`${url}/slack/events`, secret, body, FORM_CONTENT_TYPE)).status;
}

it('accepts the current and the previous signing secret during a rotation, each stored with a trailing newline, and nothing else', async () => {
  const result = await startFromEnv(env({ SLACK_SIGNING_SECRET: `${NEW_SECRET}\n`, SLACK_SIGNING_SECRET_PREVIOUS: `${OLD_SECRET}\n` }), {
    logDestination: sink,
  });
  if (!result.ok) throw new Error(result.message);
  const url = `http://127.0.0.1:${result.started.port}`;
  try {
    expect(await help(url, NEW_SECRET)).toBe(200);
    expect(await help(url, OLD_SECRET)).toBe(200);
    expect(await help(url, 'some-other-secret')).toBe(401);
    expect(await help(url, `${NEW_SECRET}\n`)).toBe(401);
    const lines = logs
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const trimmed = lines.filter((l) => l.severity === 'WARNING' && /whitespace/.test(String(l.message))).map((l) => l.variable);
    expect(trimmed.sort()).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET_PREVIOUS']);
    expect(lines).toContainEqual(
      expect.objectContaining({
        severity: 'WARNING',
        variable: 'SLACK_SIGNING_SECRET_PREVIOUS',
        message: expect.stringContaining('remove it once the rotation is done'),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ severity: 'INFO', message: expect.stringContaining('signed with the previous signing secret') }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        severity: 'WARNING',
        message: 'refused a Slack request: signature not verified',
        reason: 'signature mismatch',
      }),
    );
    for (const secret of [NEW_SECRET, OLD_SECRET, BOT_TOKEN]) expect(logs.join('')).not.toContain(secret);
  } finally {
    await result.started.stop();
  }
});

it('once SLACK_SIGNING_SECRET_PREVIOUS is removed, the old secret is refused', async () => {
  const result = await startFromEnv(env({ SLACK_SIGNING_SECRET: NEW_SECRET }), { logDestination: sink });
  if (!result.ok) throw new Error(result.message);
  const url = `http://127.0.0.1:${result.started.port}`;
  try {
    expect(await help(url, NEW_SECRET)).toBe(200);
    expect(await help(url, OLD_SECRET)).toBe(401);
  } finally {
    await result.started.stop();
  }
});

it('answers an unsigned ssl_check without letting a payload smuggled next to it reach a listener', async () => {
  const result = await startFromEnv(env({ SLACK_SIGNING_SECRET: NEW_SECRET }), { logDestination: sink });
  if (!result.ok) throw new Error(result.message);
  const url = `http://127.0.0.1:${result.started.port}`;
  try {
    const click = blockActionsBody({ userId: 'U0ALICE', actionId: 'runwarden_home_open', value: 'x' });
    const before = slack.calls.length;
    const answer = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': FORM_CONTENT_TYPE },
      body: `ssl_check=1&${click}`,
    });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('');
    // no listener ran: nothing was asked of Slack (a listener would at least resolve the user)
    expect(slack.calls.slice(before)).toEqual([]);
  } finally {
    await result.started.stop();
  }
});

/**
 * The image's start file, built and run as the Dockerfile builds and runs it:
 * `tsc -p tsconfig.build.json`, `node image/bundle.mjs` (dist/image/main.js,
 * one file, the Google client libraries left in node_modules), its compile
 * cache warmed by `node image/warmCompileCache.mjs`, then
 * `node dist/image/main.js` with that cache, against the project's stand-ins.
 * It answers /healthz and `/warden help`, files a real request (the Firestore
 * and Cloud Run clients load on first use, from node_modules), and stops
 * cleanly on SIGTERM — so the bundle is the same program the other tests run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type Emulator } from '../../../dev/emulator';
import { freePort } from '../../../dev/sandbox/firestoreEmulator';
import { FORM_CONTENT_TYPE, slashCommandBody } from '../../../dev/sandbox/slackPayloads';
import { signSlackRequest } from '../../../dev/sandbox/slackSigner';
import { startSlackStandIn, type SlackStandIn } from '../../../dev/sandbox/slackStandIn';

jest.setTimeout(300_000);

const ROOT = resolve(__dirname, '../../..');
const SECRET = 'image-entry-test-secret';
const TOKEN = 'xoxb-image-entry-test';
const SERVICE = 'projects/acme-prod/locations/us-central1/services/hello';

let emulator: Emulator;
let slack: SlackStandIn;
let cache: string;
let bot: ChildProcess | undefined;
let port: number;
let stderr = '';

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  execFileSync(process.execPath, ['image/bundle.mjs'], { cwd: ROOT, stdio: 'pipe' });
  cache = mkdtempSync(join(tmpdir(), 'runwarden-compile-cache-'));
  execFileSync(process.execPath, ['image/warmCompileCache.mjs', cache], { cwd: ROOT, stdio: 'pipe' });
  emulator = await startEmulator();
  emulator.seedService({ name: SERVICE });
  slack = await startSlackStandIn({
    botToken: TOKEN,
    users: [{ id: 'U0ALICE', name: 'alice', email: 'alice@acme.example' }],
    // the user groups examples/policy.yaml names
    userGroups: { S0ONCALL: [], S0SECURITY: [] },
  });
  port = await freePort();
});

afterAll(async () => {
  if (bot && bot.exitCode === null) bot.kill('SIGKILL');
  await Promise.allSettled([slack.stop(), emulator.stop()]);
  rmSync(cache, { recursive: true, force: true });
});

async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

async function command(text: string): Promise<{ status: number; text: string }> {
  const body = slashCommandBody({ text, userId: 'U0ALICE', responseUrl: slack.responseUrl('image') });
  const answer = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': FORM_CONTENT_TYPE, ...signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000)) },
    body,
  });
  return { status: answer.status, text: await answer.text() };
}

it('the warm-up wrote a compile cache for the bundle', () => {
  expect(existsSync(join(ROOT, 'dist/image/main.js'))).toBe(true);
  const versions = readdirSync(cache);
  expect(versions).toHaveLength(1);
  expect(readdirSync(join(cache, versions[0] as string)).length).toBeGreaterThan(0);
});

it('starts from dist/image/main.js, answers, files a request through Firestore and Cloud Run, and stops on SIGTERM', async () => {
  bot = spawn(process.execPath, ['dist/image/main.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      NODE_COMPILE_CACHE: cache,
      METADATA_SERVER_DETECTION: 'none',
      PORT: String(port),
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_API_URL: `${slack.url}/api/`,
      GOOGLE_CLOUD_PROJECT: `image-entry-${Date.now()}`,
      FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
      RUN_EMULATOR_HOST: emulator.address,
      KMS_EMULATOR_HOST: emulator.address,
      WARDEN_POLICY: join(ROOT, 'examples/policy.yaml'),
      LOG_LEVEL: 'warn',
      WARDEN_TEST_DEPLOYMENT: '1',
    },
  });
  bot.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<number | null>((done) => bot?.once('exit', (code) => done(code)));
  for (let tries = 0; !(await healthy()); tries += 1) {
    if (bot.exitCode !== null) throw new Error(`dist/image/main.js exited with ${bot.exitCode}: ${stderr}`);
    if (tries > 600) throw new Error(`dist/image/main.js did not answer /healthz: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const help = await command('help');
  expect(help.status).toBe(200);
  expect(help.text).toContain('/warden invoker');

  expect((await command('invoker hello 1h checking the image entry')).status).toBe(200);
  const posted = await slack.waitFor(() => slack.messages('C0APPROVALS').find((m) => m.text.includes('hello')), {
    timeoutMs: 120_000,
    description: 'the approval message',
  });
  expect(posted.text).toContain('hello');
  expect(emulator.calls.some((call) => call.method === 'GetService')).toBe(true);

  bot.kill('SIGTERM');
  expect(await exited).toBe(0);
});

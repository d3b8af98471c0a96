// Warms Node's compile cache (NODE_COMPILE_CACHE: V8 code cache of every
// function compiled, on disk) for the image's start-up file, so a new Cloud
// Run instance neither parses nor compiles runwarden before it answers: the
// build stage runs dist/image/main.js once, exactly as the image will (same
// path, same Node binary, same NODE_OPTIONS), against nothing — a throwaway
// configuration, a one-rule policy, Slack at an address that refuses — waits
// for GET /healthz, sends one signed `/warden help` (which loads the request
// path: listeners, commands, views) and stops it with SIGTERM, which writes
// the cache. Nothing of Google is loaded (the clients load on first use), no
// request leaves the machine, no secret is involved.
//
//   node image/warmCompileCache.mjs <cache dir>      (the Dockerfile's build stage; bench/imageEntry.ts)
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = resolve(process.argv[2] ?? '');
if (!process.argv[2]) {
  console.error('usage: node image/warmCompileCache.mjs <compile cache dir>');
  process.exit(2);
}
// a cache is rebuilt from nothing: entries a writable cache collected from other runs (a benchmark's bots load the
// Google clients too) are not in the image's
rmSync(cacheDir, { recursive: true, force: true });
const entry = join(root, 'dist/image/main.js');
const port = 18_000 + Math.floor(Math.random() * 2000);
const secret = 'compile-cache-warm-up';
const scratch = mkdtempSync(join(tmpdir(), 'runwarden-warm-'));
const policy = join(scratch, 'policy.yaml');
writeFileSync(
  policy,
  [
    'defaults: { project: warm-up, region: us-central1, channel: C0WARMUP }',
    'domains: [warm-up.invalid]',
    'approverGroups: { approvers: [U0WARMUP] }',
    'rules:',
    // a reason pattern, so the policy load compiles one with RE2 as most policies do (its code is cached too)
    '  - { kind: invoker, resources: ["projects/warm-up/locations/*/services/*"], maxDuration: 1h, approvers: approvers, reason: { pattern: "^[A-Z]+-[0-9]+ " } }',
    '',
  ].join('\n'),
);

const child = spawn(process.execPath, [entry], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
    NODE_COMPILE_CACHE: cacheDir,
    PORT: String(port),
    SLACK_SIGNING_SECRET: secret,
    SLACK_BOT_TOKEN: 'xoxb-compile-cache-warm-up',
    // a port nothing listens on: Slack calls fail at once, nothing leaves the machine
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    GOOGLE_CLOUD_PROJECT: 'warm-up',
    WARDEN_POLICY: policy,
    LOG_LEVEL: 'error',
  },
});
const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));

async function healthy() {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

try {
  const deadline = Date.now() + 60_000;
  while (!(await healthy())) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode} before answering /healthz`);
    if (Date.now() > deadline) throw new Error(`${entry} did not answer /healthz within 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const body = new URLSearchParams({
    command: '/warden',
    text: 'help',
    user_id: 'U0WARMUP',
    user_name: 'warm-up',
    team_id: 'T0WARMUP',
    channel_id: 'C0WARMUP',
    trigger_id: '1.2.3',
    response_url: 'http://127.0.0.1:9/response',
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const answer = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
    body,
  });
  const text = await answer.text();
  if (answer.status !== 200 || !text.includes('/warden'))
    throw new Error(`/warden help answered HTTP ${answer.status}: ${text.slice(0, 200)}`);
} finally {
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  rmSync(scratch, { recursive: true, force: true });
  if (code !== 0) console.error(`warm-up run ended with ${code ?? signal}`);
}
console.log(`compile cache warmed in ${cacheDir}`);

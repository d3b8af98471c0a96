/**
 * runwarden as production runs it: `node dist/src/main.js`, configured by
 * its environment alone (SPEC §2), one OS process per instance, against the
 * project's gRPC emulator, the Slack and OIDC stand-ins and the Firestore
 * emulator — so tests can kill -9, SIGSTOP/SIGCONT and SIGTERM a real
 * process. Nothing of the bot runs in the test's process: Slack traffic is
 * signed HTTP, the sweep is Cloud Scheduler's authenticated POST, and the
 * store is read (and, to let time pass, its leases edited) through a
 * Firestore client of the test's own.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { createRequestStore } from '../../src/adapters/firestore/requestStore';
import type { AccessRequest } from '../../src/domain/request';
import type { RequestStore } from '../../src/ports';
import { startEmulator, type Emulator } from '../../dev/emulator';
import { createOidcIssuer, type OidcIssuer } from '../../dev/sandbox/oidcIssuer';
import { blockActionsBody, FORM_CONTENT_TYPE, slashCommandBody } from '../../dev/sandbox/slackPayloads';
import { postToSlackEndpoint } from '../../dev/sandbox/slackSigner';
import { startSlackStandIn, type SlackStandIn } from '../../dev/sandbox/slackStandIn';
import { APPROVALS_CHANNEL, AUDIENCE, BOT_TOKEN, PROJECT, SCHEDULER, SIGNING_SECRET, USERS } from './harness';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

let built: boolean | undefined;
/** Compiles the production build (tsc -b, incremental: quick when nothing changed), once per test run. */
function buildProduction(): void {
  if (built) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  built = true;
}

/** A structured log line of the bot (one JSON object per stdout line). */
export type LogLine = Record<string, unknown> & { severity?: string; message?: string };

export interface BotProcess {
  pid: number;
  url: string;
  /** every JSON line the process has written to stdout so far */
  logs: LogLine[];
  /** resolves with the first log line (already written or to come) that matches; fails after `timeoutMs` */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number, description?: string): Promise<LogLine>;
  signal(signal: NodeJS.Signals): void;
  /** resolves when the process has exited: its exit code, or the signal that ended it */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export interface ProcessFleet {
  emulator: Emulator;
  slack: SlackStandIn;
  issuer: OidcIssuer;
  projectId: string;
  /** the test's own view of the bot's Firestore data */
  store: RequestStore;
  /** starts an instance; `env` overrides the defaults (e.g. FIRESTORE_EMULATOR_HOST through a proxy) */
  start(env?: Record<string, string>): Promise<BotProcess>;
  /** a signed slash command; the acknowledgement's status and text, and the response_url tag */
  slash(bot: BotProcess, user: string, text: string): Promise<{ status: number; text: string; tag: string }>;
  /** the slash command's answer: the acknowledgement if it carried text, else the response_url reply */
  ask(bot: BotProcess, user: string, text: string, timeoutMs?: number): Promise<string>;
  /** a signed click on a button of the request's approval message */
  click(bot: BotProcess, user: string, actionId: string, id: string): Promise<{ status: number; tag: string }>;
  /** a signed click on the button whose value is `value` (an extension's `<id>.<n>`), on the approvals-channel message that carries it */
  press(bot: BotProcess, user: string, actionId: string, value: string): Promise<{ status: number; tag: string }>;
  /** Cloud Scheduler's POST /jobs/sweep; `timeoutMs` bounds the wait for the answer */
  sweep(bot: BotProcess, timeoutMs?: number): Promise<{ status: number; body: Record<string, number> }>;
  request(id: string): Promise<AccessRequest>;
  /** polls the stored request until `until` holds; fails (with the last state read) after `timeoutMs` */
  waitForRequest(id: string, until: (request: AccessRequest) => boolean, timeoutMs?: number): Promise<AccessRequest>;
  /** lets the request's lease run out (as if its holder had been gone for longer than it): for a test that cannot wait 5 minutes */
  lapseLease(id: string): Promise<void>;
  stop(): Promise<void>;
}

function policyFile(policy: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'runwarden-process-'));
  const path = join(dir, 'policy.yaml');
  writeFileSync(path, policy);
  return path;
}

function track(child: ChildProcess, name: string): BotProcess & { started: Promise<number> } {
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ message: line });
      }
      newline = buffered.indexOf('\n');
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal, at: Date.now() });
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name}`);

  function waitForLog(match: (line: LogLine) => boolean, timeoutMs = 30_000, description = 'a log line'): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = logs.find(match);
        if (found) return finish(() => resolve(found));
        if (child.exitCode !== null || child.signalCode !== null) {
          finish(() =>
            reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before ${description}; stderr: ${stderr}`)),
          );
        }
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${name}: no ${description} within ${timeoutMs} ms`))), timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });
  }

  const started = waitForLog((line) => line.message === 'runwarden started', 60_000, 'start-up').then((line) => Number(line.port));
  return {
    pid,
    url: '',
    logs,
    waitForLog,
    signal: (signal) => void child.kill(signal),
    exited,
    started,
  };
}

/**
 * Starts the stand-ins (emulator, Slack, OIDC) and returns a fleet that
 * starts bot processes on them; every process of a fleet shares one
 * Firestore project. `policy`: the policy file's text.
 */
export async function startProcessFleet(options: { policy: string }): Promise<ProcessFleet> {
  buildProduction();
  process.env.METADATA_SERVER_DETECTION = 'none';
  const firestoreHost = process.env.FIRESTORE_EMULATOR_HOST;
  if (!firestoreHost) throw new Error('FIRESTORE_EMULATOR_HOST is not set (jest global set-up starts an emulator)');
  const emulator = await startEmulator();
  const slack = await startSlackStandIn({ botToken: BOT_TOKEN, users: USERS, userGroups: { S0SECURITY: ['U0DAVE', 'U0ERIN'] } });
  const issuer = await createOidcIssuer();
  const certs = await issuer.serve();
  const projectId = `${PROJECT}-p${randomBytes(4).toString('hex')}`;
  const firestore = new Firestore({ projectId, ignoreUndefinedProperties: true });
  const store = createRequestStore({ firestore });
  const policy = policyFile(options.policy);
  const children: ChildProcess[] = [];
  let tags = 0;

  const fleet: ProcessFleet = {
    emulator,
    slack,
    issuer,
    projectId,
    store,
    async start(env = {}) {
      const child = spawn(process.execPath, [MAIN], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          PORT: '0',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_API_URL: `${slack.url}/api/`,
          GOOGLE_CLOUD_PROJECT: projectId,
          FIRESTORE_EMULATOR_HOST: firestoreHost,
          METADATA_SERVER_DETECTION: 'none',
          RUN_EMULATOR_HOST: emulator.address,
          KMS_EMULATOR_HOST: emulator.address,
          ASSET_EMULATOR_HOST: emulator.address,
          WARDEN_POLICY: policy,
          WARDEN_JOBS_AUDIENCE: AUDIENCE,
          WARDEN_JOBS_INVOKERS: SCHEDULER,
          WARDEN_OIDC_CERTS_URL: certs.url,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const bot = track(child, `bot process ${child.pid ?? '?'}`);
      const port = await bot.started;
      return { ...bot, url: `http://127.0.0.1:${port}` };
    },
    async slash(bot, user, text) {
      tags += 1;
      const tag = `p${tags}`;
      const body = slashCommandBody({ text, userId: user, responseUrl: slack.responseUrl(tag) });
      const answer = await postToSlackEndpoint(`${bot.url}/slack/events`, SIGNING_SECRET, body, FORM_CONTENT_TYPE);
      return { ...answer, tag };
    },
    async ask(bot, user, text, timeoutMs = 30_000) {
      const answer = await fleet.slash(bot, user, text);
      if (answer.status !== 200) throw new Error(`slash command answered HTTP ${answer.status}`);
      if (answer.text.trim() !== '') {
        const parsed = JSON.parse(answer.text) as { text?: string };
        if (parsed.text) return parsed.text;
      }
      const reply = await slack.waitFor(() => slack.responses(answer.tag)[0], { description: `reply to "${text}"`, timeoutMs });
      return reply.body.text ?? '';
    },
    async click(bot, user, actionId, id) {
      const message = slack
        .messages(APPROVALS_CHANNEL)
        .find((m) => !m.threadTs && JSON.stringify(m.blocks ?? []).includes(`"value":"${id}"`));
      if (!message) throw new Error(`no approval message for ${id}`);
      tags += 1;
      const tag = `pc${tags}`;
      const body = blockActionsBody({
        userId: user,
        actionId,
        value: id,
        channelId: message.channel,
        messageTs: message.ts,
        responseUrl: slack.responseUrl(tag),
      });
      const answer = await postToSlackEndpoint(`${bot.url}/slack/events`, SIGNING_SECRET, body, FORM_CONTENT_TYPE);
      return { status: answer.status, tag };
    },
    async press(bot, user, actionId, value) {
      const message = slack.messages(APPROVALS_CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(`"value":"${value}"`));
      if (!message) throw new Error(`no message with a button of value ${value}`);
      tags += 1;
      const tag = `pp${tags}`;
      const body = blockActionsBody({
        userId: user,
        actionId,
        value,
        channelId: message.channel,
        messageTs: message.ts,
        responseUrl: slack.responseUrl(tag),
      });
      const answer = await postToSlackEndpoint(`${bot.url}/slack/events`, SIGNING_SECRET, body, FORM_CONTENT_TYPE);
      return { status: answer.status, tag };
    },
    async sweep(bot, timeoutMs = 120_000) {
      const token = issuer.mint({ aud: AUDIENCE, email: SCHEDULER });
      const response = await fetch(`${bot.url}/jobs/sweep`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, number>) : {} };
    },
    async request(id) {
      const found = await store.get(id);
      if (!found) throw new Error(`request ${id} not found`);
      return found;
    },
    async waitForRequest(id, until, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = await store.get(id);
      while (!last || !until(last)) {
        if (Date.now() > deadline)
          throw new Error(`request ${id} did not reach the expected state within ${timeoutMs} ms; last read: ${JSON.stringify(last)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        last = await store.get(id);
      }
      return last;
    },
    async lapseLease(id) {
      const doc = firestore.collection('requests').doc(id);
      await firestore.runTransaction(async (tx) => {
        const snapshot = await tx.get(doc);
        if (!snapshot.get('op')) throw new Error(`request ${id} holds no lease`);
        tx.update(doc, { 'op.leaseUntil': new Date(Date.now() - 1000) });
      });
    },
    async stop() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.allSettled([slack.stop(), certs.stop(), emulator.stop(), firestore.terminate()]);
    },
  };
  return fleet;
}

/**
 * The sandbox: `npm start` with no Slack and no Google configuration runs the
 * real bot against local stand-ins — the project's Cloud Run/KMS emulator
 * seeded with demo resources, gcloud's Firestore emulator, a Slack Web API
 * stand-in and a stand-in for Google's OIDC certificates — so a newcomer can
 * drive request → approve → apply → expire from the terminal
 * (`npm run -s warden -- …`, see docs/sandbox.md).
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createAuditLog } from '../../src/app/auditLog';
import { createLogger } from '../../src/app/logger';
import { readPolicyFile } from '../../src/app/policyFile';
import { createRunwarden } from '../../src/app/wiring';
import { seedDemo, seedPostureDemo, startEmulator } from '../emulator';
import { startFirestoreEmulator } from './firestoreEmulator';
import { createOidcIssuer } from './oidcIssuer';
import { readableLogStream } from './readableLog';
import { startSlackStandIn } from './slackStandIn';

export const SANDBOX = {
  project: 'acme-prod',
  signingSecret: 'sandbox-signing-secret',
  botToken: 'xoxb-sandbox-token',
  audience: 'https://runwarden.sandbox/jobs',
  scheduler: 'scheduler@acme-prod.iam.gserviceaccount.com',
  users: [
    { id: 'U0ALICE', name: 'alice', email: 'alice@acme.example' },
    { id: 'U0BOB', name: 'bob', email: 'bob@acme.example' },
    { id: 'U0CAROL', name: 'carol', email: 'carol@acme.example' },
    { id: 'U0DAVE', name: 'dave', email: 'dave@acme.example' },
    { id: 'U0MALLORY', name: 'mallory', email: 'mallory@evil.example' },
  ],
  userGroups: { S0SECURITY: ['U0DAVE', 'U0CAROL'], S0ONCALL: ['U0ALICE'] },
} as const;

export async function startSandbox(env: NodeJS.ProcessEnv): Promise<void> {
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  // readable lines at the terminal; production (src/main.ts) writes the same records as JSON
  const readable = readableLogStream({ colorize: process.stdout.isTTY });
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'warn', destination: readable });
  const policyPath =
    env.WARDEN_POLICY ?? (existsSync('./policy.yaml') ? './policy.yaml' : resolve(__dirname, '../../../examples/policy.yaml'));
  const policy = readPolicyFile(policyPath);
  if (!policy.ok) throw new Error(policy.message);

  say('runwarden sandbox: starting local stand-ins…');
  let firestoreHost = env.FIRESTORE_EMULATOR_HOST;
  const firestore = firestoreHost ? undefined : await startFirestoreEmulator();
  firestoreHost ??= firestore?.host ?? '';
  process.env.FIRESTORE_EMULATOR_HOST = firestoreHost;
  process.env.METADATA_SERVER_DETECTION = 'none';

  const emulator = await startEmulator();
  seedDemo(emulator, SANDBOX.project);
  seedPostureDemo(emulator, SANDBOX.project);
  const issuer = await createOidcIssuer();
  const certs = await issuer.serve();
  const mintToken = (): string => issuer.mint({ aud: SANDBOX.audience, email: SANDBOX.scheduler });
  const slack = await startSlackStandIn({
    botToken: SANDBOX.botToken,
    users: [...SANDBOX.users],
    userGroups: { S0SECURITY: [...SANDBOX.userGroups.S0SECURITY], S0ONCALL: [...SANDBOX.userGroups.S0ONCALL] },
    log: (line) => say(line),
    extraRoutes: { '/_sandbox/oidc-token': async () => ({ status: 200, body: { token: mintToken() } }) },
  });

  const port = Number(env.PORT ?? 8080);
  const runwarden = createRunwarden({
    port,
    slashCommand: env.WARDEN_SLASH_COMMAND ?? '/warden',
    signingSecret: SANDBOX.signingSecret,
    botToken: SANDBOX.botToken,
    slackApiUrl: `${slack.url}/api/`,
    projectId: SANDBOX.project,
    runEmulatorHost: emulator.address,
    kmsEmulatorHost: emulator.address,
    assetEmulatorHost: emulator.address,
    jobs: { audience: SANDBOX.audience, invokers: [SANDBOX.scheduler], certsUrl: certs.url },
    policy: policy.policy,
    logger,
    auditLog: createAuditLog({ destination: readable }),
  });
  const server = await runwarden.start();
  const botUrl = `http://127.0.0.1:${server.port}`;

  const file = resolve('.sandbox/sandbox.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify(
      {
        botUrl,
        signingSecret: SANDBOX.signingSecret,
        slashCommand: env.WARDEN_SLASH_COMMAND ?? '/warden',
        slackStandInUrl: slack.url,
        emulator: emulator.address,
        firestore: firestoreHost,
      },
      null,
      2,
    ),
  );

  // Cloud Scheduler's stand-in: the sweep every 15 s, through the real OIDC-protected route.
  const ticker = setInterval(() => {
    void fetch(`${botUrl}/jobs/sweep`, { method: 'POST', headers: { authorization: `Bearer ${mintToken()}` } })
      .then(async (r) => {
        const counts = (await r.json()) as Record<string, number>;
        const busy = Object.entries(counts).filter(([, n]) => n > 0);
        if (busy.length > 0) say(`[sweep] ${busy.map(([k, n]) => `${k}=${n}`).join(' ')}`);
      })
      .catch(() => undefined);
  }, 15_000);

  // …and the daily posture scan: once now, so the first `/warden posture` shows a report, then every 10 minutes.
  const postureScan = (): void =>
    void fetch(`${botUrl}/jobs/posture`, { method: 'POST', headers: { authorization: `Bearer ${mintToken()}` } })
      .then(async (r) => {
        const counts = (await r.json()) as Record<string, unknown>;
        if (typeof counts.new !== 'number') return;
        const changed = ['new', 'reopened', 'resolved'].filter((k) => Number(counts[k]) > 0).map((k) => `${k}=${String(counts[k])}`);
        if (changed.length > 0) say(`[posture] ${changed.join(' ')} (\`npm run -s warden -- posture --user U0DAVE\`)`);
      })
      .catch(() => undefined);
  postureScan();
  const postureTicker = setInterval(postureScan, 10 * 60_000);

  say(`runwarden sandbox is up on ${botUrl} (policy: ${policyPath})`);
  say(`  Firestore emulator ${firestoreHost} · Cloud Run/KMS emulator ${emulator.address} · Slack stand-in ${slack.url}`);
  say(
    '  Demo users: U0ALICE (requester, on call: S0ONCALL), U0BOB and U0CAROL (platform approvers), U0DAVE and U0CAROL (security group S0SECURITY), U0MALLORY (outside the allowed domains).',
  );
  say('  In another terminal:');
  say('    npm run -s warden -- "invoker hello 2m testing the sandbox" --user U0ALICE');
  say('    npm run -s warden -- approve <id> --user U0BOB');
  say('    npm run -s warden -- messages');
  say('    npm run -s warden -- posture --user U0DAVE        # the posture findings (a scan ran at start)');
  say('  Press Ctrl-C to stop.');

  const stop = async (): Promise<void> => {
    clearInterval(ticker);
    clearInterval(postureTicker);
    await runwarden.stop();
    await Promise.allSettled([slack.stop(), certs.stop(), emulator.stop(), firestore?.stop()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

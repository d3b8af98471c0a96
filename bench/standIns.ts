/**
 * The local stand-ins a production-mode runwarden process talks to in the
 * start-up benchmarks — the Firestore emulator (FIRESTORE_EMULATOR_HOST, set by
 * bench/run.ts), the project's gRPC emulator of Cloud Run and KMS, the Slack
 * Web API stand-in and the OIDC certificates stand-in — and the environment
 * that points `node dist/src/main.js` at them, as the image would be started.
 */
import { resolve } from 'node:path';
import { startEmulator, type Emulator } from '../dev/emulator';
import { createOidcIssuer } from '../dev/sandbox/oidcIssuer';
import { startSlackStandIn, type SlackStandIn, type StandInUser } from '../dev/sandbox/slackStandIn';

export const BENCH_SIGNING_SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench-token';

export interface StandIns {
  /** the repository root (dist/, examples/) */
  root: string;
  /** for both apps: Slack variables, NODE_ENV=production */
  slackEnv: NodeJS.ProcessEnv;
  /** for runwarden: slackEnv plus Google, Firestore, policy and jobs variables */
  runwardenEnv: NodeJS.ProcessEnv;
  /** the gRPC emulator both point at (its call log counts Google calls) */
  emulator: Emulator;
  /** the Slack Web API stand-in (its views count App Home publishes) */
  slack: SlackStandIn;
  /** a Cloud Scheduler OIDC token runwarden accepts on /jobs/* */
  jobsToken(): string;
  stop(): Promise<void>;
}

export interface StandInsOptions {
  /** Slack users the stand-in knows (default: U0ALICE) */
  users?: StandInUser[];
  /** Slack user groups (id → member ids) */
  userGroups?: Record<string, string[]>;
  /** the policy file runwarden reads (default examples/policy.yaml) */
  policyFile?: string;
}

export async function startStandIns(options: StandInsOptions = {}): Promise<StandIns> {
  const root = resolve(__dirname, '../..');
  const firestoreHost = process.env.FIRESTORE_EMULATOR_HOST;
  if (!firestoreHost)
    throw new Error('FIRESTORE_EMULATOR_HOST is unset: bench/run.ts sets it (bench/firestoreForBench.ts) before any part that needs it');
  const emulator = await startEmulator();
  const issuer = await createOidcIssuer();
  const certs = await issuer.serve();
  const slack = await startSlackStandIn({
    botToken: TOKEN,
    users: options.users ?? [{ id: 'U0ALICE', name: 'alice', email: 'alice@acme.example' }],
    ...(options.userGroups ? { userGroups: options.userGroups } : {}),
  });
  const slackEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    METADATA_SERVER_DETECTION: 'none',
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_API_URL: `${slack.url}/api/`,
  };
  const audience = 'https://runwarden.bench/jobs';
  const scheduler = 'scheduler@acme-prod.iam.gserviceaccount.com';
  return {
    root,
    slackEnv,
    emulator,
    slack,
    jobsToken: () => issuer.mint({ aud: audience, email: scheduler }),
    runwardenEnv: {
      ...slackEnv,
      GOOGLE_CLOUD_PROJECT: `bench-${Date.now()}`,
      FIRESTORE_EMULATOR_HOST: firestoreHost,
      RUN_EMULATOR_HOST: emulator.address,
      KMS_EMULATOR_HOST: emulator.address,
      ASSET_EMULATOR_HOST: emulator.address,
      WARDEN_POLICY: options.policyFile ?? resolve(root, 'examples/policy.yaml'),
      WARDEN_JOBS_AUDIENCE: audience,
      WARDEN_JOBS_INVOKERS: scheduler,
      WARDEN_OIDC_CERTS_URL: certs.url,
      LOG_LEVEL: 'info',
      // stand-ins are only refused on Cloud Run (K_SERVICE set); say what this is all the same
      WARDEN_TEST_DEPLOYMENT: '1',
    },
    async stop() {
      await Promise.allSettled([slack.stop(), certs.stop(), emulator.stop()]);
    },
  };
}

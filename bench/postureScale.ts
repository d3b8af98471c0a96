/**
 * The posture scan at scale (SPEC §11, issue 18): an estate of P projects
 * under one organization (in folders of 100), S Cloud Run services spread
 * over them with B IAM bindings in all, and a few keys, seeded in the
 * project's gRPC emulator. Then `node dist/src/main.js` (its own process, so
 * its memory is its own) is scanned through POST /jobs/posture with a Cloud
 * Scheduler token: a first scan (every finding new) and a second (every
 * finding updated in place). Printed per scan: wall time, Asset Inventory
 * calls (by method), findings by kind, the bot's RSS before, sampled and its
 * peak (VmHWM). RUNWARDEN_BENCH_POSTURE="50/1000/2000" (projects/services/
 * bindings) picks another size; RUNWARDEN_BENCH_POSTURE_SCOPES=projects scans
 * with one posture.scope entry per project instead of the organization;
 * RUNWARDEN_BENCH_POSTURE_HEAP=<MiB> runs the bot with --max-old-space-size
 * (a scan that completes under a small heap cap at a large size is one whose
 * memory does not grow with the estate); RUNWARDEN_BENCH_POSTURE_LATENCY=<ms>
 * makes the emulator wait that long before each answer, like a remote API.
 *
 * The estate (per service i, deterministic): two bindings — a service account
 * allowed to invoke it, and a second one that is, in turn, a user's standing
 * invoker grant (1 in 10), allUsers (1 in 50), an expired conditional grant
 * (1 in 25) or another service account; ingress `all` on 1 in 20 services, the
 * default compute identity on 1 in 10, a missing CMEK on `pay-*` services
 * without a key; 50 keys, 10 of which never rotate. Bindings beyond two per
 * service go, as extra service accounts, onto the services in order.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PlainBinding } from '../dev/emulator';
import { freePort } from '../dev/sandbox/firestoreEmulator';
import { startAppProcess } from './appProcess';
import { startStandIns, type StandIns } from './standIns';
import { heading, nowMs, table } from './stats';

export interface PostureScaleOptions {
  projects: number;
  services: number;
  bindings: number;
  /** posture.scope: the organization, or one entry per project */
  scopes: 'organization' | 'projects';
}

export const DEFAULT_POSTURE_SCALE: PostureScaleOptions = { projects: 500, services: 10_000, bindings: 20_000, scopes: 'organization' };

export function postureScaleFromEnv(env = process.env): PostureScaleOptions {
  const size = env.RUNWARDEN_BENCH_POSTURE;
  const scopes = env.RUNWARDEN_BENCH_POSTURE_SCOPES === 'projects' ? 'projects' : 'organization';
  if (!size) return { ...DEFAULT_POSTURE_SCALE, scopes };
  const [projects, services, bindings] = size.split('/').map((n) => Number(n.trim()));
  if (!projects || !services || !bindings || ![projects, services, bindings].every(Number.isInteger)) {
    throw new Error(`RUNWARDEN_BENCH_POSTURE: expected projects/services/bindings, got ${JSON.stringify(size)}`);
  }
  return { projects, services, bindings, scopes };
}

const ORG = 'organizations/1';
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
const projectId = (p: number): string => `estate-${String(p).padStart(4, '0')}`;

function seedEstate(standIns: StandIns, options: PostureScaleOptions): void {
  const e = standIns.emulator;
  for (let f = 0; f < Math.ceil(options.projects / 100); f += 1) e.seedFolder({ name: `folders/${1000 + f}`, parent: ORG });
  for (let p = 0; p < options.projects; p += 1) e.seedProject({ id: projectId(p), parent: `folders/${1000 + Math.floor(p / 100)}` });
  const keys: string[] = [];
  for (let k = 0; k < 50; k += 1) {
    const name = `projects/${projectId(k % options.projects)}/locations/global/keyRings/run/cryptoKeys/key-${k}`;
    e.seedKey({ name, ...(k < 10 ? {} : { rotationPeriodSeconds: 30 * 86_400, nextRotationTime: new Date(Date.now() + 86_400_000) }) });
    keys.push(name);
  }
  const extra = Math.max(0, options.bindings - 2 * options.services);
  const expired = { title: 'old-grant', expression: 'request.time < timestamp("2025-01-01T00:00:00Z")' };
  for (let i = 0; i < options.services; i += 1) {
    const project = projectId(i % options.projects);
    const id = i % 20 === 7 ? `pay-${i}` : `svc-${i}`;
    const caller = `serviceAccount:caller-${i}@${project}.iam.gserviceaccount.com`;
    const second: PlainBinding =
      i % 10 === 0
        ? { role: 'roles/run.invoker', members: [`user:user${i}@acme.example`] }
        : i % 50 === 1
          ? { role: 'roles/run.invoker', members: ['allUsers'] }
          : i % 25 === 2
            ? { role: 'roles/run.invoker', members: [`user:old${i}@acme.example`], condition: expired }
            : { role: 'roles/run.developer', members: [`serviceAccount:deployer-${i}@${project}.iam.gserviceaccount.com`] };
    const more: PlainBinding[] =
      i < extra ? [{ role: 'roles/run.viewer', members: [`serviceAccount:viewer-${i}@${project}.iam.gserviceaccount.com`] }] : [];
    e.seedService({
      name: `projects/${project}/locations/us-central1/services/${id}`,
      ingress: i % 20 === 3 ? 'all' : 'internal',
      ...(i % 10 === 4 ? {} : { serviceAccount: `run-${i}@${project}.iam.gserviceaccount.com` }),
      ...(id.startsWith('pay-') && i % 40 !== 7 ? {} : i % 7 === 0 ? { encryptionKey: keys[i % keys.length] } : {}),
      bindings: [{ role: 'roles/run.invoker', members: [caller] }, second, ...more],
    });
  }
}

function policyFile(options: PostureScaleOptions): string {
  const scope = options.scopes === 'organization' ? [ORG] : Array.from({ length: options.projects }, (_, p) => `projects/${projectId(p)}`);
  const dir = mkdtempSync(join(tmpdir(), 'runwarden-posture-bench-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(
    file,
    `defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB], security: [U0DAVE] }
rules:
  - { kind: invoker, resources: ["projects/*/locations/*/services/*"], maxDuration: 8h, approvers: platform }
posture:
  scope: ${JSON.stringify(scope)}
  approvers: security
  channel: C0SECURITY
  requireCmek: ["projects/*/locations/*/services/pay-*"]
`,
  );
  return file;
}

async function scan(url: string, token: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/jobs/posture`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`posture answered HTTP ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

export async function runPostureScale(options: PostureScaleOptions = DEFAULT_POSTURE_SCALE): Promise<void> {
  const label = `${options.projects} projects / ${options.services.toLocaleString('en-US')} services / ${options.bindings.toLocaleString('en-US')} bindings`;
  console.log(
    heading(
      `The posture scan at scale: ${label}, scope = ${options.scopes === 'organization' ? 'the organization' : 'one entry per project'}`,
    ),
  );
  const standIns = await startStandIns();
  try {
    const latency = Number(process.env.RUNWARDEN_BENCH_POSTURE_LATENCY ?? 0);
    if (!Number.isFinite(latency) || latency < 0) throw new Error('RUNWARDEN_BENCH_POSTURE_LATENCY: expected ms');
    if (latency > 0) {
      standIns.emulator.setLatency(latency);
      console.log(`  every emulator answer waits ${latency} ms`);
    }
    const t0 = nowMs();
    seedEstate(standIns, options);
    console.log(`  seeded the emulator in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
    const gcpProject = `bench-posture-${Date.now()}`;
    const script = resolve(standIns.root, 'dist/src/main.js');
    const heap = process.env.RUNWARDEN_BENCH_POSTURE_HEAP;
    if (heap !== undefined && !/^[0-9]+$/.test(heap))
      throw new Error(`RUNWARDEN_BENCH_POSTURE_HEAP: expected MiB, got ${JSON.stringify(heap)}`);
    if (heap !== undefined) console.log(`  bot heap capped: --max-old-space-size=${heap}`);
    const app = await startAppProcess(
      script,
      await freePort(),
      { ...standIns.runwardenEnv, GOOGLE_CLOUD_PROJECT: gcpProject, WARDEN_POLICY: policyFile(options), LOG_LEVEL: 'warn' },
      heap !== undefined ? { nodeArgs: [`--max-old-space-size=${heap}`] } : {},
    );
    const rows: string[][] = [];
    try {
      for (const which of ['first (all new)', 'second (all updated in place)']) {
        const calls = (method: string): number => standIns.emulator.calls.filter((c) => c.method === method).length;
        const before = { resources: calls('SearchAllResources'), policies: calls('SearchAllIamPolicies') };
        const idle = app.rss();
        const samples: number[] = [];
        const sampler = setInterval(() => samples.push(app.rss()), 250);
        const started = nowMs();
        let counts: Record<string, unknown>;
        try {
          counts = await scan(`http://127.0.0.1:${app.port}`, standIns.jobsToken());
        } finally {
          clearInterval(sampler);
        }
        const wall = nowMs() - started;
        const sorted = [...samples].sort((a, b) => a - b);
        const kinds = [
          'public_service',
          'standing_access',
          'open_ingress',
          'default_service_account',
          'lingering_binding',
          'no_cmek',
          'key_rotation',
        ]
          .map((k) => `${k} ${String(counts[k])}`)
          .join(', ');
        rows.push([
          which,
          `${(wall / 1000).toFixed(1)} s`,
          `${calls('SearchAllResources') - before.resources} + ${calls('SearchAllIamPolicies') - before.policies}`,
          String(counts.assetCalls),
          `new ${String(counts.new)}, resolved ${String(counts.resolved)}`,
          kinds,
          mib(idle),
          `${mib(sorted[Math.floor(sorted.length / 2)] ?? 0)} / ${mib(sorted[sorted.length - 1] ?? 0)}`,
          mib(app.peakRss()),
        ]);
        console.log(`  ${rows[rows.length - 1]?.join(' | ') ?? ''}`);
      }
    } finally {
      await app.stop();
    }
    console.log(
      table(
        [
          'scan',
          'wall',
          'SearchAllResources + SearchAllIamPolicies',
          'Asset calls (bot)',
          'changes',
          'findings seen',
          'bot RSS before MiB',
          'RSS sampled p50 / max MiB',
          'bot peak RSS (VmHWM) MiB',
        ],
        rows,
      ),
    );
    console.log(
      "\nOne POST /jobs/posture per scan; pages of 500 (Asset Inventory's maximum), each classified and written to Firestore before the\n" +
        "next is read, so the bot's memory follows the page size, not the estate. The emulator answers at once (no network, no Google\n" +
        'latency): against Google each call adds its round trip. Findings are written in transactions of up to 200 documents.',
    );
  } finally {
    await standIns.stop();
  }
}

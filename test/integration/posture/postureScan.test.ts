/**
 * The posture scan end to end, through the public interfaces only: state in
 * the project's emulator (Cloud Run, KMS, IAM — read back through Asset
 * Inventory) → POST /jobs/posture (OIDC exactly like the sweep) → the
 * findings in Firestore → `/warden posture` in Slack and the summary in the
 * posture channel.
 */
import { emulatorClients, type EmulatorClients } from '../../support/emulatorClients';
import { AUDIENCE, SCHEDULER, startHarness, type Harness } from '../../support/harness';
import { runPostureScan } from '../../support/posture';
import type { Finding } from '../../../src/domain/posture/finding';

const SECURITY_CHANNEL = 'C0SECURITY';
const svc = (name: string, project = 'acme-prod') => `projects/${project}/locations/us-central1/services/${name}`;
const WEAK_KEY = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/orders';
const GOOD_KEY = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/payments';

const POLICY = `
defaults: { project: acme-prod, region: us-central1, kmsLocation: global, channel: C0APPROVALS }
domains: [acme.example]
identities: { U0ALICE: alice@acme.example }
approverGroups:
  platform: [U0BOB, U0CAROL]
  security: [S0SECURITY]
rules:
  - kind: invoker
    name: prod-invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    roles: [roles/run.invoker]
    maxDuration: 8h
    approvers: platform
  - kind: rotate
    resources: ["projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
posture:
  scope: [projects/acme-prod, projects/acme-secret]
  approvers: security
  channel: ${SECURITY_CHANNEL}
  public: ["projects/acme-prod/locations/*/services/www-*"]
  requireCmek: ["projects/acme-prod/locations/*/services/payments-*"]
  maxKeyRotation: 90d
`.replace('    name: prod-invoker\n', '');

const EXPIRED = {
  title: 'runwarden-oldgrant01',
  description: 'an old grant',
  expression: 'request.time < timestamp("2026-01-01T00:00:00Z")',
};

function seedEstate(h: Harness): void {
  const e = h.emulator;
  e.seedKey({ name: WEAK_KEY });
  e.seedKey({ name: GOOD_KEY, rotationPeriodSeconds: 30 * 86_400, nextRotationTime: new Date(Date.now() + 86_400_000) });
  e.seedService({
    name: svc('orders'),
    ingress: 'internal',
    serviceAccount: 'orders@acme-prod.iam.gserviceaccount.com',
    encryptionKey: WEAK_KEY,
    bindings: [
      {
        role: 'roles/run.invoker',
        members: ['user:alice@acme.example', 'allUsers', 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com'],
      },
      { role: 'roles/run.developer', members: ['group:eng@acme.example'] },
      { role: 'roles/run.invoker', members: ['user:bob@acme.example'], condition: EXPIRED },
    ],
  });
  e.seedService({ name: svc('hello'), ingress: 'all' });
  e.seedService({
    name: svc('payments-api'),
    ingress: 'internal',
    serviceAccount: 'payments@acme-prod.iam.gserviceaccount.com',
    encryptionKey: GOOD_KEY,
  });
  e.seedService({ name: svc('payments-ledger'), ingress: 'internal', serviceAccount: 'payments@acme-prod.iam.gserviceaccount.com' });
  e.seedService({
    name: svc('www-home'),
    ingress: 'all',
    serviceAccount: 'www@acme-prod.iam.gserviceaccount.com',
    bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }],
  });
  e.seedProject({ id: 'acme-prod', bindings: [{ role: 'roles/run.viewer', members: ['user:carol@acme.example'] }] });
  e.seedService({ name: svc('vault', 'acme-secret'), ingress: 'all' });
  e.denyAssetScope('projects/acme-secret');
}

async function openFindings(h: Harness): Promise<Finding[]> {
  return (await h.runwarden.deps.findings.listOpen({ all: true }, 100)).findings;
}

describe('the posture scan, end to end', () => {
  let h: Harness;
  let clients: EmulatorClients;

  beforeAll(async () => {
    h = await startHarness({ policy: POLICY });
    clients = emulatorClients(h.emulator.address);
    seedEstate(h);
  });
  afterAll(async () => {
    await clients.close();
    await h.stop();
  });

  describe('POST /jobs/posture is protected exactly like /jobs/sweep', () => {
    test.each([
      ['no token', null, 401],
      ['a token for another audience', 'other-audience', 401],
      ['a token of a caller not among the invokers', 'stranger', 403],
      ['a token whose email is not verified', 'unverified', 403],
    ])('%s → %s, nothing scanned', async (_, which, status) => {
      const token =
        which === null
          ? null
          : which === 'other-audience'
            ? h.issuer.mint({ aud: 'https://elsewhere.test', email: SCHEDULER })
            : which === 'stranger'
              ? h.issuer.mint({ aud: AUDIENCE, email: 'mallory@evil.example' })
              : h.issuer.mint({ aud: AUDIENCE, email: SCHEDULER, email_verified: false });
      const answer = await runPostureScan(h, token);
      expect(answer.status).toBe(status);
      expect(h.emulator.calls.filter((c) => c.service === 'google.cloud.asset.v1.AssetService')).toEqual([]);
      expect(await openFindings(h)).toEqual([]);
    });
  });

  test('the first scan finds every kind of finding, reports the scope it may not read, and scans the others', async () => {
    const answer = await runPostureScan(h);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      public_service: 1,
      standing_access: 3,
      open_ingress: 1,
      default_service_account: 1,
      lingering_binding: 1,
      no_cmek: 1,
      key_rotation: 1,
      new: 9,
      resolved: 0,
      scopesRead: 1,
      scopesFailed: 1,
      problems: [
        "projects/acme-secret: runwarden may not read the inventory of projects/acme-secret: it needs cloudasset.assets.searchAllResources there (roles/cloudasset.viewer or runwarden's posture role), and the Cloud Asset API enabled.",
      ],
    });
    // nothing written to Google: the scan only searched
    const methods = new Set(h.emulator.calls.map((c) => c.method));
    expect([...methods].sort()).toEqual(['SearchAllIamPolicies', 'SearchAllResources']);

    const stored = await openFindings(h);
    const summary = stored
      .map((f) =>
        [f.kind, f.resource, f.detail.kind === 'standing_access' ? `${f.detail.members.join(',')} ${f.detail.rule ?? 'no rule'}` : '']
          .join(' ')
          .trim(),
      )
      .sort();
    expect(summary).toEqual(
      [
        `default_service_account ${svc('hello')}`,
        `key_rotation ${WEAK_KEY}`,
        `lingering_binding ${svc('orders')}`,
        `no_cmek ${svc('payments-ledger')}`,
        `open_ingress ${svc('hello')}`,
        `public_service ${svc('orders')}`,
        `standing_access ${svc('orders')} group:eng@acme.example no rule`,
        `standing_access ${svc('orders')} user:alice@acme.example invoker#1`,
        'standing_access projects/acme-prod user:carol@acme.example no rule',
      ].sort(),
    );
    expect(
      stored.every((f) => f.status === 'open' && f.firstSeenAt.getTime() === f.lastSeenAt.getTime() && f.scope === 'projects/acme-prod'),
    ).toBe(true);
    // worst first: the public service leads
    expect(stored[0]?.kind).toBe('public_service');
  });

  test('`/warden posture` answers with counts by kind, then the open findings worst first, ids, what to do and the guidance', async () => {
    const stored = await openFindings(h);
    const reply = await h.ask('U0DAVE', 'posture');
    expect(reply).toContain('Posture');
    const message = h.slack.responses().at(-1)?.body ?? {};
    const text = JSON.stringify(message.blocks ?? []);
    expect(text).toContain('Posture: 9 open findings');
    for (const finding of stored) expect(text).toContain(finding.id);
    const order = stored.map((f) => text.indexOf(f.id));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('No rule covers this yet');
    expect(text).toContain('rule invoker#1 then lets user:alice@acme.example ask');
    expect(text).toContain('https://cloud.google.com/run/docs/authenticating/public');
    expect(text).toContain("Cloud Run's guidance on restricting network ingress");
  });

  test('`/warden posture <service>` narrows it to one service; a project and a scope entry work too', async () => {
    const byService = JSON.stringify(await askBlocks(h, 'U0DAVE', 'posture hello'));
    expect(byService).toContain('Posture: 2 open findings');
    const byProject = JSON.stringify(await askBlocks(h, 'U0ALICE', 'posture acme-prod'));
    expect(byProject).toContain('Posture: 9 open findings');
  });

  test('a posture approver’s App Home shows the open findings, the worst first; anyone else’s shows none', async () => {
    const stored = await openFindings(h);
    const dave = JSON.stringify(await h.openHome('U0DAVE'));
    expect(dave).toContain('Posture: 9 open findings');
    expect(dave).toContain(stored[0]?.id ?? 'missing');
    expect(dave).toContain('…and 4 more: `/warden posture`');
    const alice = JSON.stringify(await h.openHome('U0ALICE'));
    expect(alice).not.toContain('Posture:');
    expect(alice).not.toContain(stored[0]?.id ?? 'missing');
  });

  test('someone outside the policy’s domains may not read the findings', async () => {
    const reply = await h.ask('U0MALLORY', 'posture');
    expect(reply).toContain(
      "Posture findings are shown to the posture approvers and to people whose Google account is in the policy's domains",
    );
  });

  test('after the first scan the posture channel got one summary', () => {
    const posted = h.slack.messages(SECURITY_CHANNEL);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.text).toContain('Posture scan: 9 new, 0 back, 0 resolved, 9 open');
    expect(posted[0]?.text).toContain('not read: projects/acme-secret');
  });

  test('a second scan updates the findings in place: no duplicate, lastSeenAt moves, no summary when nothing changed', async () => {
    const before = await openFindings(h);
    h.clock.advance(3600);
    const answer = await runPostureScan(h);
    expect(answer.body).toMatchObject({ new: 0, resolved: 0, reopened: 0, standing_access: 3 });
    const after = await openFindings(h);
    expect(after.map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());
    for (const finding of after) {
      const earlier = before.find((f) => f.id === finding.id);
      expect(finding.firstSeenAt).toEqual(earlier?.firstSeenAt);
      expect(finding.lastSeenAt.getTime()).toBeGreaterThan(earlier?.lastSeenAt.getTime() ?? Infinity);
    }
    expect(h.slack.messages(SECURITY_CHANNEL)).toHaveLength(1);
  });

  test('a standing binding written through SetIamPolicy is found by the next scan; a removed one is resolved, and the channel is told', async () => {
    const [policy] = await clients.run.getIamPolicy({ resource: svc('hello'), options: { requestedPolicyVersion: 3 } });
    await clients.run.setIamPolicy({
      resource: svc('hello'),
      policy: {
        version: 3,
        etag: policy.etag,
        bindings: [...(policy.bindings ?? []), { role: 'roles/run.invoker', members: ['user:dave@acme.example'] }],
      },
    });
    h.emulator.foreignSetBindings(svc('orders'), [
      { role: 'roles/run.invoker', members: ['allUsers', 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com'] },
      { role: 'roles/run.developer', members: ['group:eng@acme.example'] },
      { role: 'roles/run.invoker', members: ['user:bob@acme.example'], condition: EXPIRED },
    ]);
    h.clock.advance(3600);
    const answer = await runPostureScan(h);
    expect(answer.body).toMatchObject({ new: 1, resolved: 1, standing_access: 3 });
    const open = await openFindings(h);
    expect(
      open.some(
        (f) => f.detail.kind === 'standing_access' && f.detail.members.includes('user:dave@acme.example') && f.resource === svc('hello'),
      ),
    ).toBe(true);
    expect(open.some((f) => f.detail.kind === 'standing_access' && f.detail.members.includes('user:alice@acme.example'))).toBe(false);
    const posted = h.slack.messages(SECURITY_CHANNEL);
    expect(posted).toHaveLength(2);
    expect(posted[1]?.text).toContain('Posture scan: 1 new, 0 back, 1 resolved');
    expect(JSON.stringify(posted[1]?.blocks)).toContain('dave@acme.example');
  });

  test('a finding that comes back is reopened, not duplicated, and keeps its first sighting', async () => {
    const all = await h.runwarden.deps.findings.listOpen({ all: true }, 100);
    const count = all.findings.length;
    h.emulator.foreignSetBindings(svc('orders'), [
      {
        role: 'roles/run.invoker',
        members: ['user:alice@acme.example', 'allUsers', 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com'],
      },
      { role: 'roles/run.developer', members: ['group:eng@acme.example'] },
      { role: 'roles/run.invoker', members: ['user:bob@acme.example'], condition: EXPIRED },
    ]);
    h.clock.advance(3600);
    const answer = await runPostureScan(h);
    expect(answer.body).toMatchObject({ new: 0, reopened: 1 });
    const alice = (await openFindings(h)).find(
      (f) => f.detail.kind === 'standing_access' && f.detail.members.includes('user:alice@acme.example'),
    );
    expect(alice?.reopenedAt).toBeDefined();
    expect(alice?.firstSeenAt.getTime()).toBeLessThan(alice?.reopenedAt?.getTime() ?? 0);
    expect(await openFindings(h)).toHaveLength(count + 1);
  });

  test('more findings than one page: every one found, the scan pages through Asset Inventory', async () => {
    for (let i = 0; i < 7; i += 1)
      h.emulator.seedService({
        name: svc(`batch-${i}`),
        ingress: 'internal',
        serviceAccount: `b${i}@acme-prod.iam.gserviceaccount.com`,
        bindings: [{ role: 'roles/run.invoker', members: [`user:u${i}@acme.example`] }],
      });
    const settings = h.runwarden.deps.settings;
    const pageSize = settings.posturePageSize;
    settings.posturePageSize = 2;
    const callsBefore = h.emulator.calls.length;
    try {
      h.clock.advance(3600);
      const answer = await runPostureScan(h);
      // alice, eng, carol (project), dave and the seven new ones
      expect(answer.body).toMatchObject({ new: 7, resolved: 0, standing_access: 4 + 7 });
      const searches = h.emulator.calls.slice(callsBefore).filter((c) => c.service === 'google.cloud.asset.v1.AssetService');
      expect(searches.every((c) => (c.request as { pageSize?: number }).pageSize === 2)).toBe(true);
      // two per page in the one readable scope: 2 keys (1 call), 12 services (6), 11 policies (orders, hello, www-home,
      // the project, seven batch services: 6) — and the refused call on projects/acme-secret
      expect(answer.body.assetCalls).toBe(1 + 6 + 6 + 1);
    } finally {
      settings.posturePageSize = pageSize;
    }
    const standing = (await openFindings(h)).filter((f) => f.kind === 'standing_access');
    expect(standing).toHaveLength(11);
  });

  test('a week later the summary shows the trend of standing access', async () => {
    h.clock.advance(8 * 86_400);
    h.emulator.foreignSetBindings(svc('orders'), [
      { role: 'roles/run.invoker', members: ['allUsers'] },
      { role: 'roles/run.invoker', members: ['user:bob@acme.example'], condition: EXPIRED },
    ]);
    const answer = await runPostureScan(h);
    expect(answer.body).toMatchObject({ resolved: 2, standing_access: 9 });
    const last = h.slack.messages(SECURITY_CHANNEL).at(-1);
    expect(last?.text).toMatch(/standing access 9, a week ago \d+/);
    expect(JSON.stringify(last?.blocks)).toContain('Standing access is');
  });

  test('a service Asset Inventory shows without its resource data is skipped and counted, never guessed at (nor resolved)', async () => {
    h.emulator.setServiceAssetVersions([]);
    try {
      h.clock.advance(3600);
      const answer = await runPostureScan(h);
      // the twelve services of acme-prod: nothing known about them, so nothing about them is resolved either
      expect(answer.body).toMatchObject({
        skipped: 12,
        open_ingress: 0,
        default_service_account: 0,
        no_cmek: 0,
        resolved: 0,
        scopesRead: 0,
      });
      expect(answer.body.problems).toContain(
        'projects/acme-prod: 12 inventory result(s) could not be read (named in the log): its findings are kept as they were',
      );
      expect((await openFindings(h)).filter((f) => f.kind === 'open_ingress')).toHaveLength(1);
    } finally {
      h.emulator.setServiceAssetVersions(['v1', 'v2']);
    }
  });

  test('a summary Slack did not take is owed, and the next scan posts it first; a short rate limit is waited out', async () => {
    const posted = () => h.slack.messages(SECURITY_CHANNEL).length;
    const before = posted();
    h.emulator.foreignSetBindings(svc('payments-api'), [{ role: 'roles/run.invoker', members: ['user:erin@acme.example'] }]);
    h.slack.failNext('chat.postMessage', 'internal_error');
    h.clock.advance(3600);
    expect((await runPostureScan(h)).body).toMatchObject({ new: 1 });
    expect(posted()).toBe(before);
    h.clock.advance(3600);
    expect((await runPostureScan(h)).body).toMatchObject({ new: 0, resolved: 0, reopened: 0 });
    expect(posted()).toBe(before + 1);
    expect(h.slack.messages(SECURITY_CHANNEL).at(-1)?.text).toMatch(/^Posture scan: 1 new, 0 back, 0 resolved/);

    h.emulator.foreignSetBindings(svc('payments-api'), []);
    h.slack.rateLimitNext('chat.postMessage', 1);
    h.clock.advance(3600);
    expect((await runPostureScan(h)).body).toMatchObject({ resolved: 1 });
    expect(posted()).toBe(before + 2);
    expect(h.slack.messages(SECURITY_CHANNEL).at(-1)?.text).toMatch(/^Posture scan: 0 new, 0 back, 1 resolved/);
  });

  test('one scan at a time: a second call while one runs changes nothing and says so', async () => {
    const held = h.emulator.hold('SearchAllResources');
    const first = runPostureScan(h);
    await held.reached;
    const second = await runPostureScan(h);
    expect(second).toEqual({
      status: 200,
      body: { skipped: expect.stringMatching(/^another posture scan is running \(its lease ends .+\)$/) },
    });
    held.release();
    expect((await first).body).toMatchObject({ new: 0, scopesRead: 1 });
  });

  test('findings of a scope that could not be read are kept as they were (never resolved by a scan that did not see them)', async () => {
    const finding = (await openFindings(h))[0];
    expect(finding).toBeDefined();
    h.emulator.denyAssetScope('projects/acme-prod');
    h.clock.advance(3600);
    const answer = await runPostureScan(h);
    expect(answer.body).toMatchObject({ scopesRead: 0, scopesFailed: 2, resolved: 0, new: 0 });
    expect((await h.runwarden.deps.findings.get(finding?.id ?? ''))?.status).toBe('open');
  });
});

async function askBlocks(h: Harness, user: string, text: string): Promise<unknown[]> {
  const answer = await h.slash(user, text);
  const body = answer.text.trim() ? (JSON.parse(answer.text) as { blocks?: unknown[] }) : undefined;
  if (body?.blocks) return body.blocks;
  const reply = await h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { description: `reply to ${text}` });
  return (reply.body.blocks as unknown[] | undefined) ?? [];
}

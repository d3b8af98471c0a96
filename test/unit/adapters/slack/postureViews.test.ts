/**
 * The posture views (`/warden posture`, the channel summary, the App Home
 * section): pure functions of findings and scans, within Slack's Block Kit
 * limits, never letting text from the inventory (a condition's title, a
 * member) become a mention or a link.
 */
import { FINDING_KINDS, type Finding, type FindingDetail, type FindingKind } from '../../../../src/domain/posture/finding';
import { findingId } from '../../../../src/domain/posture/findingId';
import { severityOf } from '../../../../src/domain/posture/guidance';
import { postureHomeBlocks } from '../../../../src/adapters/slack/views/postureHome';
import { postureReport, REPORT_MAX_FINDINGS } from '../../../../src/adapters/slack/views/postureReport';
import { postureSummary } from '../../../../src/adapters/slack/views/postureSummary';
import type { PostureScan } from '../../../../src/ports';
import { blockKitViolations } from './blockKitLimits';

const AT = new Date('2026-12-06T06:17:00Z');
const SVC = 'projects/acme-prod/locations/us-central1/services/orders';

function finding(detail: FindingDetail, resource = SVC, n = 0): Finding {
  return {
    id: findingId(detail.kind, [resource, String(n)]),
    kind: detail.kind,
    resource,
    project: 'acme-prod',
    severity: severityOf(detail),
    detail,
    status: 'open',
    scope: 'projects/acme-prod',
    firstSeenAt: AT,
    lastSeenAt: AT,
    scanId: 's1',
  };
}

const ONE_OF_EACH: Finding[] = [
  finding({ kind: 'public_service', roles: ['roles/run.invoker'], members: ['allUsers'], level: 'service' }),
  finding({
    kind: 'standing_access',
    role: 'roles/run.invoker',
    members: ['user:alice@acme.example'],
    level: 'service',
    rule: 'invoker#3',
    bindingMembers: ['allUsers', 'user:alice@acme.example'],
  }),
  finding(
    {
      kind: 'standing_access',
      role: 'roles/run.invoker',
      members: ['group:contractors@acme.example'],
      level: 'project',
      bindingMembers: ['group:contractors@acme.example'],
    },
    'projects/acme-prod',
  ),
  finding({ kind: 'open_ingress', ingress: 'all' }),
  finding({ kind: 'default_service_account', serviceAccount: '123456789012-compute@developer.gserviceaccount.com' }),
  finding({
    kind: 'lingering_binding',
    role: 'roles/run.invoker',
    members: ['user:bob@acme.example'],
    title: 'temp <!channel> <https://evil.example|click>',
    expression: 'request.time < timestamp("2025-01-01T00:00:00Z")',
    expiredAt: new Date('2025-01-01T00:00:00Z'),
    level: 'service',
  }),
  finding({ kind: 'no_cmek', requiredBy: 'projects/acme-prod/locations/*/services/payments-*' }),
  finding(
    { kind: 'key_rotation', maxRotationSeconds: 90 * 86_400, services: [SVC], serviceCount: 3 },
    'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/orders',
  ),
].sort((a, b) => a.severity - b.severity);

const counts = (fs: Finding[]): Record<FindingKind, number> =>
  Object.fromEntries(FINDING_KINDS.map((k) => [k, fs.filter((f) => f.kind === k).length])) as Record<FindingKind, number>;

describe('postureReport', () => {
  const view = postureReport({
    what: "the policy's scope (projects/acme-prod)",
    counts: counts(ONE_OF_EACH),
    findings: ONE_OF_EACH,
    lastScan: AT,
    slash: '/warden',
  });
  const text = JSON.stringify(view.blocks);

  test('stays within Block Kit limits and lets no inventory text become a mention or a link', () => {
    expect(blockKitViolations(view)).toEqual([]);
    expect(text).toContain('temp &lt;!channel&gt; &lt;https://evil.example|click&gt;');
  });

  test('counts every kind, then lists the findings worst first with id, what to do and the guidance', () => {
    expect(text).toContain('Posture: 8 open findings');
    for (const kind of [
      'Public service',
      'Standing access',
      'Ingress open to the internet',
      'Default service account',
      'Expired conditional binding',
      'No customer-managed key',
      'Key not rotated',
    ])
      expect(text).toContain(kind);
    const positions = ONE_OF_EACH.map((f) => text.indexOf(f.id));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain(
      '`/warden convert f-9shjf7pp48 &lt;reason…&gt;` asks the posture approvers to remove this member from the binding (nothing else); rule invoker#3 then lets user:alice@acme.example ask `/warden invoker …`',
    );
    expect(text).toContain('"action_id":"runwarden_convert_open"');
    expect(text).toContain('No rule covers this yet: converting it would lock group:contractors@acme.example out');
    expect(text).toContain('https://cloud.google.com/kms/docs/key-rotation');
    expect(text).toContain('it protects `projects/acme-prod/locations/us-central1/services/orders` and 2 more');
    expect(view.text).toMatch(/^Posture \(the policy's scope \(projects\/acme-prod\)\): 8 open — 1 public service · 2 standing access/);
  });

  test('shows at most REPORT_MAX_FINDINGS findings in full and says how many more', () => {
    const many = Array.from({ length: 45 }, (_, n) => finding({ kind: 'open_ingress', ingress: 'all' }, `${SVC}-${n}`, n));
    const big = postureReport({ what: 'x', counts: counts(many), findings: many, slash: '/warden' });
    expect(blockKitViolations(big)).toEqual([]);
    expect(big.blocks.filter((b) => b.type === 'section' && b.text !== undefined)).toHaveLength(REPORT_MAX_FINDINGS);
    expect(JSON.stringify(big.blocks)).toContain('…and 25 more, less severe');
  });

  test('says when no scan has finished yet', () => {
    const empty = postureReport({ what: 'x', counts: counts([]), findings: [], slash: '/warden' });
    expect(JSON.stringify(empty.blocks)).toContain('No scan has finished yet');
    expect(JSON.stringify(empty.blocks)).toContain('Nothing open.');
  });
});

function scan(open: Partial<Record<FindingKind, number>>, over: Partial<PostureScan> = {}): PostureScan {
  const zero = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  return {
    id: '20261206T061700Z-abc123',
    startedAt: AT,
    finishedAt: AT,
    scopes: [{ scope: 'projects/acme-prod', ok: true }],
    found: zero,
    open: { ...zero, ...open },
    created: 1,
    reopened: 0,
    resolved: 2,
    assetCalls: 3,
    summary: { status: 'owed', attempts: 0 },
    ...over,
  };
}

describe('postureSummary', () => {
  test('new, resolved, open by kind and the trend of standing access since last week', () => {
    const view = postureSummary({
      scan: scan({ standing_access: 3, public_service: 1 }),
      lastWeek: scan({ standing_access: 7, public_service: 1 }, { finishedAt: new Date('2026-11-29T06:17:00Z') }),
      created: [ONE_OF_EACH[0] as Finding],
      slash: '/warden',
    });
    expect(blockKitViolations(view)).toEqual([]);
    expect(view.text).toBe('Posture scan: 1 new, 0 back, 2 resolved, 4 open (standing access 3, a week ago 7)');
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Standing access: 7 → 3 (−4)');
    expect(text).toContain('Public service: 1 (=)');
    expect(text).toContain('Standing access is down 4 since 2026-11-29 06:17 UTC.');
    expect(text).toContain(ONE_OF_EACH[0]?.id ?? 'missing');
  });

  test('names the scopes it could not read, and says when there is no week-old scan', () => {
    const view = postureSummary({
      scan: scan(
        {},
        {
          scopes: [
            { scope: 'projects/acme-prod', ok: true },
            { scope: 'folders/9', ok: false, problem: 'runwarden may not read the inventory of folders/9: …' },
          ],
        },
      ),
      created: [],
      slash: '/warden',
    });
    expect(view.text).toContain('; not read: folders/9');
    expect(JSON.stringify(view.blocks)).toContain('No scan from a week ago to compare with yet.');
  });
});

describe('postureHomeBlocks', () => {
  test('counts, the five worst and a pointer to the rest, within a few blocks', () => {
    const blocks = postureHomeBlocks({ counts: counts(ONE_OF_EACH), findings: ONE_OF_EACH }, '/warden');
    expect(blocks.length).toBeLessThanOrEqual(8);
    expect(blockKitViolations({ text: 'home', blocks }, 100)).toEqual([]);
    const text = JSON.stringify(blocks);
    expect(text).toContain('Posture: 8 open findings');
    expect(text).toContain('…and 3 more: `/warden posture`');
  });
});

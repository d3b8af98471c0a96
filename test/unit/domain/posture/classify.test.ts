/**
 * The posture classifier, one inventory item at a time: each finding kind of
 * SPEC §11 from the situations that produce it, and the situations that must
 * not (table-driven, one plain-English line per case).
 */
import { classifyPolicy, classifyService, weakKey, type ClassifyContext } from '../../../../src/domain/posture/classify';
import type { FindingDraft } from '../../../../src/domain/posture/finding';
import { findingId } from '../../../../src/domain/posture/findingId';
import type { InventoryBinding, InventoryService } from '../../../../src/domain/posture/inventory';
import { loadPolicy } from '../../../../src/domain/policy/loadPolicy';

const NOW = new Date('2026-12-06T12:00:00Z');
const SVC = 'projects/acme-prod/locations/us-central1/services/orders';
const WWW = 'projects/acme-prod/locations/us-central1/services/www-home';
const PAY = 'projects/acme-prod/locations/us-central1/services/payments-api';
const KEY = 'projects/acme-prod/locations/global/keyRings/run/cryptoKeys/orders';

const POLICY = `
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL], security: [S0SECURITY] }
rules:
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/legacy-*"]
    roles: [roles/run.invoker]
    maxDuration: 1h
    approvers: platform
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    roles: [roles/run.invoker, roles/run.developer]
    members: [self, group]
    maxDuration: 8h
    approvers: platform
    approvals: 2
  - kind: invoker
    resources: ["projects/acme-staging/**"]
    roles: [roles/run.invoker]
    maxDuration: 8h
    approvers: platform
posture:
  scope: [projects/acme-prod]
  approvers: security
  public: ["projects/acme-prod/locations/*/services/www-*"]
  requireCmek: ["projects/acme-prod/locations/*/services/payments-*"]
  maxKeyRotation: 90d
`;

function context(): ClassifyContext {
  const loaded = loadPolicy(POLICY);
  if (!loaded.ok || !loaded.policy.posture)
    throw new Error(`test policy invalid: ${loaded.ok ? 'no posture' : loaded.problems.join('; ')}`);
  return { policy: loaded.policy, posture: loaded.policy.posture, now: NOW };
}

const service = (over: Partial<InventoryService> = {}): InventoryService => ({
  name: SVC,
  ingress: 'internal',
  serviceAccount: 'orders@acme-prod.iam.gserviceaccount.com',
  ...over,
});

const kinds = (drafts: FindingDraft[]): string[] => drafts.map((d) => d.kind).sort();
const noWeakKey = (): undefined => undefined;

describe('classifyService', () => {
  test.each<[string, Partial<InventoryService>, string[]]>([
    ['a private service with its own identity has no finding', {}, []],
    ['ingress all → open_ingress', { ingress: 'all' }, ['open_ingress']],
    ['ingress unspecified (Cloud Run allows all) → open_ingress', { ingress: 'unspecified' }, ['open_ingress']],
    ['ingress internal-and-cloud-load-balancing is not open', { ingress: 'internal-and-cloud-load-balancing' }, []],
    ['ingress all on a service listed in posture.public is allowed', { name: WWW, ingress: 'all' }, []],
    [
      'the Compute Engine default account → default_service_account',
      { serviceAccount: '123456789012-compute@developer.gserviceaccount.com' },
      ['default_service_account'],
    ],
    [
      'no service account named (Cloud Run uses the default) → default_service_account',
      { serviceAccount: undefined },
      ['default_service_account'],
    ],
    ['an App Engine default account is not the Compute Engine one', { serviceAccount: 'acme-prod@appspot.gserviceaccount.com' }, []],
    ['a service in requireCmek without a key → no_cmek', { name: PAY }, ['no_cmek']],
    ['a service in requireCmek with a key is fine', { name: PAY, encryptionKey: KEY }, []],
    ['a service outside requireCmek needs no key', { name: SVC }, []],
  ])('%s', (_, over, expected) => {
    expect(kinds(classifyService(service(over), context(), noWeakKey))).toEqual(expected);
  });

  test('a service protected by a weak key carries that key’s key_rotation finding', () => {
    const drafts = classifyService(service({ encryptionKey: KEY }), context(), (key) =>
      key === KEY ? { maxRotationSeconds: 90 * 86_400 } : undefined,
    );
    expect(drafts).toEqual([
      {
        id: findingId('key_rotation', [KEY]),
        kind: 'key_rotation',
        resource: KEY,
        project: 'acme-prod',
        severity: 80,
        detail: {
          kind: 'key_rotation',
          rotationPeriodSeconds: undefined,
          maxRotationSeconds: 90 * 86_400,
          services: [SVC],
          serviceCount: 1,
        },
      },
    ]);
  });

  test('ids are stable: the same service gives the same ids, another service other ids', () => {
    const a = classifyService(service({ ingress: 'all', serviceAccount: undefined }), context(), noWeakKey).map((d) => d.id);
    const again = classifyService(service({ ingress: 'all', serviceAccount: undefined }), context(), noWeakKey).map((d) => d.id);
    const other = classifyService(service({ name: `${SVC}-v2`, ingress: 'all', serviceAccount: undefined }), context(), noWeakKey).map(
      (d) => d.id,
    );
    expect(again).toEqual(a);
    expect(other.some((id) => a.includes(id))).toBe(false);
  });
});

describe('weakKey', () => {
  const posture = () => context().posture;
  test.each([
    ['no rotation', { purpose: 'ENCRYPT_DECRYPT' }, true],
    ['rotating every 365 days (over 90d)', { purpose: 'ENCRYPT_DECRYPT', rotationPeriodSeconds: 365 * 86_400 }, true],
    ['rotating every 90 days exactly', { purpose: 'ENCRYPT_DECRYPT', rotationPeriodSeconds: 90 * 86_400 }, false],
    ['rotating every 30 days', { purpose: 'ENCRYPT_DECRYPT', rotationPeriodSeconds: 30 * 86_400 }, false],
    ['an asymmetric signing key (cannot rotate automatically, protects no CMEK data)', { purpose: 'ASYMMETRIC_SIGN' }, false],
  ])('%s → weak: %s', (_, key, weak) => {
    expect(weakKey({ name: KEY, ...key }, posture()) !== undefined).toBe(weak);
  });
});

describe('classifyPolicy', () => {
  const policyOf = (bindings: InventoryBinding[], resource = SVC, level: 'service' | 'project' = 'service') =>
    classifyPolicy({ resource, level, bindings }, context());

  test('an unconditional Cloud Run role for a user → standing_access, covered by the rule that would grant it', () => {
    expect(policyOf([{ role: 'roles/run.invoker', members: ['user:alice@acme.example'] }])).toEqual([
      {
        id: findingId('standing_access', [SVC, 'roles/run.invoker', 'covered']),
        kind: 'standing_access',
        resource: SVC,
        project: 'acme-prod',
        severity: 30,
        detail: {
          kind: 'standing_access',
          role: 'roles/run.invoker',
          members: ['user:alice@acme.example'],
          level: 'service',
          rule: 'invoker#2',
          bindingMembers: ['user:alice@acme.example'],
        },
      },
    ]);
  });

  const standingOf = (bindings: InventoryBinding[], resource: string): string[] =>
    policyOf(bindings, resource).flatMap((d) =>
      d.detail.kind === 'standing_access' ? [`${d.detail.members.join(',')} → ${d.detail.rule ?? 'no rule'}`] : [],
    );

  test.each<[string, InventoryBinding[], string, string[]]>([
    [
      'one finding for the members a rule covers; service accounts are workloads, not standing human access',
      [
        {
          role: 'roles/run.developer',
          members: ['user:alice@acme.example', 'group:eng@acme.example', 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com'],
        },
      ],
      SVC,
      ['group:eng@acme.example,user:alice@acme.example → invoker#2'],
    ],
    [
      'a binding whose members the rule covers only in part makes two findings: the convertible part, and the part no rule covers yet',
      [{ role: 'roles/run.invoker', members: ['user:alice@acme.example', 'user:eve@evil.example'] }],
      SVC,
      ['user:alice@acme.example → invoker#2', 'user:eve@evil.example → no rule'],
    ],
    [
      'a role the applying rule does not grant: no rule covers it',
      [{ role: 'roles/run.admin', members: ['user:alice@acme.example'] }],
      SVC,
      ['user:alice@acme.example → no rule'],
    ],
    [
      'the first matching rule decides (legacy-* grants only self/user, not groups)',
      [{ role: 'roles/run.invoker', members: ['group:eng@acme.example'] }],
      'projects/acme-prod/locations/us-central1/services/legacy-billing',
      ['group:eng@acme.example → no rule'],
    ],
    [
      '…and covers users there',
      [{ role: 'roles/run.invoker', members: ['user:alice@acme.example'] }],
      'projects/acme-prod/locations/us-central1/services/legacy-billing',
      ['user:alice@acme.example → invoker#1'],
    ],
    [
      'each role’s binding is its own finding',
      [
        { role: 'roles/run.invoker', members: ['user:alice@acme.example'] },
        { role: 'roles/run.developer', members: ['user:alice@acme.example'] },
      ],
      SVC,
      ['user:alice@acme.example → invoker#2', 'user:alice@acme.example → invoker#2'],
    ],
  ])('%s', (_, bindings, resource, expected) => {
    expect(standingOf(bindings, resource)).toEqual(expected);
  });

  test('ids are stable while the binding’s members change; the binding as seen is kept for the conversion', () => {
    const [before] = policyOf([
      { role: 'roles/run.invoker', members: ['user:alice@acme.example', 'serviceAccount:ci@acme-prod.iam.gserviceaccount.com'] },
    ]);
    const [after] = policyOf([{ role: 'roles/run.invoker', members: ['user:alice@acme.example', 'user:bob@acme.example'] }]);
    expect(after?.id).toBe(before?.id);
    expect(before?.detail).toMatchObject({
      members: ['user:alice@acme.example'],
      bindingMembers: ['serviceAccount:ci@acme-prod.iam.gserviceaccount.com', 'user:alice@acme.example'],
    });
    expect(after?.detail).toMatchObject({ members: ['user:alice@acme.example', 'user:bob@acme.example'] });
  });

  test.each<[string, InventoryBinding[], string[]]>([
    ['a non-Cloud-Run role is not standing Cloud Run access', [{ role: 'roles/viewer', members: ['user:alice@acme.example'] }], []],
    [
      'a live conditional binding is time-bound, not standing',
      [
        {
          role: 'roles/run.invoker',
          members: ['user:alice@acme.example'],
          condition: { title: 'runwarden-x', expression: 'request.time < timestamp("2026-12-31T00:00:00Z")' },
        },
      ],
      [],
    ],
    [
      'an expired conditional binding → lingering_binding',
      [
        {
          role: 'roles/run.invoker',
          members: ['user:alice@acme.example'],
          condition: { title: 'runwarden-x', expression: 'request.time < timestamp("2026-12-01T00:00:00Z")' },
        },
      ],
      ['lingering_binding'],
    ],
    ['allUsers may invoke → public_service', [{ role: 'roles/run.invoker', members: ['allUsers'] }], ['public_service']],
    [
      'allAuthenticatedUsers may invoke → public_service',
      [{ role: 'roles/run.invoker', members: ['allAuthenticatedUsers'] }],
      ['public_service'],
    ],
    ['allUsers with a role that cannot invoke is not public', [{ role: 'roles/run.viewer', members: ['allUsers'] }], []],
    [
      'several public bindings make one public_service finding',
      [
        { role: 'roles/run.invoker', members: ['allUsers'] },
        { role: 'roles/run.developer', members: ['allAuthenticatedUsers'] },
      ],
      ['public_service'],
    ],
  ])('%s', (_, bindings, expected) => {
    expect(kinds(policyOf(bindings))).toEqual(expected);
  });

  test('a public service listed in posture.public is allowed', () => {
    expect(policyOf([{ role: 'roles/run.invoker', members: ['allUsers'] }], WWW)).toEqual([]);
  });

  test('a public grant on a project reaches every service: reported whatever posture.public says, worst of all', () => {
    const [found] = policyOf([{ role: 'roles/run.invoker', members: ['allUsers'] }], 'projects/acme-prod', 'project');
    expect(found).toMatchObject({
      kind: 'public_service',
      resource: 'projects/acme-prod',
      project: 'acme-prod',
      severity: 5,
      detail: { level: 'project' },
    });
  });

  test.each<[string, string, string, string | undefined]>([
    [
      'a project whose services the first reaching rule covers entirely (projects/acme-staging/**)',
      'projects/acme-staging',
      'user:alice@acme.example',
      'invoker#3',
    ],
    [
      'a project where the first reaching rule covers only some services (legacy-*): no rule covers it',
      'projects/acme-prod',
      'user:alice@acme.example',
      undefined,
    ],
    ['a project no rule reaches', 'projects/acme-dev', 'user:alice@acme.example', undefined],
  ])('standing access on %s', (_, project, member, rule) => {
    const [found] = policyOf([{ role: 'roles/run.invoker', members: [member] }], project, 'project');
    expect(found).toMatchObject({ kind: 'standing_access', resource: project, severity: 20, detail: { level: 'project' } });
    expect(found?.detail.kind === 'standing_access' ? found.detail.rule : 'wrong kind').toBe(rule);
  });

  test('on a project, only Cloud Run roles matter for expired bindings too', () => {
    const expired = { title: 't', expression: 'request.time < timestamp("2026-01-01T00:00:00Z")' };
    expect(
      kinds(
        policyOf(
          [
            { role: 'roles/storage.admin', members: ['user:a@acme.example'], condition: expired },
            { role: 'roles/run.invoker', members: ['user:a@acme.example'], condition: expired },
          ],
          'projects/acme-prod',
          'project',
        ),
      ),
    ).toEqual(['lingering_binding']);
  });

  test('a lingering binding is one finding whatever its members; its id changes with its condition', () => {
    const binding = (members: string[], expression: string): InventoryBinding => ({
      role: 'roles/run.invoker',
      members,
      condition: { title: 'runwarden-x', expression },
    });
    const old = 'request.time < timestamp("2026-12-01T00:00:00Z")';
    const [a] = policyOf([binding(['user:a@acme.example'], old)]);
    const [b] = policyOf([binding(['user:a@acme.example', 'user:b@acme.example'], old)]);
    const [c] = policyOf([binding(['user:a@acme.example'], 'request.time < timestamp("2026-11-01T00:00:00Z")')]);
    expect(a?.id).toBe(b?.id);
    expect(c?.id).not.toBe(a?.id);
    expect(b?.detail).toMatchObject({
      members: ['user:a@acme.example', 'user:b@acme.example'],
      expiredAt: new Date('2026-12-01T00:00:00Z'),
    });
  });
});

import {
  checkSettingChange,
  currentSetting,
  hasVpcAccess,
  planRevert,
  type ServiceSettings,
  type SettingKind,
} from '../../../src/kinds/setting/setting';

const NAME = 'projects/acme-prod/locations/us-central1/services/payments';
const CONNECTOR = 'projects/acme-prod/locations/us-central1/connectors/c1';

function svc(overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return { name: NAME, ingress: 'all', networkInterfaces: [], ...overrides };
}

const withConnector = svc({ vpcConnector: CONNECTOR, egress: 'private-ranges-only' });
const withInterfaces = svc({ networkInterfaces: ['vpc/subnet'], egress: 'all-traffic' });
const noVpc = svc();

describe('hasVpcAccess', () => {
  test.each([
    ['a connector', withConnector, true],
    ['network interfaces', withInterfaces, true],
    ['neither', noVpc, false],
    ['an empty connector string', svc({ vpcConnector: '' }), false],
  ])('%s → %s', (_label, service, expected) => {
    expect(hasVpcAccess(service)).toBe(expected);
  });
});

describe('currentSetting', () => {
  test.each<[SettingKind, ServiceSettings, string]>([
    ['egress', withConnector, 'private-ranges-only'],
    ['egress', withInterfaces, 'all-traffic'],
    ['egress', noVpc, 'unspecified'],
    ['ingress', svc({ ingress: 'internal' }), 'internal'],
    ['ingress', svc({ ingress: 'unspecified' }), 'unspecified'],
  ])('%s of %o is %s', (kind, service, expected) => {
    expect(currentSetting(kind, service)).toBe(expected);
  });
});

describe('checkSettingChange', () => {
  test.each<[string, SettingKind, ServiceSettings, string, boolean, { ok: true; current: string } | RegExp]>([
    ['egress via a connector', 'egress', withConnector, 'all-traffic', true, { ok: true, current: 'private-ranges-only' }],
    ['egress via interfaces, permanent', 'egress', withInterfaces, 'private-ranges-only', false, { ok: true, current: 'all-traffic' }],
    ['egress without VPC access', 'egress', noVpc, 'all-traffic', true, /has no VPC access configured/],
    ['egress without VPC access, even permanent', 'egress', noVpc, 'private-ranges-only', false, /has no VPC access configured/],
    ['egress to the value it has', 'egress', withConnector, 'private-ranges-only', true, /already has egress `private-ranges-only`/],
    ['ingress needs no VPC access', 'ingress', noVpc, 'internal', true, { ok: true, current: 'all' }],
    ['ingress to the value it has', 'ingress', svc({ ingress: 'internal' }), 'internal', false, /already has ingress `internal`/],
    [
      'ingress from an unknown value, permanent',
      'ingress',
      svc({ ingress: 'unspecified' }),
      'all',
      false,
      { ok: true, current: 'unspecified' },
    ],
    ['ingress from an unknown value, temporary', 'ingress', svc({ ingress: 'unspecified' }), 'all', true, /cannot restore/],
  ])('%s', (_label, kind, service, value, temporary, expected) => {
    const check = checkSettingChange(kind, service, value, temporary);
    if (expected instanceof RegExp) {
      expect(check.ok).toBe(false);
      if (!check.ok) {
        expect(check.message).toMatch(expected);
        expect(check.message).toContain(NAME);
      }
    } else {
      expect(check).toEqual(expected);
    }
  });

  test('is permanent unless told otherwise', () => {
    expect(checkSettingChange('ingress', svc({ ingress: 'unspecified' }), 'internal')).toEqual({ ok: true, current: 'unspecified' });
  });
});

describe('planRevert', () => {
  test.each<[string, SettingKind, ServiceSettings, string, string, { type: 'revert'; to: string } | { type: 'drift'; observed: string }]>([
    [
      'egress still ours',
      'egress',
      svc({ vpcConnector: CONNECTOR, egress: 'all-traffic' }),
      'all-traffic',
      'private-ranges-only',
      { type: 'revert', to: 'private-ranges-only' },
    ],
    [
      'egress set back by someone',
      'egress',
      svc({ vpcConnector: CONNECTOR, egress: 'private-ranges-only' }),
      'all-traffic',
      'private-ranges-only',
      { type: 'drift', observed: 'private-ranges-only' },
    ],
    ['egress VPC access removed', 'egress', noVpc, 'all-traffic', 'private-ranges-only', { type: 'drift', observed: 'unspecified' }],
    ['ingress still ours', 'ingress', svc({ ingress: 'internal' }), 'internal', 'all', { type: 'revert', to: 'all' }],
    [
      'ingress changed to a third value',
      'ingress',
      svc({ ingress: 'internal-and-cloud-load-balancing' }),
      'internal',
      'all',
      { type: 'drift', observed: 'internal-and-cloud-load-balancing' },
    ],
  ])('%s', (_label, kind, service, applied, previous, expected) => {
    const plan = planRevert(kind, service, applied, previous);
    expect(plan).toMatchObject(expected);
    if (plan.type === 'drift') {
      expect(plan.detail).toContain(NAME);
      expect(plan.detail).toContain(`\`${plan.observed}\``);
      expect(plan.detail).toContain(`not the \`${applied}\` runwarden set`);
      expect(plan.detail).toContain(`\`${previous}\``);
    }
  });
});

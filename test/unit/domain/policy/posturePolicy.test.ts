/**
 * The policy's `posture` section (SPEC §5): normalised with its defaults, and
 * every mistake reported with its path, like any other part of the policy.
 */
import { loadPolicy } from '../../../../src/domain/policy/loadPolicy';

const HEAD = `
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL], security: [S0SECURITY], pair: [U0BOB, U0CAROL] }
rules:
  - { kind: invoker, resources: ["projects/acme-prod/locations/*/services/*"], maxDuration: 1h, approvers: platform }
`;

function problemsOf(posture: string): string[] {
  const loaded = loadPolicy(`${HEAD}posture:\n${posture}`);
  if (loaded.ok) throw new Error('expected problems, the policy loaded');
  return loaded.problems;
}

describe('the posture section', () => {
  test('is optional: a policy without it has no posture', () => {
    const loaded = loadPolicy(HEAD);
    expect(loaded.ok && loaded.policy.posture).toBeUndefined();
  });

  test('loads the SPEC §5 example, normalised', () => {
    const loaded = loadPolicy(`${HEAD}posture:
  scope: [projects/acme-prod, projects/acme-staging]
  approvers: security
  approvals: 1
  channel: C0SECURITY
  public: ["projects/acme-prod/locations/*/services/www-*"]
  requireCmek: ["projects/acme-prod/locations/*/services/payments-*"]
  maxKeyRotation: 90d
`);
    expect(loaded.ok && loaded.policy.posture).toEqual({
      scope: ['projects/acme-prod', 'projects/acme-staging'],
      approvers: 'security',
      approvals: 1,
      channel: 'C0SECURITY',
      public: ['projects/acme-prod/locations/*/services/www-*'],
      requireCmek: ['projects/acme-prod/locations/*/services/payments-*'],
      maxKeyRotationSeconds: 90 * 86_400,
    });
  });

  test('defaults: one approval, the default channel, no public or CMEK globs, 90d rotation; folders, organizations and project numbers are scopes', () => {
    const loaded = loadPolicy(
      `${HEAD}posture: { scope: [folders/123, organizations/456, projects/123456789012, folders/123], approvers: security }\n`,
    );
    expect(loaded.ok && loaded.policy.posture).toEqual({
      scope: ['folders/123', 'organizations/456', 'projects/123456789012'],
      approvers: 'security',
      approvals: 1,
      channel: 'C0APPROVALS',
      public: [],
      requireCmek: [],
      maxKeyRotationSeconds: 90 * 86_400,
    });
  });

  test.each([
    ['no scope', '  approvers: security', 'posture.scope: is required'],
    ['an empty scope', '  scope: []\n  approvers: security', 'posture.scope: must list at least one project, folder or organization'],
    [
      'a scope that is not a project, folder or organization',
      '  scope: [acme-prod]\n  approvers: security',
      'posture.scope[0]: `acme-prod` is not a scope',
    ],
    ['a folder by name', '  scope: [folders/engineering]\n  approvers: security', 'posture.scope[0]: `folders/engineering` is not a scope'],
    [
      'an unknown approver group',
      '  scope: [projects/acme-prod]\n  approvers: secops',
      'posture.approvers: group "secops" is not defined in approverGroups',
    ],
    [
      'more approvals than the group has members',
      '  scope: [projects/acme-prod]\n  approvers: pair\n  approvals: 3',
      'posture.approvals: 3 approvals needed but group "pair" has only 2 member(s)',
    ],
    [
      'a glob that can never match a service',
      '  scope: [projects/acme-prod]\n  approvers: security\n  public: ["projects/acme-prod/services/www"]',
      'posture.public[0]: `projects/acme-prod/services/www` can never match a Cloud Run service name',
    ],
    [
      'a CMEK glob that can never match a service',
      '  scope: [projects/acme-prod]\n  approvers: security\n  requireCmek: ["projects/*/locations/*/keyRings/*"]',
      'posture.requireCmek[0]: `projects/*/locations/*/keyRings/*` can never match a Cloud Run service name',
    ],
    [
      'a rotation shorter than Cloud KMS allows',
      '  scope: [projects/acme-prod]\n  approvers: security\n  maxKeyRotation: 12h',
      'posture.maxKeyRotation: is shorter than 1d',
    ],
    [
      'a misspelt field',
      '  scope: [projects/acme-prod]\n  approvers: security\n  requireCMEK: []',
      'posture.requireCMEK: unknown field (check the spelling)',
    ],
    [
      'a channel that is not a channel ID',
      '  scope: [projects/acme-prod]\n  approvers: security\n  channel: "#security"',
      'posture.channel: `#security` is not a Slack channel ID',
    ],
  ])('%s is refused with its path', (_, posture, expected) => {
    expect(problemsOf(posture).join('\n')).toContain(expected);
  });

  test('a posture section without any channel is refused', () => {
    const loaded = loadPolicy(
      `${HEAD.replace('defaults: { channel: C0APPROVALS }', 'defaults: {}').replace('approvers: platform }', 'approvers: platform, channel: C0PLATFORM }')}posture: { scope: [projects/acme-prod], approvers: security }\n`,
    );
    expect(loaded.ok ? [] : loaded.problems).toEqual([
      'posture.channel: no channel for findings summaries and conversion requests: set posture.channel or defaults.channel',
    ]);
  });
});

import { loadPolicy } from '../../../../src/domain/policy/loadPolicy';
import { SPEC_POLICY_YAML } from './specPolicy';

/** A minimal valid policy with `rules` (YAML list items) swapped in. */
function withRules(rules: string, head = ''): string {
  return `${head || 'defaults: { channel: C0APPROVALS }\ndomains: [acme.example]\napproverGroups: { platform: [U0BOB, U0CAROL], mixed: [U0BOB, S0OPS] }'}\nrules:\n${rules}`;
}

function problemsOf(yamlText: string): string[] {
  const loaded = loadPolicy(yamlText);
  if (loaded.ok) throw new Error('expected problems, the policy loaded');
  return loaded.problems;
}

describe('loadPolicy', () => {
  test('loads the SPEC §5 example, normalised', () => {
    expect(loadPolicy(SPEC_POLICY_YAML)).toEqual({
      ok: true,
      policy: {
        defaults: { project: 'acme-prod', region: 'us-central1', kmsLocation: 'global', channel: 'C0APPROVALS' },
        domains: ['acme.example'],
        identities: { U0ALICE: 'alice@acme.example' },
        approverGroups: { platform: ['U0BOB', 'U0CAROL'], security: ['S0SECURITY'] },
        auditors: [],
        maxOpenRequests: 10,
        rules: [
          {
            kind: 'invoker',
            name: 'invoker#1',
            resources: ['projects/acme-prod/locations/*/services/*'],
            roles: ['roles/run.invoker'],
            maxDurationSeconds: 28_800,
            maxExtensions: 0,
            minDurationSeconds: 300,
            approvers: 'platform',
            approvals: 1,
            steps: [{ approvers: 'platform', approvals: 1 }],
            requesters: ['*'],
            channel: 'C0PLATFORM',
            maxStartDelaySeconds: 604_800,
            members: ['self'],
            maxRotationPeriodSeconds: undefined,
          },
          {
            kind: 'egress',
            name: 'egress#2',
            resources: ['projects/acme-prod/locations/*/services/payments-*'],
            roles: [],
            maxDurationSeconds: undefined,
            maxExtensions: 0,
            minDurationSeconds: undefined,
            approvers: 'platform',
            approvals: 2,
            steps: [{ approvers: 'platform', approvals: 2 }],
            requesters: ['*'],
            channel: 'C0APPROVALS',
            members: [],
            maxRotationPeriodSeconds: undefined,
          },
          {
            kind: 'rotate',
            name: 'rotate#3',
            resources: ['projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*'],
            roles: [],
            maxDurationSeconds: undefined,
            maxExtensions: 0,
            minDurationSeconds: undefined,
            approvers: 'security',
            approvals: 1,
            steps: [{ approvers: 'security', approvals: 1 }],
            requesters: ['*'],
            channel: 'C0APPROVALS',
            members: [],
            maxRotationPeriodSeconds: 90 * 86_400,
          },
        ],
      },
    });
  });

  test('applies defaults: roles [roles/run.invoker], approvals 1, requesters ["*"], channel from defaults, a name from kind and position', () => {
    const loaded = loadPolicy(
      withRules('  - { kind: invoker, resources: ["projects/*/locations/*/services/*"], maxDuration: 1h, approvers: platform }'),
    );
    expect(loaded.ok && loaded.policy.rules[0]).toEqual({
      kind: 'invoker',
      name: 'invoker#1',
      resources: ['projects/*/locations/*/services/*'],
      roles: ['roles/run.invoker'],
      maxDurationSeconds: 3600,
      maxExtensions: 0,
      minDurationSeconds: undefined,
      approvers: 'platform',
      approvals: 1,
      steps: [{ approvers: 'platform', approvals: 1 }],
      requesters: ['*'],
      channel: 'C0APPROVALS',
      maxStartDelaySeconds: 604_800,
      members: ['self'],
      maxRotationPeriodSeconds: undefined,
      reason: undefined,
      autoApprove: undefined,
      breakGlass: undefined,
    });
  });

  test('members and maxRotationPeriod: as written, each member kind once', () => {
    const loaded = loadPolicy(
      withRules(
        '  - { kind: invoker, resources: ["**"], maxDuration: 1h, approvers: platform, approvals: 2, members: [self, serviceAccount, group, self] }\n' +
          '  - { kind: rotate, resources: ["**"], approvers: platform, maxRotationPeriod: 30d }',
      ),
    );
    expect(loaded.ok && loaded.policy.rules.map((r) => [r.members, r.maxRotationPeriodSeconds])).toEqual([
      [['self', 'serviceAccount', 'group'], undefined],
      [[], 30 * 86_400],
    ]);
  });

  test('lower-cases domains and identity emails', () => {
    const loaded = loadPolicy(
      'domains: [ACME.Example]\nidentities: { U0ALICE: Alice@ACME.example }\napproverGroups: { p: [U0BOB] }\nrules:\n  - { kind: rotate, resources: ["**"], approvers: p, channel: C0X }',
    );
    expect(loaded.ok && [loaded.policy.domains, loaded.policy.identities]).toEqual([['acme.example'], { U0ALICE: 'alice@acme.example' }]);
  });

  test('reports a misspelt field as unknown, and the field it was meant to be as missing', () => {
    expect(problemsOf(withRules('  - { kind: egress, resources: ["**"], aprovers: platform }'))).toEqual([
      'rules[0].approvers: is required: name an approver group (or give steps)',
      'rules[0].aprovers: unknown field (check the spelling)',
    ]);
  });

  test.each([
    [
      'an unknown top-level field',
      `${withRules('  - { kind: egress, resources: ["**"], approvers: platform }')}\nrule: []`,
      'rule: unknown field (check the spelling)',
    ],
    [
      'an unknown default',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { chanel: C0X }\napproverGroups: { platform: [U0BOB] }',
      ),
      'defaults.chanel: unknown field (check the spelling)',
    ],
    [
      'an approver group that does not exist',
      withRules('  - { kind: egress, resources: ["**"], approvers: plat }'),
      'rules[0].approvers: group "plat" is not defined in approverGroups',
    ],
    [
      'an approver group named like an Object method',
      withRules('  - { kind: egress, resources: ["**"], approvers: constructor }'),
      'rules[0].approvers: group "constructor" is not defined in approverGroups',
    ],
    [
      'more approvals than the group has users',
      withRules('  - { kind: egress, resources: ["**"], approvers: platform, approvals: 3 }'),
      'rules[0].approvals: 3 approvals needed but group "platform" has only 2 member(s)',
    ],
    [
      'approvals of zero',
      withRules('  - { kind: egress, resources: ["**"], approvers: platform, approvals: 0 }'),
      'rules[0].approvals: must be at least 1',
    ],
    [
      'fractional approvals',
      withRules('  - { kind: egress, resources: ["**"], approvers: platform, approvals: 1.5 }'),
      'rules[0].approvals: must be a whole number',
    ],
    [
      'an unknown kind',
      withRules('  - { kind: admin, resources: ["**"], approvers: platform }'),
      'rules[0].kind: must be one of invoker, egress, ingress, rotate',
    ],
    [
      'an invalid duration',
      withRules('  - { kind: invoker, resources: ["**"], maxDuration: 3x, approvers: platform }'),
      'rules[0].maxDuration: `3x` is not a duration: use 90s, 30m, 2h, 1d or 1h30m',
    ],
    [
      'a duration without unit',
      withRules('  - { kind: invoker, resources: ["**"], maxDuration: 3600, approvers: platform }'),
      'rules[0].maxDuration: must be a duration such as 8h (use 90s, 30m, 2h, 1d or 1h30m)',
    ],
    [
      'an invoker rule without maxDuration',
      withRules('  - { kind: invoker, resources: ["**"], approvers: platform }'),
      'rules[0].maxDuration: is required for invoker rules',
    ],
    [
      'minDuration above maxDuration',
      withRules('  - { kind: invoker, resources: ["**"], maxDuration: 1h, minDuration: 2h, approvers: platform }'),
      'rules[0].minDuration: is longer than maxDuration',
    ],
    [
      'a duration on a rotate rule',
      withRules('  - { kind: rotate, resources: ["**"], maxDuration: 1h, approvers: platform }'),
      'rules[0].maxDuration: rotate rules take no duration',
    ],
    [
      'members on an egress rule',
      withRules('  - { kind: egress, resources: ["**"], approvers: platform, members: [user] }'),
      'rules[0].members: only invoker rules take members',
    ],
    [
      'an unknown member kind',
      withRules('  - { kind: invoker, resources: ["**"], maxDuration: 1h, approvers: platform, members: [domain] }'),
      'rules[0].members[0]: must be one of self, user, group, serviceAccount',
    ],
    [
      'no member kinds',
      withRules('  - { kind: invoker, resources: ["**"], maxDuration: 1h, approvers: platform, members: [] }'),
      'rules[0].members: must list at least one of self, user, group, serviceAccount',
    ],
    // Google group membership is invisible to runwarden: an approver in the group would approve their own access.
    [
      'group members with a single approval',
      withRules('  - { kind: invoker, resources: ["**"], maxDuration: 1h, approvers: platform, members: [self, group] }'),
      'rules[0].approvals: must be at least 2 when members allows group: runwarden cannot see who is in a Google group, so a single approver could grant access to a group they belong to',
    ],
    [
      'maxRotationPeriod on an invoker rule',
      withRules('  - { kind: invoker, resources: ["**"], maxDuration: 1h, approvers: platform, maxRotationPeriod: 30d }'),
      'rules[0].maxRotationPeriod: only rotate rules take maxRotationPeriod',
    ],
    [
      'maxRotationPeriod under a day',
      withRules('  - { kind: rotate, resources: ["**"], approvers: platform, maxRotationPeriod: 12h }'),
      'rules[0].maxRotationPeriod: is shorter than 1d, the shortest rotation period Cloud KMS accepts',
    ],
    [
      'roles on an egress rule',
      withRules('  - { kind: egress, resources: ["**"], roles: [roles/run.invoker], approvers: platform }'),
      'rules[0].roles: only invoker rules take roles',
    ],
    [
      'an invalid role',
      withRules('  - { kind: invoker, resources: ["**"], roles: [owner], maxDuration: 1h, approvers: platform }'),
      'rules[0].roles[0]: `owner` is not an IAM role (roles/x.y or projects/P/roles/R)',
    ],
    [
      'extensions on a multi-step rule',
      withRules(
        '  - { kind: invoker, resources: ["**"], maxDuration: 1h, maxExtensions: 1, steps: [{ approvers: platform, approvals: 1 }, { approvers: platform, approvals: 1 }] }',
      ),
      'rules[0].maxExtensions: extensions are decided by a single approval level, so a rule with several steps cannot allow them',
    ],
    [
      'extensions of a rotation',
      withRules('  - { kind: rotate, resources: ["**"], approvers: platform, maxExtensions: 1 }'),
      'rules[0].maxExtensions: a rotation is permanent, so it cannot be extended',
    ],
    [
      'a requester that is no Slack ID',
      withRules('  - { kind: egress, resources: ["**"], approvers: platform, requesters: [alice] }'),
      'rules[0].requesters[0]: `alice` is not "*", a Slack user ID (U…/W…) or user-group ID (S…)',
    ],
    [
      'a glob that can never match its kind',
      withRules('  - { kind: egress, resources: ["projects/acme-prod/services/*"], approvers: platform }'),
      'rules[0].resources[0]: `projects/acme-prod/services/*` can never match a Cloud Run service name',
    ],
    [
      'a service glob on a rotate rule',
      withRules('  - { kind: rotate, resources: ["projects/*/locations/*/services/*"], approvers: platform }'),
      'rules[0].resources[0]: `projects/*/locations/*/services/*` can never match a Cloud KMS key name',
    ],
    [
      'an invalid glob',
      withRules('  - { kind: egress, resources: ["projects/**/services/x"], approvers: platform }'),
      'rules[0].resources[0]: `projects/**/services/x`: "**" may only be the whole last segment',
    ],
    [
      'no resources',
      withRules('  - { kind: egress, resources: [], approvers: platform }'),
      'rules[0].resources: must list at least one resource glob',
    ],
    [
      'a rule with no channel at all',
      withRules('  - { kind: egress, resources: ["**"], approvers: platform }', 'approverGroups: { platform: [U0BOB] }'),
      'rules[0].channel: no channel for approval messages: set channel on the rule or defaults.channel',
    ],
    [
      'a channel name instead of an ID',
      withRules('  - { kind: egress, resources: ["**"], approvers: platform, channel: "#ops" }'),
      'rules[0].channel: `#ops` is not a Slack channel ID (C…/G…)',
    ],
    [
      'an empty approver group',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { channel: C0X }\napproverGroups: { platform: [] }',
      ),
      'approverGroups.platform: must list at least one Slack user or user-group ID',
    ],
    [
      'an approver that is no Slack ID',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { channel: C0X }\napproverGroups: { platform: [bob] }',
      ),
      'approverGroups.platform[0]: `bob` is not a Slack user ID (U…/W…) or user-group ID (S…)',
    ],
    [
      'invoker rules without domains',
      withRules(
        '  - { kind: invoker, resources: ["**"], maxDuration: 1h, approvers: platform }',
        'defaults: { channel: C0X }\napproverGroups: { platform: [U0BOB] }',
      ),
      'domains: invoker rules grant access to Google identities, so list at least one domain',
    ],
    [
      'an identity outside the domains',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { channel: C0X }\ndomains: [acme.example]\nidentities: { U0ALICE: alice@gmail.com }\napproverGroups: { platform: [U0BOB] }',
      ),
      'identities.U0ALICE: alice@gmail.com is not in any of the domains',
    ],
    [
      'two Slack users mapped to one Google identity (case aside), both named',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { channel: C0X }\ndomains: [acme.example]\nidentities: { U0ALICE: alice@acme.example, U0EVE: Alice@ACME.example }\napproverGroups: { platform: [U0BOB] }',
      ),
      'identities.U0EVE: alice@acme.example is already the identity of U0ALICE: two Slack users cannot share one Google identity',
    ],
    [
      'two rules with one name',
      withRules(
        '  - { kind: egress, name: prod, resources: ["**"], approvers: platform }\n  - { kind: ingress, name: prod, resources: ["**"], approvers: platform }',
      ),
      'rules[1].name: "prod" is already the name of rules[0]: rule names must be unique',
    ],
    [
      'a rule name that could be mistaken for a default one',
      withRules('  - { kind: egress, name: "egress#1", resources: ["**"], approvers: platform }'),
      'rules[0].name: `egress#1` is not a rule name (letters, digits, ".", "_" and "-", at most 64)',
    ],
    [
      'an auditor that is no Slack ID',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { channel: C0X }\nauditors: [audrey]\napproverGroups: { platform: [U0BOB] }',
      ),
      'auditors[0]: `audrey` is not a Slack user ID (U…/W…) or user-group ID (S…)',
    ],
    [
      'a limit of open requests below one',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { channel: C0X }\nmaxOpenRequests: 0\napproverGroups: { platform: [U0BOB] }',
      ),
      'maxOpenRequests: must be at least 1',
    ],
    [
      'an identity keyed by a name',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { channel: C0X }\ndomains: [acme.example]\nidentities: { alice: alice@acme.example }\napproverGroups: { platform: [U0BOB] }',
      ),
      'identities.alice: `alice` is not a Slack user ID (U…/W…)',
    ],
    [
      'an invalid default project',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { channel: C0X, project: Acme }\napproverGroups: { platform: [U0BOB] }',
      ),
      'defaults.project: `Acme` is not a Google Cloud project id',
    ],
    [
      'a __proto__ key',
      withRules(
        '  - { kind: egress, resources: ["**"], approvers: platform }',
        'defaults: { channel: C0X }\napproverGroups: { platform: [U0BOB], __proto__: [U0EVE] }',
      ),
      'approverGroups.__proto__: is not allowed as a key',
    ],
    [
      'a missing approverGroups',
      'defaults: { channel: C0X }\nrules:\n  - { kind: egress, resources: ["**"], approvers: platform }',
      'approverGroups: is required',
    ],
    ['a rule that is not a mapping', withRules('  - 42'), 'rules[0]: must be a mapping, not number 42'],
    ['no rules', withRules(' []'), 'rules: must hold at least one rule'],
    ['YAML that is not a mapping', '- a\n- b', 'policy: must be a mapping, not a list'],
    ['an empty file', '# nothing here\n', 'policy: the file is empty'],
    ['broken YAML', 'rules: [1', expect.stringMatching(/^yaml: .*at line 1, column/)],
    ['a duplicated key', 'rules: []\nrules: []', expect.stringMatching(/^yaml: Map keys must be unique at line 2/)],
  ])('reports %s with its path', (_description, yamlText, problem) => {
    expect(problemsOf(yamlText)).toEqual([problem]);
  });

  test('user-group IDs make the group size unknowable at load time, so N of M is not checked', () => {
    expect(loadPolicy(withRules('  - { kind: egress, resources: ["**"], approvers: mixed, approvals: 5 }')).ok).toBe(true);
  });

  test('counts each user of a group once when checking approvals', () => {
    const yamlText = withRules(
      '  - { kind: egress, resources: ["**"], approvers: twice, approvals: 2 }',
      'defaults: { channel: C0X }\napproverGroups: { twice: [U0BOB, U0BOB] }',
    );
    expect(problemsOf(yamlText)).toEqual(['rules[0].approvals: 2 approvals needed but group "twice" has only 1 member(s)']);
  });

  test('lists every problem at once, in path order, even across broken fields', () => {
    const yamlText = `
defaults: { project: Acme, chanel: C0X }
domains: [acme.example, "not a domain"]
approverGroups: { platform: [U0BOB] }
rules:
  - { kind: invoker, resources: ["projects/*/locations/*/services/*"], maxDuration: 3x, approvers: plat }
  - { kind: egress, resources: ["**"], approvers: platform, approvals: 2, aprovals: 2 }
  - { kind: rotate, resources: ["**"], approvers: platform, roles: [roles/run.admin] }
  - { kind: egress, resources: ["**"], approvers: platform }
  - { kind: egress, resources: ["**"], approvers: platform }
  - { kind: egress, resources: ["**"], approvers: platform }
  - { kind: egress, resources: ["**"], approvers: platform }
  - { kind: egress, resources: ["**"], approvers: platform }
  - { kind: egress, resources: ["**"], approvers: platform }
  - { kind: egress, resources: ["**"], approvers: platform, approvals: 4 }
`;
    expect(problemsOf(yamlText)).toEqual([
      'defaults.chanel: unknown field (check the spelling)',
      'defaults.project: `Acme` is not a Google Cloud project id',
      'domains[1]: `not a domain` is not a domain name',
      'rules[0].approvers: group "plat" is not defined in approverGroups',
      'rules[0].maxDuration: `3x` is not a duration: use 90s, 30m, 2h, 1d or 1h30m',
      'rules[1].approvals: 2 approvals needed but group "platform" has only 1 member(s)',
      'rules[1].aprovals: unknown field (check the spelling)',
      'rules[2].roles: only invoker rules take roles',
      'rules[9].approvals: 4 approvals needed but group "platform" has only 1 member(s)',
    ]);
  });
});

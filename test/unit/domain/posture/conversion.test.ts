/**
 * Whether a finding may be converted, against the policy in force: only an
 * open standing_access finding on a service whose members a rule still
 * covers; everything else refused with its reason.
 */
import { checkConversion, conversionSubjects } from '../../../../src/domain/posture/conversion';
import type { Finding, FindingDetail } from '../../../../src/domain/posture/finding';
import { loadPolicy } from '../../../../src/domain/policy/loadPolicy';
import type { Policy } from '../../../../src/domain/policy/schema';

const SVC = 'projects/acme-prod/locations/us-central1/services/orders';
const AT = new Date('2026-12-06T06:00:00Z');

function policy(extra = ''): Policy {
  const loaded = loadPolicy(`
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL], security: [S0SECURITY] }
rules:
  - { kind: invoker, resources: ["projects/acme-prod/locations/*/services/*"], roles: [roles/run.invoker], maxDuration: 8h, approvers: platform${extra} }
posture: { scope: [projects/acme-prod], approvers: security }
`);
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.policy;
}

function finding(detail: Partial<Extract<FindingDetail, { kind: 'standing_access' }>> = {}, over: Partial<Finding> = {}): Finding {
  return {
    id: 'f-2cd8rzq97s',
    kind: 'standing_access',
    resource: SVC,
    project: 'acme-prod',
    severity: 30,
    detail: {
      kind: 'standing_access',
      role: 'roles/run.invoker',
      members: ['user:alice@acme.example'],
      level: 'service',
      rule: 'invoker#1',
      bindingMembers: ['serviceAccount:ci@acme-prod.iam.gserviceaccount.com', 'user:alice@acme.example'],
      ...detail,
    },
    status: 'open',
    scope: 'projects/acme-prod',
    firstSeenAt: AT,
    lastSeenAt: AT,
    scanId: 's',
    ...over,
  };
}

describe('checkConversion', () => {
  test('an open, covered standing binding on a service: exactly its members, the binding as scanned, the rule', () => {
    expect(checkConversion(policy(), finding())).toEqual({
      ok: true,
      conversion: {
        finding: 'f-2cd8rzq97s',
        target: SVC,
        role: 'roles/run.invoker',
        members: ['user:alice@acme.example'],
        expected: ['serviceAccount:ci@acme-prod.iam.gserviceaccount.com', 'user:alice@acme.example'],
        rule: 'invoker#1',
      },
    });
  });

  test.each<[string, Finding, Policy, string]>([
    ['a resolved finding', finding({}, { status: 'resolved' }), policy(), 'not_open'],
    ['a converted finding', finding({}, { status: 'converted' }), policy(), 'not_open'],
    [
      'another kind of finding',
      { ...finding(), kind: 'open_ingress', detail: { kind: 'open_ingress', ingress: 'all' } },
      policy(),
      'not_standing_access',
    ],
    ['a binding on the whole project', finding({ level: 'project' }, { resource: 'projects/acme-prod' }), policy(), 'project_level'],
    [
      'members no rule covers (a group, the rule grants users only)',
      finding({ members: ['group:eng@acme.example'], rule: undefined }),
      policy(),
      'no_rule_covers',
    ],
    [
      'a rule that covered them at the scan but no longer does (the policy changed)',
      finding({ role: 'roles/run.developer' }),
      policy(),
      'no_rule_covers',
    ],
    ['a policy whose posture section is gone', finding(), { ...policy(), posture: undefined }, 'posture_off'],
    // found while projects/acme-old was scanned; the policy no longer names it, so no scan ever resolves the finding
    ['a finding of a scope the policy no longer scans', finding({}, { scope: 'projects/acme-old' }), policy(), 'out_of_scope'],
  ])('refuses %s', (_, f, p, reason) => {
    const check = checkConversion(p, f);
    expect(check.ok ? 'converted' : check.reason).toBe(reason);
  });

  test('a covered group is converted when the rule grants groups', () => {
    const check = checkConversion(
      policy(', members: [self, group], approvals: 2'),
      finding({ members: ['group:eng@acme.example', 'user:alice@acme.example'] }),
    );
    expect(check.ok && check.conversion.members).toEqual(['group:eng@acme.example', 'user:alice@acme.example']);
  });
});

test('the subjects of a conversion are the members losing the binding, as lower-cased emails', () => {
  expect(conversionSubjects(['user:Alice@Acme.example', 'group:eng@acme.example'])).toEqual(['alice@acme.example', 'eng@acme.example']);
});

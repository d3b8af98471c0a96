/**
 * What a person may ask for (eligibleRules), which rule decides a target
 * (decidesTarget) and which projects are worth listing (projectsToList).
 */
import { decidesTarget, eligibleRules, projectsToList } from '../../../../src/domain/authority/eligible';
import type { AuthorityFacts } from '../../../../src/domain/authority/facts';
import { policyFrom } from '../policy/specPolicy';

const policy = policyFrom(`
defaults: { project: acme-prod, region: us-central1, channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL], security: [S0SECURITY] }
rules:
  - kind: invoker
    name: payments-invoker
    resources: ["projects/acme-prod/locations/*/services/payments-*"]
    maxDuration: 2h
    approvers: security
    requesters: [S0PAYMENTS]
    breakGlass: { requesters: [S0ONCALL], maxDuration: 1h }
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/*", "projects/acme-staging/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    autoApprove: { requesters: [S0ONCALL], maxDuration: 1h }
  - kind: egress
    resources: ["projects/*/locations/*/services/*"]
    approvers: platform
  - kind: rotate
    resources: ["projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
    requesters: [U0DAVE]
`);

function facts(people: Record<string, string | undefined>, groups: Record<string, string[]> = {}): AuthorityFacts {
  const all = { S0PAYMENTS: [], S0ONCALL: [], S0SECURITY: [], ...groups };
  return { groupMembers: new Map(Object.entries(all)), emails: new Map(Object.entries(people)) };
}

describe('eligibleRules', () => {
  test('lists every rule that lets the person ask, in policy order, with auto-approval and break-glass for them', () => {
    const answer = eligibleRules(policy, facts({ U0ALICE: 'alice@acme.example' }, { S0ONCALL: ['U0ALICE'] }), 'U0ALICE');
    expect(answer.verdict).toBe('allowed');
    if (answer.verdict !== 'allowed') return;
    expect(answer.rules.map((r) => [r.name, r.breakGlassOnly, r.autoApproved, r.breakGlass])).toEqual([
      ['payments-invoker', true, false, true],
      ['invoker#2', false, true, false],
      ['egress#3', false, false, false],
    ]);
  });

  test('someone outside the domains may ask for nothing', () => {
    const answer = eligibleRules(policy, facts({ U0MALLORY: 'mallory@evil.example' }), 'U0MALLORY');
    expect(answer).toMatchObject({ verdict: 'refused', refusal: { code: 'identity_outside_domains' } });
  });

  test('a group not looked up is never read as "not a member"', () => {
    const answer = eligibleRules(policy, { groupMembers: new Map(), emails: new Map([['U0ALICE', 'alice@acme.example']]) }, 'U0ALICE');
    expect(answer).toMatchObject({ verdict: 'refused', refusal: { code: 'facts_missing' } });
  });
});

describe('decidesTarget', () => {
  test('an earlier rule of the same kind shadows a later one', () => {
    const payments = 'projects/acme-prod/locations/us-central1/services/payments-api';
    const hello = 'projects/acme-prod/locations/us-central1/services/hello';
    expect(decidesTarget(policy, 0, payments)).toBe(true);
    expect(decidesTarget(policy, 1, payments)).toBe(false);
    expect(decidesTarget(policy, 1, hello)).toBe(true);
    expect(decidesTarget(policy, 2, hello)).toBe(true);
    expect(decidesTarget(policy, 1, 'projects/other/locations/us-central1/services/hello')).toBe(false);
    expect(decidesTarget(policy, 9, hello)).toBe(false);
  });
});

describe('projectsToList', () => {
  const rules = policy.rules.map((rule) => ({ rule }));
  test('each project a glob writes out, the default project for a wildcard one, each once, in rule order', () => {
    expect(projectsToList(policy, rules.slice(0, 3))).toEqual(['acme-prod', 'acme-staging']);
    expect(projectsToList(policy, rules.slice(2, 3))).toEqual(['acme-prod']);
  });
  test('at most `cap` projects', () => {
    expect(projectsToList(policy, rules.slice(0, 3), 1)).toEqual(['acme-prod']);
  });
});

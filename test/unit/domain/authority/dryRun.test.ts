/**
 * The dry run (src/domain/authority/dryRun.ts): the rule by name, each
 * approval level with the people whose approval could count, auto-approval,
 * break-glass, and refusals identical to the submit decision's.
 */
import { decideAuthority } from '../../../../src/domain/authority/decideAuthority';
import { dryRun, type DryRunInput } from '../../../../src/domain/authority/dryRun';
import type { AuthorityFacts } from '../../../../src/domain/authority/facts';
import type { SubmitDraft } from '../../../../src/domain/authority/moments';
import { KIND_RULES } from '../../../../src/kinds/registry';
import { policyFrom } from '../policy/specPolicy';

const policy = policyFrom(`
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups:
  platform: [U0BOB, U0CAROL]
  security: [S0SECURITY]
rules:
  - kind: invoker
    name: staging
    resources: ["projects/acme-staging/locations/*/services/*"]
    maxDuration: 8h
    approvers: platform
    autoApprove: { requesters: [S0ONCALL], maxDuration: 2h }
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/payments-*"]
    maxDuration: 4h
    steps: [{ approvers: platform, approvals: 1 }, { approvers: security, approvals: 1 }]
    reason: { pattern: "^[A-Z]+-[0-9]+ ", hint: "start with the ticket id, e.g. OPS-123" }
  - kind: invoker
    name: prod-invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    members: [self, user]
    maxDuration: 8h
    approvers: platform
    channel: C0PLATFORM
    breakGlass: { requesters: [S0ONCALL], maxDuration: 1h }
  - kind: egress
    resources: ["projects/acme-prod/locations/*/services/*"]
    approvers: platform
    approvals: 2
`);

const facts: AuthorityFacts = {
  groupMembers: new Map([
    ['S0SECURITY', ['U0DAVE', 'U0BOB']],
    ['S0ONCALL', ['U0ALICE']],
  ]),
  emails: new Map([
    ['U0ALICE', 'alice@acme.example'],
    ['U0BOB', 'bob@acme.example'],
    ['U0CAROL', 'carol@acme.example'],
    ['U0DAVE', 'dave@acme.example'],
    ['U0EVE', 'eve@acme.example'],
  ]),
};

const now = new Date('2026-12-06T12:00:00Z');
const service = (project: string, name: string) => `projects/${project}/locations/us-central1/services/${name}`;

function run(requester: string, draft: Partial<SubmitDraft>, change: Partial<DryRunInput> = {}) {
  const full: SubmitDraft = {
    kind: 'invoker',
    target: service('acme-prod', 'hello'),
    reason: 'debugging',
    durationSeconds: 7200,
    ...draft,
  };
  return dryRun({ policy, facts, kinds: KIND_RULES, now, requester, draft: full, openRequests: 0, ...change });
}

it('a request that waits for approval: its rule by name, the channel, the level and who could approve it, and break-glass', () => {
  expect(run('U0EVE', {})).toEqual({
    outcome: 'approval',
    rule: { name: 'prod-invoker', index: 2 },
    channel: 'C0PLATFORM',
    steps: [{ group: 'platform', approvals: 1, people: ['U0BOB', 'U0CAROL'] }],
    role: 'roles/run.invoker',
    member: 'user:eve@acme.example',
    breakGlass: {
      code: 'not_a_break_glass_requester',
      glob: 'projects/acme-prod/locations/*/services/*',
      rule: 'prod-invoker',
      moment: 'submit',
    },
  });
  // the on-call engineer may break the glass for this one
  expect(run('U0ALICE', { durationSeconds: 1800 })).toMatchObject({ outcome: 'approval', breakGlass: true });
  // …but not for longer than the break-glass limit: the exact reason
  expect(run('U0ALICE', {})).toMatchObject({ outcome: 'approval', breakGlass: { code: 'break_glass_too_long', limitSeconds: 3600 } });
});

it('the requester is never among the people who could approve, nor — for another member — that member', () => {
  expect(run('U0BOB', {})).toMatchObject({ steps: [{ group: 'platform', people: ['U0CAROL'] }] });
  expect(run('U0EVE', { member: 'user:bob@acme.example' })).toMatchObject({
    outcome: 'approval',
    member: 'user:bob@acme.example',
    steps: [{ people: ['U0CAROL'] }],
  });
});

it('two levels: each group, how many, and its people; a rule without a name is <kind>#<position>', () => {
  const result = run('U0EVE', { target: service('acme-prod', 'payments-api'), reason: 'OPS-12 refund stuck' });
  expect(result).toMatchObject({
    outcome: 'approval',
    rule: { name: 'invoker#2', index: 1 },
    steps: [
      { group: 'platform', approvals: 1, people: ['U0BOB', 'U0CAROL'] },
      { group: 'security', approvals: 1, people: ['U0DAVE', 'U0BOB'] },
    ],
  });
  expect(result).not.toHaveProperty('breakGlass', expect.anything());
});

it('auto-approval: for the on-call group, up to its limit; longer asks wait for approval', () => {
  const staging = service('acme-staging', 'hello');
  expect(run('U0ALICE', { target: staging, durationSeconds: 3600 })).toMatchObject({ outcome: 'auto', rule: { name: 'staging' } });
  expect(run('U0ALICE', { target: staging, durationSeconds: 3 * 3600 })).toMatchObject({ outcome: 'approval' });
  expect(run('U0EVE', { target: staging, durationSeconds: 3600 })).toMatchObject({ outcome: 'approval' });
});

it('break-glass asked: applied at once, reviewed afterwards by the rule approvers', () => {
  expect(run('U0ALICE', { breakGlass: true, durationSeconds: 1800 })).toMatchObject({
    outcome: 'break_glass',
    rule: { name: 'prod-invoker' },
    steps: [{ group: 'platform' }],
    breakGlass: undefined,
  });
});

it.each<[string, string, Partial<SubmitDraft>, Partial<DryRunInput>]>([
  ['no rule', 'U0EVE', { target: service('acme-dev', 'hello') }, {}],
  ['too long', 'U0EVE', { durationSeconds: 9 * 3600 }, {}],
  ['reason rules', 'U0EVE', { target: service('acme-prod', 'payments-api') }, {}],
  ['break-glass for someone not on call', 'U0EVE', { breakGlass: true, durationSeconds: 1800 }, {}],
  ['break-glass for another member', 'U0ALICE', { breakGlass: true, durationSeconds: 1800, member: 'user:eve@acme.example' }, {}],
  ['too many open requests', 'U0EVE', {}, { openRequests: 99 }],
  ['no identity', 'U0ZED', {}, { facts: { ...facts, emails: new Map([...facts.emails, ['U0ZED', undefined]]) } }],
  ['unreachable: the only other approver is the member', 'U0CAROL', { member: 'user:bob@acme.example' }, {}],
])('refused (%s): exactly the refusal submit gives, with the rule it falls under', (_, requester, draft, change) => {
  const result = run(requester, draft, change);
  const full: SubmitDraft = {
    kind: 'invoker',
    target: service('acme-prod', 'hello'),
    reason: 'debugging',
    durationSeconds: 7200,
    ...draft,
  };
  const submit = decideAuthority('submit', {
    actor: requester,
    draft: full,
    openRequests: change.openRequests ?? 0,
    policy,
    facts: change.facts ?? facts,
    kinds: KIND_RULES,
    now,
  });
  expect(submit.verdict).toBe('refused');
  expect(result).toMatchObject({ outcome: 'refused', refusal: submit.verdict === 'refused' ? submit.refusal : undefined });
  if (full.target.includes('acme-dev')) expect(result).toEqual(expect.objectContaining({ rule: undefined }));
  else expect(result).toMatchObject({ rule: { name: expect.any(String) } });
});

it('a fact not given is never read as yes: facts_missing names it', () => {
  const result = run('U0ALICE', { durationSeconds: 1800 }, { facts: { ...facts, groupMembers: new Map([['S0SECURITY', ['U0DAVE']]]) } });
  expect(result).toMatchObject({ outcome: 'refused', refusal: { code: 'facts_missing', missing: { groups: ['S0ONCALL'] } } });
});

it('egress needs two approvals from platform: unreachable when one of the two asks', () => {
  expect(run('U0BOB', { kind: 'egress', durationSeconds: undefined })).toMatchObject({
    outcome: 'refused',
    refusal: { code: 'unreachable_approvals', count: 1, limit: 2 },
    rule: { name: 'egress#4' },
  });
});

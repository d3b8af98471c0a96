/**
 * `/warden eligible`'s reply: each open rule named, its targets, durations,
 * approvers (each step, as mentions), auto-approval and break-glass — and
 * a plain "nothing is open to you" for an outsider. No configuration words.
 */
import { eligibleRules, type EligibleAnswer, type OpenRule } from '../../../../src/domain/authority/eligible';
import { eligibleView } from '../../../../src/adapters/slack/views/eligibleView';
import { closedForm } from '../../../../src/adapters/slack/views/requestForm';
import { policyFrom } from '../../domain/policy/specPolicy';

const policy = policyFrom(`
defaults: { project: acme-prod, region: us-central1, channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL], security: [S0SECURITY] }
rules:
  - kind: invoker
    name: prod-invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    members: [self, serviceAccount]
    maxDuration: 8h
    minDuration: 5m
    approvers: platform
    maxExtensions: 2
    autoApprove: { requesters: [S0ONCALL], maxDuration: 1h }
    breakGlass: { requesters: [S0ONCALL], maxDuration: 30m }
  - kind: egress
    resources: ["projects/acme-prod/locations/*/services/*"]
    steps:
      - { approvers: platform, approvals: 1 }
      - { approvers: security, approvals: 1 }
  - kind: ingress
    resources: ["projects/acme-prod/locations/*/services/*"]
    maxDuration: 1d
    approvers: platform
  - kind: rotate
    resources: ["projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
`);

function openRules(): OpenRule[] {
  const facts = {
    groupMembers: new Map([
      ['S0ONCALL', ['U0ALICE']],
      ['S0SECURITY', ['U0DAVE']],
    ]),
    emails: new Map([['U0ALICE', 'alice@acme.example']]),
  };
  const answer = eligibleRules(policy, facts, 'U0ALICE');
  if (answer.verdict !== 'allowed') throw new Error('expected rules');
  const lasts = { invoker: 'required', egress: 'optional', ingress: 'optional', rotate: 'none', convert: 'none' } as const;
  return answer.rules.map((rule) => ({ ...rule, lasts: lasts[rule.rule.kind] }));
}

const render = (answer: EligibleAnswer) => eligibleView({ answer, approverGroups: policy.approverGroups, slash: '/warden' });
const textOf = (view: ReturnType<typeof render>): string => JSON.stringify(view.blocks);

test('each rule that lets the person ask: name, targets, roles, durations, approvers, auto-approval, break-glass', () => {
  const rules = openRules();
  const [invoker, ...rest] = rules;
  if (invoker === undefined) throw new Error('no invoker rule');
  const services = {
    shown: [{ name: 'projects/acme-prod/locations/us-central1/services/hello', short: 'hello', region: 'us-central1' }],
    more: 3,
    projects: ['acme-prod'],
  };
  const view = render({ open: true, rules: [{ ...invoker, services }, ...rest], unlisted: [] });
  const text = textOf(view);
  expect(view.text).toBe('You may ask under 4 rules: invoker (prod-invoker), egress (egress#2), ingress (ingress#3), rotate (rotate#4).');
  expect(text).toContain('under *prod-invoker*');
  expect(text).toContain('`projects/acme-prod/locations/*/services/*` — now: hello (us-central1) and 3 more');
  expect(text).toContain('granted to your own identity, service accounts');
  expect(text).toContain('Duration: at most 8h, at least 5m');
  expect(text).toContain('Approved by: *platform* (<@U0BOB>, <@U0CAROL>), 1 approval');
  expect(text).toContain('Auto-approved for you: requests for your own identity of at most 1h');
  expect(text).toContain('Break-glass: open to you (`--break-glass`, at most 30m)');
  expect(text).toContain('Extensions: up to 2');
  // egress: steps, permanent allowed
  expect(text).toContain(
    'Approved in steps: 1. *platform* (<@U0BOB>, <@U0CAROL>), 1 approval; then 2. *security* (<!subteam^S0SECURITY>), 1 approval',
  );
  expect(text).toContain('Duration: permanent, or time-bound');
  // ingress: time-bound only
  expect(text).toContain('Duration: at most 1d; permanent changes are not allowed');
  expect(text).toContain('Auto-approved for you: no, the approvers decide');
  expect(text).not.toMatch(/autoApprove|breakGlass|requesters|#\d+ of|rule index/);
  expect(view.blocks.length).toBeLessThanOrEqual(50);
});

test('a rule open only by break-glass says so', () => {
  const rules = openRules().map((rule) => ({ ...rule, breakGlassOnly: true, breakGlass: rule.rule.breakGlass !== undefined }));
  const text = textOf(render({ open: true, rules: rules.slice(0, 1), unlisted: ['acme-prod'] }));
  expect(text).toContain('Open to you only as break-glass (`--break-glass`, at most 30m): applied at once, reviewed afterwards');
  expect(text).not.toContain('Auto-approved for you');
  expect(text).toContain('Services of `acme-prod` could not be listed just now');
});

test.each([
  [
    { why: 'identity_outside_domains', email: 'mallory@evil.example' },
    'Nothing is open to you: your Google identity `mallory@evil.example` is outside the domains runwarden grants to (`acme.example`).',
  ],
  [{ why: 'identity_unknown' }, 'Nothing is open to you: runwarden knows no Google identity for you'],
  [{ why: 'no_rule' }, 'Nothing is open to you: no rule of the policy lets you ask for anything.'],
] as const)('an outsider is told plainly that nothing is open to them (%o)', (why, expected) => {
  const answer: EligibleAnswer = { open: false, domains: ['acme.example'], ...why };
  const view = render(answer);
  expect(view.text).toContain(expected);
  const form = closedForm(answer, '/warden');
  expect(JSON.stringify(form.blocks)).toContain(expected);
  expect(form).not.toHaveProperty('submit');
});

/**
 * recheckExtensionAtApply: an extension is checked again under the policy in
 * force before it is applied; an auto-approved one must still qualify for the
 * rule's autoApprove, and runwarden:auto never counts as a person's approval.
 */
import { recheckExtensionAtApply } from '../../../src/app/recheck';
import type { AccessRequest, Extension } from '../../../src/domain/request';
import { policyFrom } from '../domain/policy/specPolicy';

const EMAILS = new Map([['U0DAVE', 'dave@acme.example'], ['U0BOB', 'bob@acme.example']]);
const facts = (groupMembers: Map<string, string[]>) => ({ groupMembers, emails: EMAILS });

const T0 = new Date('2026-11-22T12:00:00Z');
const TARGET = 'projects/acme-prod/locations/us-central1/services/staging-api';
const policy = (autoApprove: string) =>
  policyFrom(`
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL] }
rules:
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/staging-*"]
    maxDuration: 8h
    approvers: platform
    maxExtensions: 2
${autoApprove}
`);
const WITH_AUTO = policy('    autoApprove: { requesters: [S0ONCALL], maxDuration: 1h }');
const ONCALL = new Map([['S0ONCALL', ['U0DAVE']]]);

const extension = (overrides: Partial<Extension> = {}): Extension => ({
  n: 1, duration: '30m', durationSeconds: 1800, reason: 'more', status: 'approved', approvals: [{ approver: 'runwarden:auto', at: T0 }], autoApproved: true, requestedAt: T0, ...overrides,
});
const request = (ext: Extension): AccessRequest => ({
  id: 'abcdefghjk', kind: 'invoker', status: 'active', requester: 'U0DAVE', target: TARGET, reason: 'debugging', createdAt: T0, updatedAt: T0,
  approvals: [{ approver: 'runwarden:auto', at: T0 }], autoApproved: true, approvalsRequired: 1, approverGroup: 'platform', ruleIndex: 0,
  channel: 'C0APPROVALS', durationSeconds: 1800, expiresAt: T0, role: 'roles/run.invoker', member: 'user:dave@acme.example', extensions: [ext],
});

it('applies an auto-approved extension that still qualifies for the rule in force', () => {
  expect(recheckExtensionAtApply(WITH_AUTO, request(extension()), extension(), facts(ONCALL))).toBeUndefined();
});

it.each<[string, Parameters<typeof recheckExtensionAtApply>[0], Extension, Map<string, string[]>]>([
  ['the rule lost its autoApprove', policy(''), extension(), ONCALL],
  ['the requester left the on-call group', WITH_AUTO, extension(), new Map([['S0ONCALL', ['U0ERIN']]])],
  ['autoApprove.maxDuration is now shorter than the extension', policy('    autoApprove: { requesters: [S0ONCALL], maxDuration: 15m }'), extension(), ONCALL],
])('refuses an auto-approved extension when %s', (_why, inForce, ext, members) => {
  expect(recheckExtensionAtApply(inForce, request(ext), ext, facts(members))).toMatch(/autoApprove/);
});

it('never counts runwarden:auto as a person approving an extension that is not auto-approved', () => {
  const ext = extension({ autoApproved: undefined });
  expect(recheckExtensionAtApply(WITH_AUTO, request(ext), ext, facts(ONCALL))).toMatch(/needs 1 approval\(s\) .* has 0 that still count/);
  const byBob = extension({ autoApproved: undefined, approvals: [{ approver: 'U0BOB', at: T0 }] });
  expect(recheckExtensionAtApply(WITH_AUTO, request(byBob), byBob, facts(ONCALL))).toBeUndefined();
});

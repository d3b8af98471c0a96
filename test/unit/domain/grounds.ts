/**
 * Grounds for state-machine tests: a policy in force and the facts a click
 * gathered. Service `hello` (and anything else in acme-prod but `payments`)
 * is decided by *platform* (U0BOB, U0CAROL, U0DAVE), `approvals` of them;
 * `payments` by two steps, platform then *security* (U0DAVE, U0ERIN).
 */
import type { AuthorityFacts } from '../../../src/domain/authority/facts';
import type { Grounds } from '../../../src/domain/transitions';
import { policyFrom } from './policy/specPolicy';
import { KIND_RULES } from '../../../src/kinds/registry';

const EMAILS: Record<string, string | undefined> = {
  U0ALICE: 'alice@acme.example',
  U0BOB: 'bob@acme.example',
  U0CAROL: 'carol@acme.example',
  U0DAVE: 'dave@acme.example',
  U0ERIN: 'erin@acme.example',
  U0EVE: 'eve@acme.example',
  U0MALLORY: 'mallory@acme.example',
};

export function policyYaml(approvals = 1, extra = ''): string {
  return `
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups:
  platform: [U0BOB, U0CAROL, U0DAVE]
  security: [S0SECURITY]
rules:
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/payments"]
    maxDuration: 8h
    steps: [{ approvers: platform }, { approvers: security }]
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    members: [self, user]
    maxDuration: 8h
    approvers: platform
    approvals: ${approvals}
    maxExtensions: 3${extra}
  - kind: egress
    resources: ["projects/acme-prod/locations/*/services/*"]
    approvers: platform
    approvals: ${approvals}
`;
}

export function facts(change: { groups?: Record<string, string[]>; emails?: Record<string, string | undefined> } = {}): AuthorityFacts {
  return {
    groupMembers: new Map(Object.entries({ S0SECURITY: ['U0DAVE', 'U0ERIN'], ...change.groups })),
    emails: new Map(Object.entries({ ...EMAILS, ...change.emails })),
  };
}

/** The policy (platform needing `approvals`) and the facts, as an event carries them. */
export function grounds(approvals = 1, change: Parameters<typeof facts>[0] = {}, extra = ''): Grounds {
  return { policy: policyFrom(policyYaml(approvals, extra)), facts: facts(change), kinds: KIND_RULES };
}

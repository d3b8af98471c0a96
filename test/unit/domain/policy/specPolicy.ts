/** The policy example of SPEC §5, verbatim, and helpers to vary it in tests. */
import { loadPolicy } from '../../../../src/domain/policy/loadPolicy';
import type { Policy } from '../../../../src/domain/policy/schema';

export const SPEC_POLICY_YAML = `
defaults:
  project: acme-prod          # for short service names
  region: us-central1
  kmsLocation: global         # for short key names
  channel: C0APPROVALS        # where approval requests are posted
domains: [acme.example]       # identities that may ever be granted anything
identities:                   # optional explicit Slack user → Google identity
  U0ALICE: alice@acme.example
approverGroups:
  platform: [U0BOB, U0CAROL]  # Slack user IDs, or Slack user-group IDs (S…)
  security: [S0SECURITY]
rules:                        # first rule whose kind (invoker|egress|ingress|rotate) and resource match applies
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    roles: [roles/run.invoker]
    maxDuration: 8h
    minDuration: 5m           # optional
    approvers: platform
    approvals: 1              # distinct approvers needed (N of M)
    requesters: ["*"]         # Slack user/user-group IDs allowed to ask; "*" anyone
    channel: C0PLATFORM       # optional override
  - kind: egress
    resources: ["projects/acme-prod/locations/*/services/payments-*"]
    approvers: platform
    approvals: 2
  - kind: rotate
    resources: ["projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*"]
    approvers: security
`;

/** Loads YAML that must be valid; fails the test with the problems otherwise. */
export function policyFrom(yamlText: string): Policy {
  const loaded = loadPolicy(yamlText);
  if (!loaded.ok) throw new Error(`test policy is invalid:\n${loaded.problems.join('\n')}`);
  return loaded.policy;
}

/**
 * The pure core, in-process: command parsing, policy evaluation against a
 * 200-rule policy, IAM condition build/parse, one state-machine step and the
 * approval message render. No I/O; a few seconds in all.
 */
import { parseCommand } from '../commands/parse';
import { approvalMessage } from '../src/adapters/slack/views/approvalMessage';
import { buildCondition, parseCondition } from '../src/domain/iamCondition';
import { decideAuthority, groupsToGather, type AuthorityFacts } from '../src/domain/authority';
import { loadPolicy } from '../src/domain/policy/loadPolicy';
import type { Policy } from '../src/domain/policy/schema';
import type { AccessRequest } from '../src/domain/request';
import { transition } from '../src/domain/stateMachine';
import { heading, memory, memoryTable, summaryTable, timeSync, type Summary } from './stats';
import { KIND_RULES } from '../src/kinds/registry';

const PROJECT = 'acme-prod';
const RULES = 200;

/** Eleven accepted commands (empty text is `help`) and seven malformed ones, as people type them. */
export const COMMAND_MIX: readonly string[] = [
  'invoker hello 2h debugging checkout latency',
  'invoker projects/acme-prod/locations/europe-west1/services/api 30m --role roles/run.viewer reading the config',
  'invoker hello 1h30m --member serviceAccount:ci@acme-prod.iam.gserviceaccount.com "quoted reason" for CI',
  'egress payments-api all-traffic 1h reaching the partner sandbox',
  'ingress hello internal 1d closing the front door',
  'rotate payments/card-key suspected leak --rotation-period 30d',
  'list',
  'status 7hq2mx9kcd',
  'revoke 7hq2mx9kcd',
  '/warden cancel 7hq2mx9kcd',
  '',
  'frobnicate hello',
  '--role roles/run.invoker',
  'invoker',
  'invoker hello',
  'invoker hello 99x because',
  'egress hello sideways 1h because',
  'status not-an-id',
];

/** 199 invoker rules that do not match `hello`, then the one that does: the worst case for the first-match scan. */
export function bigPolicyYaml(rules = RULES): string {
  const lines = [
    `defaults: { project: ${PROJECT}, region: us-central1, channel: C0APPROVALS }`,
    'domains: [acme.example]',
    'identities: { U0ALICE: alice@acme.example }',
    'approverGroups: { platform: [U0BOB, U0CAROL] }',
    'rules:',
  ];
  for (let i = 0; i < rules - 1; i += 1) {
    lines.push(
      '  - kind: invoker',
      `    resources: ["projects/${PROJECT}/locations/*/services/team${i}-*", "projects/${PROJECT}/locations/europe-*/services/svc${i}"]`,
      '    maxDuration: 8h',
      '    approvers: platform',
    );
  }
  lines.push(
    '  - kind: invoker',
    `    resources: ["projects/${PROJECT}/locations/*/services/*"]`,
    '    roles: [roles/run.invoker, roles/run.viewer]',
    '    maxDuration: 8h',
    '    approvers: platform',
    '    requesters: [S0ENGINEERS, U0ALICE]',
  );
  return lines.join('\n');
}

function loadBigPolicy(): Policy {
  const loaded = loadPolicy(bigPolicyYaml());
  if (!loaded.ok) throw new Error(`bench policy invalid: ${loaded.problems.join('; ')}`);
  return loaded.policy;
}

export function pendingRequest(now: Date): AccessRequest {
  return {
    id: '7hq2mx9kcd',
    kind: 'invoker',
    status: 'pending',
    requester: 'U0ALICE',
    target: `projects/${PROJECT}/locations/us-central1/services/hello`,
    reason: 'debugging checkout latency after the 14:00 deploy; see INC-4211',
    createdAt: new Date(now.getTime() - 60_000),
    updatedAt: new Date(now.getTime() - 60_000),
    approvals: [],
    approvalsRequired: 1,
    approverGroup: 'platform',
    ruleIndex: RULES - 1,
    channel: 'C0APPROVALS',
    durationSeconds: 7200,
    role: 'roles/run.invoker',
    member: 'user:alice@acme.example',
    context: { ingress: 'all', latestRevision: 'hello-00042-xyz', invokers: ['group:oncall@acme.example'] },
  };
}

export function runCore(): void {
  console.log(heading('Core (pure, in-process)'));
  const before = memory();
  const now = new Date('2026-03-01T12:00:00Z');
  const summaries: Summary[] = [];

  const accepted = COMMAND_MIX.filter((text) => parseCommand(text).ok).length;
  summaries.push(
    timeSync(`parseCommand (${accepted} ok + ${COMMAND_MIX.length - accepted} malformed, cycled)`, 36_000, (i) =>
      parseCommand(COMMAND_MIX[i % COMMAND_MIX.length] ?? ''),
    ),
  );

  const policy = loadBigPolicy();
  const facts: AuthorityFacts = {
    groupMembers: new Map(groupsToGather(policy).map((id) => [id, id === 'S0ENGINEERS' ? ['U0DAVE', 'U0ERIN'] : []])),
    emails: new Map([
      ['U0ALICE', 'alice@acme.example'],
      ['U0BOB', 'bob@acme.example'],
    ]),
  };
  const draft = {
    kind: 'invoker' as const,
    target: `projects/${PROJECT}/locations/us-central1/services/hello`,
    reason: 'debugging',
    durationSeconds: 7200,
  };
  const submit = () => decideAuthority('submit', { actor: 'U0ALICE', draft, openRequests: 0, policy, facts, kinds: KIND_RULES, now });
  const decision = submit();
  if (decision.verdict === 'refused' || decision.rule.index !== RULES - 1)
    throw new Error(
      `bench policy: the last rule should match (${decision.verdict === 'refused' ? decision.refusal.code : decision.rule.name})`,
    );
  summaries.push(timeSync(`decideAuthority submit (${RULES} rules, match = last)`, 5_000, submit, 200));

  const expiresAt = new Date(now.getTime() + 7200_000);
  summaries.push(
    timeSync('buildCondition + parseCondition', 50_000, (i) =>
      parseCondition(
        buildCondition({
          requestId: '7hq2mx9kcd',
          expiresAt: new Date(expiresAt.getTime() + (i % 1000) * 1000),
          requester: 'alice@acme.example',
          approvers: ['bob@acme.example'],
          reason: 'debugging checkout latency\nafter the deploy',
        }),
      ),
    ),
  );

  const pending = pendingRequest(now);
  const approve = {
    type: 'approve' as const,
    actor: 'U0BOB',
    grounds: { policy, facts, kinds: KIND_RULES },
    holder: 'bench',
    leaseUntil: new Date(now.getTime() + 300_000),
  };
  if (!transition(pending, approve, now).ok) throw new Error('bench request: approve should be accepted');
  summaries.push(timeSync('transition (pending → approved, 1 of 1)', 50_000, () => transition(pending, approve, now)));

  const active: AccessRequest = { ...pending, status: 'active', approvals: [{ approver: 'U0BOB', at: now }], appliedAt: now, expiresAt };
  summaries.push(timeSync('approvalMessage render (pending)', 20_000, () => approvalMessage(pending, now)));
  summaries.push(timeSync('approvalMessage render (active)', 20_000, () => approvalMessage(active, now)));

  console.log(summaryTable(summaries, 'us'));
  console.log('');
  console.log(memoryTable(before, memory()));
}

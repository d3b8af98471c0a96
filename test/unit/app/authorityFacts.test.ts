/**
 * withFacts: a decision that lacks a fact names it; it is looked up and the
 * decision asked again — and a fact that can never be found leaves the
 * decision refused (facts_missing), never allowed.
 */
import { gatherFacts, withFacts } from '../../../src/app/authorityFacts';
import { decideAuthority, type AuthorityFacts } from '../../../src/domain/authority';
import type { DirectoryPort } from '../../../src/ports';
import { policyFrom } from '../domain/policy/specPolicy';
import { KIND_RULES } from '../../../src/kinds/registry';

const policy = policyFrom(`
defaults: { channel: C0APPROVALS }
domains: [acme.example]
approverGroups: { platform: [U0BOB, U0CAROL] }
rules:
  - kind: invoker
    resources: ["projects/acme-prod/locations/*/services/*"]
    members: [self, user]
    maxDuration: 8h
    approvers: platform
`);
const HELLO = 'projects/acme-prod/locations/us-central1/services/hello';

/** A directory that answers from a table and counts what it was asked. */
function directory(emails: Record<string, string | undefined>): DirectoryPort & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async emailOf(user) {
      asked.push(user);
      return emails[user];
    },
    async membersOf(group) {
      asked.push(group);
      return [];
    },
  };
}

const submit = (facts: AuthorityFacts, member?: string) =>
  decideAuthority('submit', {
    actor: 'U0ALICE',
    draft: { kind: 'invoker', target: HELLO, reason: 'pairing', durationSeconds: 3600, member },
    openRequests: 0,
    policy,
    facts,
    kinds: KIND_RULES,
    now: new Date('2026-11-22T12:00:00Z'),
  });
const refusalOf = (d: ReturnType<typeof submit>) => (d.verdict === 'refused' ? d.refusal : undefined);

it('looks up what the decision found missing (the approvers, for a grant to another member) and asks again', async () => {
  const slack = directory({ U0ALICE: 'alice@acme.example', U0BOB: 'bob@acme.example', U0CAROL: 'carol@acme.example' });
  let rounds = 0;
  const decision = await withFacts(
    slack,
    policy,
    { groups: [], people: ['U0ALICE'] },
    (facts) => ((rounds += 1), submit(facts, 'user:bob@acme.example')),
    refusalOf,
  );
  expect(decision).toMatchObject({ verdict: 'wait' });
  expect(rounds).toBe(2);
  expect(slack.asked.sort()).toEqual(['U0ALICE', 'U0BOB', 'U0CAROL']);
});

it('a fact that stays missing leaves the decision refused as facts_missing after three rounds', async () => {
  const slack = directory({ U0ALICE: 'alice@acme.example' });
  let rounds = 0;
  const never: AuthorityFacts = { groupMembers: new Map(), emails: new Map() };
  const decision = await withFacts(slack, policy, { groups: [], people: [] }, () => ((rounds += 1), submit(never)), refusalOf);
  expect(decision).toMatchObject({ verdict: 'refused', refusal: { code: 'facts_missing', missing: { people: ['U0ALICE'] } } });
  expect(rounds).toBe(3);
});

it('gathers only what is not known yet', async () => {
  const slack = directory({ U0BOB: 'bob@acme.example' });
  const known = await gatherFacts(slack, policy, { groups: ['S0SRE'], people: ['U0BOB'] });
  await gatherFacts(slack, policy, { groups: ['S0SRE'], people: ['U0BOB', 'U0CAROL'] }, known);
  expect(slack.asked).toEqual(['S0SRE', 'U0BOB', 'U0CAROL']);
});

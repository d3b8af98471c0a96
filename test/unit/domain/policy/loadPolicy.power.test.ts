/**
 * The rule fields of SPEC §5 beyond approvals: reason, autoApprove,
 * breakGlass, steps, maxStartDelay — normalised when right, refused at load
 * with the path of the problem when wrong.
 */
import { loadPolicy } from '../../../../src/domain/policy/loadPolicy';

const HEAD =
  'defaults: { channel: C0APPROVALS }\ndomains: [acme.example]\napproverGroups: { platform: [U0BOB, U0CAROL], security: [U0DAVE], oncall: [S0ONCALL] }';
const withRule = (rule: string) => `${HEAD}\nrules:\n  - ${rule}`;
const INVOKER = 'kind: invoker, resources: ["projects/*/locations/*/services/*"], maxDuration: 8h';

function problemsOf(yamlText: string): string[] {
  const loaded = loadPolicy(yamlText);
  if (loaded.ok) throw new Error('expected problems, the policy loaded');
  return loaded.problems;
}

function ruleOf(yamlText: string) {
  const loaded = loadPolicy(yamlText);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.policy.rules[0];
}

describe('rule fields of policy power, normalised', () => {
  test('every optional field on one invoker rule', () => {
    const rule = ruleOf(
      withRule(
        `{ ${INVOKER}, requesters: [S0ENG], reason: { pattern: "^[A-Z]+-[0-9]+ ", hint: "start with the ticket id", minLength: 10 }, ` +
          'autoApprove: { requesters: [S0ONCALL], maxDuration: 1h }, breakGlass: { maxDuration: 2h }, maxStartDelay: 2d, ' +
          'steps: [{ approvers: platform }, { approvers: security, approvals: 1 }] }',
      ),
    );
    expect(rule).toMatchObject({
      approvers: 'platform',
      approvals: 1,
      steps: [
        { approvers: 'platform', approvals: 1 },
        { approvers: 'security', approvals: 1 },
      ],
      reason: { pattern: '^[A-Z]+-[0-9]+ ', hint: 'start with the ticket id', minLength: 10 },
      autoApprove: { requesters: ['S0ONCALL'], maxDurationSeconds: 3600 },
      breakGlass: { requesters: ['S0ENG'], maxDurationSeconds: 7200 },
      maxStartDelaySeconds: 172_800,
    });
  });

  test.each([
    [
      "breakGlass without requesters takes the rule's requesters",
      `{ ${INVOKER}, approvers: platform, requesters: [U0ALICE], breakGlass: { maxDuration: 1h } }`,
      { breakGlass: { requesters: ['U0ALICE'], maxDurationSeconds: 3600 } },
    ],
    [
      'breakGlass with its own requesters keeps them',
      `{ ${INVOKER}, approvers: platform, breakGlass: { requesters: [S0ONCALL], maxDuration: 1h } }`,
      { breakGlass: { requesters: ['S0ONCALL'], maxDurationSeconds: 3600 } },
    ],
    [
      'an invoker rule without maxStartDelay may start 7 days ahead',
      `{ ${INVOKER}, approvers: platform }`,
      { maxStartDelaySeconds: 604_800 },
    ],
    ['an egress rule has no start delay', '{ kind: egress, resources: ["**"], approvers: platform }', { maxStartDelaySeconds: undefined }],
    [
      'a single-step rule has one step',
      '{ kind: egress, resources: ["**"], approvers: platform, approvals: 2 }',
      { steps: [{ approvers: 'platform', approvals: 2 }] },
    ],
    [
      'autoApprove.maxDuration equal to maxDuration is fine',
      `{ ${INVOKER}, approvers: platform, autoApprove: { requesters: [U0ALICE], maxDuration: 8h } }`,
      { autoApprove: { requesters: ['U0ALICE'], maxDurationSeconds: 28_800 } },
    ],
    [
      'autoApprove on an egress rule without maxDuration is fine',
      '{ kind: egress, resources: ["**"], approvers: platform, autoApprove: { requesters: [U0ALICE], maxDuration: 1h } }',
      { autoApprove: { requesters: ['U0ALICE'], maxDurationSeconds: 3600 } },
    ],
  ])('%s', (_description, rule, expected) => {
    expect(ruleOf(withRule(rule))).toMatchObject(expected);
  });
});

describe('rule fields of policy power, refused with their path', () => {
  test.each([
    [
      'both steps and approvers',
      `{ ${INVOKER}, approvers: platform, steps: [{ approvers: security }] }`,
      'rules[0].steps: a rule has either approvers (+ approvals) or steps, never both: remove approvers or steps',
    ],
    [
      'both steps and approvals',
      `{ ${INVOKER}, approvals: 2, steps: [{ approvers: security }] }`,
      'rules[0].steps: a rule has either approvers (+ approvals) or steps, never both: remove approvals or steps',
    ],
    ['neither steps nor approvers', `{ ${INVOKER} }`, 'rules[0].approvers: is required: name an approver group (or give steps)'],
    ['an empty steps list', `{ ${INVOKER}, steps: [] }`, 'rules[0].steps: must list at least one step'],
    [
      'a step naming a group that does not exist',
      `{ ${INVOKER}, steps: [{ approvers: platform }, { approvers: secuirty }] }`,
      'rules[0].steps[1].approvers: group "secuirty" is not defined in approverGroups',
    ],
    [
      'a step needing more approvals than its group has',
      `{ ${INVOKER}, steps: [{ approvers: security, approvals: 2 }] }`,
      'rules[0].steps[0].approvals: 2 approvals needed but group "security" has only 1 member(s)',
    ],
    [
      'breakGlass on a rotate rule',
      '{ kind: rotate, resources: ["**"], approvers: platform, breakGlass: { maxDuration: 1h } }',
      'rules[0].breakGlass: rotate rules take no break-glass: a key rotation cannot be undone',
    ],
    [
      'autoApprove on a rotate rule',
      '{ kind: rotate, resources: ["**"], approvers: platform, autoApprove: { requesters: [U0ALICE], maxDuration: 1h } }',
      'rules[0].autoApprove: key rotations are never auto-approved: they are permanent',
    ],
    [
      "autoApprove.maxDuration above the rule's maxDuration",
      `{ ${INVOKER}, approvers: platform, autoApprove: { requesters: [S0ONCALL], maxDuration: 9h } }`,
      "rules[0].autoApprove.maxDuration: is longer than the rule's maxDuration",
    ],
    [
      'autoApprove without maxDuration',
      `{ ${INVOKER}, approvers: platform, autoApprove: { requesters: [S0ONCALL] } }`,
      'rules[0].autoApprove.maxDuration: is required',
    ],
    [
      'autoApprove without requesters',
      `{ ${INVOKER}, approvers: platform, autoApprove: { maxDuration: 1h } }`,
      'rules[0].autoApprove.requesters: is required',
    ],
    [
      'breakGlass without maxDuration',
      `{ ${INVOKER}, approvers: platform, breakGlass: { requesters: [S0ONCALL] } }`,
      'rules[0].breakGlass.maxDuration: is required',
    ],
    [
      'a break-glass requester that is no Slack ID',
      `{ ${INVOKER}, approvers: platform, breakGlass: { requesters: [alice], maxDuration: 1h } }`,
      'rules[0].breakGlass.requesters[0]: `alice` is not "*", a Slack user ID (U…/W…) or user-group ID (S…)',
    ],
    [
      'maxStartDelay on an egress rule',
      '{ kind: egress, resources: ["**"], approvers: platform, maxStartDelay: 1d }',
      'rules[0].maxStartDelay: only invoker rules take --start',
    ],
    [
      'a reason pattern that is not a regular expression',
      `{ ${INVOKER}, approvers: platform, reason: { pattern: "^[A-Z+" } }`,
      'rules[0].reason.pattern: is not a pattern runwarden can match (RE2 syntax, matched in linear time; no back-references or look-around): missing closing ]: `[A-Z+`',
    ],
    [
      'a reason pattern with a back-reference (RE2 cannot match it in linear time)',
      `{ ${INVOKER}, approvers: platform, reason: { pattern: "^([A-Z]+)-\\\\1" } }`,
      'rules[0].reason.pattern: is not a pattern runwarden can match (RE2 syntax, matched in linear time; no back-references or look-around): invalid escape sequence: `\\1`',
    ],
    [
      'a reason pattern with a look-ahead',
      `{ ${INVOKER}, approvers: platform, reason: { pattern: "^(?=OPS)" } }`,
      'rules[0].reason.pattern: is not a pattern runwarden can match (RE2 syntax, matched in linear time; no back-references or look-around): invalid or unsupported Perl syntax: `(?=`',
    ],
    [
      'a minLength of zero',
      `{ ${INVOKER}, approvers: platform, reason: { minLength: 0 } }`,
      'rules[0].reason.minLength: must be at least 1',
    ],
    [
      'a minLength above the longest reason',
      `{ ${INVOKER}, approvers: platform, reason: { minLength: 501 } }`,
      'rules[0].reason.minLength: must be at most 500 (the longest reason runwarden accepts)',
    ],
    [
      'a misspelt reason field',
      `{ ${INVOKER}, approvers: platform, reason: { hnit: "x" } }`,
      'rules[0].reason.hnit: unknown field (check the spelling)',
    ],
  ])('%s', (_description, rule, problem) => {
    expect(problemsOf(withRule(rule))).toEqual([problem]);
  });

  test('a misspelt field in a step is unknown, and the field it was meant to be is missing', () => {
    expect(problemsOf(withRule(`{ ${INVOKER}, steps: [{ approver: platform }] }`))).toEqual([
      'rules[0].steps[0].approver: unknown field (check the spelling)',
      'rules[0].steps[0].approvers: is required',
    ]);
  });
});

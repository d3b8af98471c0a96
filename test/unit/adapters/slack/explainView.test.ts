/**
 * The explain reply (src/adapters/slack/views/explainView.ts): within Block
 * Kit's limits, no mention or link but the ones it writes itself (a rule or
 * group name from the policy cannot inject one), long approver groups cut to
 * a few names and "and N more".
 */
import { explainView } from '../../../../src/adapters/slack/views/explainView';
import type { DryRun } from '../../../../src/domain/authority/dryRun';
import { blockKitViolations } from './blockKitLimits';

const ask = { kind: 'invoker', target: 'projects/acme-prod/locations/us-central1/services/hello', durationSeconds: 7200 };
const people = Array.from({ length: 12 }, (_, i) => `U0P${String(i).padStart(2, '0')}`);

it('a long group: the first eight people, then "and 4 more"; within the limits', () => {
  const run: DryRun = {
    outcome: 'approval',
    rule: { name: 'prod', index: 0 },
    channel: 'C0APPROVALS',
    steps: [{ group: 'platform', approvals: 2, people }],
  };
  const view = explainView(ask, run, undefined);
  expect(view.text).toContain(
    '• 2 approvals from *platform* (<@U0P00>, <@U0P01>, <@U0P02>, <@U0P03>, <@U0P04>, <@U0P05>, <@U0P06>, <@U0P07>, and 4 more)',
  );
  expect(blockKitViolations(view)).toEqual([]);
});

it('names from the policy are escaped: no injected mention', () => {
  const run: DryRun = {
    outcome: 'approval',
    rule: { name: '<!channel> prod', index: 0 },
    channel: 'C0APPROVALS',
    steps: [{ group: '<!here>', approvals: 1, people: ['U0BOB'] }],
  };
  const view = explainView(ask, run, undefined);
  expect(view.text).not.toMatch(/<!channel>|<!here>/);
  expect(blockKitViolations(view)).toEqual([]);
});

it('a refusal without a rule says so plainly', () => {
  const view = explainView(
    ask,
    { outcome: 'refused', refusal: { code: 'no_matching_rule', kind: 'invoker', target: ask.target } },
    undefined,
  );
  expect(view.text).toContain(':no_entry: It would be refused: No rule in the policy covers invoker requests');
  expect(view.text).not.toContain('falls under');
  expect(blockKitViolations(view)).toEqual([]);
});

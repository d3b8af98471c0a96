/** The sandbox CLI shows Slack markup as the Slack client would (dev/cli/slackText.ts). */
import { renderSlackText } from '../../../dev/cli/slackText';

const now = new Date('2026-12-06T03:14:28Z');
const context = { now, users: { U0BOB: 'bob' } };
const unix = (iso: string): number => Date.parse(iso) / 1000;

it.each([
  ['<@U0BOB> approved', '@bob approved'],
  ['<@U0NOBODY> asked', '@U0NOBODY asked'],
  ['<@U0BOB|robert>', '@robert'],
  ['<!subteam^S0SECURITY> step 2', '@S0SECURITY step 2'],
  ['<!subteam^S0SECURITY|@security>', '@security'],
  ['<!here> :rotating_light: break-glass', '@here :rotating_light: break-glass'],
  ['in <#C0APPROVALS> and <#C0X|platform>', 'in #C0APPROVALS and #platform'],
  [
    '<https://console.cloud.google.com/run|the service> and <https://x.example>',
    'the service (https://console.cloud.google.com/run) and https://x.example',
  ],
  ['a &lt;b&gt; &amp; c', 'a <b> & c'],
  ['`<not markup>` stays', '`<not markup>` stays'],
])('%s', (text, shown) => {
  expect(renderSlackText(text, context)).toBe(shown);
});

it('fills date tokens in UTC, with today/tomorrow/yesterday and relative words', () => {
  const at = unix('2026-12-06T05:14:28Z');
  expect(renderSlackText(`expires <!date^${at}^{date_short_pretty} {time}|Dec 6, 2026 05:14 UTC>`, context)).toBe(
    'expires today 05:14 UTC',
  );
  expect(renderSlackText(`<!date^${at}^{date_num} {time_secs} ({ago})|x>`, context)).toBe('2026-12-06 05:14:28 UTC (in 2 hours)');
  const tomorrow = unix('2026-12-07T09:00:00Z');
  expect(renderSlackText(`<!date^${tomorrow}^{date_pretty} at {time}|x>`, context)).toBe('tomorrow at 09:00 UTC');
  const earlier = unix('2026-12-01T09:00:00Z');
  expect(renderSlackText(`<!date^${earlier}^{date_long_pretty}, {ago}|x>`, context)).toBe('Tuesday, December 1st, 2026, 5 days ago');
  expect(renderSlackText(`<!date^${earlier}^{date} {date_short}|x>`, context)).toBe('December 1st, 2026 Dec 1, 2026');
  // an unknown token: the fallback text after |, as Slack does for clients that cannot render it
  expect(renderSlackText(`<!date^${earlier}^{weird}|Dec 1, 2026>`, context)).toBe('Dec 1, 2026');
  expect(renderSlackText(`<!date^${unix('2026-12-06T03:14:58Z')}^{ago}|x>`, context)).toBe('in a few seconds');
});

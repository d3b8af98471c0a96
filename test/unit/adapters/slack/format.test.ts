import {
  code,
  escapeMrkdwn,
  formatDuration,
  formatRemaining,
  linesToSections,
  mention,
  safeText,
  slackDate,
  truncate,
} from '../../../../src/adapters/slack/views/format';

describe('view formatting helpers', () => {
  it.each([
    [0, '0s'],
    [90, '1m30s'],
    [1800, '30m'],
    [5400, '1h30m'],
    [7200, '2h'],
    [93_784, '1d2h3m4s'],
  ])('formatDuration(%d) is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('rounds the time left up to whole minutes once above a minute', () => {
    const now = new Date('2026-11-22T20:00:00Z');
    expect(formatRemaining(new Date('2026-11-22T20:00:45Z'), now)).toBe('45s');
    expect(formatRemaining(new Date('2026-11-22T21:29:01Z'), now)).toBe('1h30m');
    expect(formatRemaining(new Date('2026-11-22T19:00:00Z'), now)).toBe('0s');
  });

  it('writes Slack date tokens with a UTC fallback', () => {
    expect(slackDate(new Date('2026-11-22T23:00:00Z'))).toBe('<!date^1795388400^{date_short_pretty} {time}|2026-11-22 23:00 UTC>');
  });

  it('escapes &, < and > and nothing else', () => {
    expect(escapeMrkdwn('a & <!channel> > *b*')).toBe('a &amp; &lt;!channel&gt; &gt; *b*');
  });

  it('cuts escaped text without splitting an entity or a surrogate pair', () => {
    const cut = safeText('<'.repeat(100), 20);
    expect(cut.length).toBeLessThanOrEqual(20);
    expect(cut).toMatch(/^(&lt;)+…$/);
    expect(safeText('😀'.repeat(10), 6)).toBe('😀😀…');
    expect(truncate('😀'.repeat(10), 6)).toBe('😀😀…');
    expect(safeText('short', 20)).toBe('short');
  });

  it('mentions only well-formed Slack ids', () => {
    expect(mention('U0ALICE')).toBe('<@U0ALICE>');
    expect(mention('S0SECURITY')).toBe('<!subteam^S0SECURITY>');
    expect(mention('runwarden')).toBe('runwarden');
    expect(mention('U0X><!channel')).toBe('U0X&gt;&lt;!channel');
  });

  it('keeps backticks out of inline code', () => {
    expect(code('a`b<c')).toBe("`a'b&lt;c`");
  });

  it('packs lines into sections within the limits and says how many were left out', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${i} ${'x'.repeat(500)}`);
    const sections = linesToSections(lines, 3, 'event');
    expect(sections).toHaveLength(3);
    for (const s of sections) expect(s.text?.text.length).toBeLessThanOrEqual(3000);
    expect(sections[2]?.text?.text).toMatch(/…\d+ more events not shown/);
  });
});

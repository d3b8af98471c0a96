import { isFutureTimestamp } from '../../../src/app/futureTimestampGuard';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const seconds = Math.floor(NOW / 1000);

describe('isFutureTimestamp', () => {
  test.each([
    ['now', String(seconds), false],
    ['exactly 5 minutes ahead', String(seconds + 300), false],
    ['5 minutes and a second ahead', String(seconds + 301), true],
    ['a day ahead', String(seconds + 86_400), true],
    ['in the past (Bolt judges those)', String(seconds - 3600), false],
    ['missing (Bolt refuses it)', undefined, false],
    ['not a number (Bolt refuses it)', 'soon', false],
    ['given twice', [String(seconds + 3600), String(seconds)], false],
  ] as const)('%s → %s', (_what, header, expected) => {
    expect(isFutureTimestamp(header as string | string[] | undefined, NOW)).toBe(expected);
  });
});

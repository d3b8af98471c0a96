import fc from 'fast-check';
import { durationProblem, formatDuration, MAX_DURATION_SECONDS, parseDuration } from '../../../src/domain/duration';

describe('parseDuration', () => {
  test.each([
    ['seconds alone', '90s', 90],
    ['minutes alone', '30m', 1800],
    ['hours alone', '2h', 7200],
    ['a day', '1d', 86_400],
    ['hours and minutes', '1h30m', 5400],
    ['every unit once, in order', '1d2h3m4s', 86_400 + 7200 + 180 + 4],
    ['a zero part next to a non-zero one', '0h30m', 1800],
    ['more minutes than an hour holds', '90m', 5400],
    ['upper case, as phones capitalise', '2H', 7200],
    ['surrounding spaces', ' 2h ', 7200],
    ['exactly the limit', '366d', MAX_DURATION_SECONDS],
  ])('accepts %s (%s)', (_description, text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  test.each([
    ['the empty string', ''],
    ['zero seconds', '0s'],
    ['zero everything', '0d0h0m0s'],
    ['an unknown unit', '2x'],
    ['a unit without a number', 'h'],
    ['a number without a unit', '90'],
    ['a negative duration', '-1h'],
    ['units out of order', '30m1h'],
    ['a unit twice', '1h1h'],
    ['a fraction', '1.5h'],
    ['words', 'two hours'],
    ['a space inside', '1h 30m'],
    ['past the limit', '367d'],
    ['one second past the limit', '366d1s'],
    ['an overflowing number', '99999999999999999999s'],
    ['weeks, which runwarden does not know', '1w'],
  ])('rejects %s (%s)', (_description, text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  test.each([
    [90, '1m30s'],
    [5400, '1h30m'],
    [86_400, '1d'],
    [90_061, '1d1h1m1s'],
    [28_800, '8h'],
    [0, '0s'],
    [59.9, '59s'],
  ])('formats %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test('refuses negative and non-finite numbers', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  test('round-trips with parseDuration for every valid number of seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_SECONDS }), (seconds) => {
        expect(parseDuration(formatDuration(seconds))).toBe(seconds);
      }),
    );
  });

  test('every accepted text formats back to a text with the same meaning', () => {
    const part = (unit: string) =>
      fc.option(
        fc.integer({ min: 0, max: 400 }).map((n) => `${n}${unit}`),
        { nil: '' },
      );
    fc.assert(
      fc.property(part('d'), part('h'), part('m'), part('s'), (d, h, m, s) => {
        const seconds = parseDuration(`${d}${h}${m}${s}`);
        if (seconds !== undefined) expect(parseDuration(formatDuration(seconds))).toBe(seconds);
      }),
    );
  });
});

describe('durationProblem', () => {
  test.each([
    ['says what to type for gibberish', '3x', '`3x` is not a duration: use 90s, 30m, 2h, 1d or 1h30m'],
    ['explains the order of units', '30m1h', '`30m1h` is not a duration: write the units in the order d, h, m, s, each once (e.g. 1h30m)'],
    ['refuses nothing at all', '0s', '`0s` is not a duration: it must be longer than nothing'],
    ['names the limit', '400d', "`400d` is longer than runwarden's limit of 366d"],
  ])('%s', (_description, text, message) => {
    expect(durationProblem(text)).toBe(message);
  });

  test('has nothing to say about a valid duration', () => {
    expect(durationProblem('1h30m')).toBeUndefined();
  });
});

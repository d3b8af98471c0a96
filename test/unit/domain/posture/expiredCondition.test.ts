import { expiredAt } from '../../../../src/domain/posture/expiredCondition';

const NOW = new Date('2026-12-06T12:00:00Z');
const PAST = '2026-12-01T09:00:00Z';
const FUTURE = '2026-12-31T09:00:00Z';

describe('expiredAt: when a condition stopped granting for good', () => {
  test.each([
    ['runwarden’s own grant, ended', `request.time < timestamp("${PAST}")`, PAST],
    ['a scheduled grant, ended', `request.time >= timestamp("2026-11-30T09:00:00Z") && request.time < timestamp("${PAST}")`, PAST],
    ['single quotes and spacing', `request.time<timestamp( '${PAST}' )`, PAST],
    ['an inclusive bound', `request.time <= timestamp("${PAST}")`, PAST],
    ['the bound written the other way round', `timestamp("${PAST}") > request.time`, PAST],
    ['parentheses around it all', `(request.time < timestamp("${PAST}"))`, PAST],
    [
      'another attribute AND a past bound: the bound closes it',
      `resource.name.startsWith("projects/x") && request.time < timestamp("${PAST}")`,
      PAST,
    ],
    [
      'two alternatives, both closed: closed when the later one closed',
      `request.time < timestamp("2026-11-01T00:00:00Z") || request.time < timestamp("${PAST}")`,
      PAST,
    ],
    [
      'nested alternatives inside a conjunction',
      `(request.time < timestamp("${PAST}") || request.time < timestamp("2026-11-01T00:00:00Z")) && resource.type == "x"`,
      PAST,
    ],
    ['an offset timestamp', `request.time < timestamp("2026-12-01T10:00:00+01:00")`, PAST],
    ['fractional seconds', `request.time < timestamp("2026-12-01T09:00:00.000Z")`, PAST],
  ])('%s → expired', (_, expression, at) => {
    expect(expiredAt(expression, NOW)?.toISOString()).toBe(new Date(at).toISOString());
  });

  test.each([
    ['a bound in the future', `request.time < timestamp("${FUTURE}")`],
    ['a start bound in the past (it still grants)', `request.time >= timestamp("${PAST}")`],
    ['one alternative still open', `request.time < timestamp("${PAST}") || request.time < timestamp("${FUTURE}")`],
    ['an alternative runwarden cannot judge', `request.time < timestamp("${PAST}") || resource.name == "x"`],
    ['a negation (never guessed at)', `!(request.time < timestamp("${PAST}"))`],
    ['no time at all', `resource.name.startsWith("projects/x")`],
    ['an invalid timestamp', 'request.time < timestamp("yesterday")'],
    ['unbalanced parentheses', `(request.time < timestamp("${PAST}")`],
    ['an unterminated string', 'request.time < timestamp("2026-12-01T09:00:00Z)'],
    ['a bound exactly now with <= (still granting this instant)', `request.time <= timestamp("${NOW.toISOString()}")`],
    ['an empty expression', ''],
  ])('%s → live', (_, expression) => {
    expect(expiredAt(expression, NOW)).toBeUndefined();
  });

  test('a bound exactly now with < has closed', () => {
    expect(expiredAt(`request.time < timestamp("${NOW.toISOString()}")`, NOW)?.getTime()).toBe(NOW.getTime());
  });

  test('a deeply nested expression is not followed past its depth limit (live, never a crash)', () => {
    const deep = `${'('.repeat(200)}request.time < timestamp("${PAST}")${')'.repeat(200)}`;
    expect(() => expiredAt(deep, NOW)).not.toThrow();
  });
});

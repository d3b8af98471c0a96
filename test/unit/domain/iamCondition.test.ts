import fc from 'fast-check';
import { buildCondition, isRunwardenTitle, parseCondition, titleFor } from '../../../src/domain/iamCondition';
import { REQUEST_ID_ALPHABET } from '../../../src/domain/requestId';
import { utf8Length } from '../../../src/domain/fitUtf8';

const base = {
  requestId: '7k3mq9xw2p',
  expiresAt: new Date('2026-11-22T23:00:00Z'),
  requester: 'U0ALICE',
  approvers: ['U0BOB', 'U0CAROL'],
  reason: 'debug the payments outage',
};

describe('buildCondition', () => {
  test('builds the SPEC §8 condition, exactly', () => {
    expect(buildCondition(base)).toEqual({
      title: 'runwarden-7k3mq9xw2p',
      expression: 'request.time < timestamp("2026-11-22T23:00:00Z")',
      description: 'runwarden: requested by U0ALICE; approved by U0BOB, U0CAROL; reason: debug the payments outage',
    });
  });

  test('drops milliseconds (the grant ends at the whole second before)', () => {
    expect(buildCondition({ ...base, expiresAt: new Date('2026-11-22T23:00:00.999Z') }).expression).toBe(
      'request.time < timestamp("2026-11-22T23:00:00Z")',
    );
  });

  test('writes the time in UTC whatever zone the Date was made in', () => {
    expect(buildCondition({ ...base, expiresAt: new Date('2026-11-23T01:00:00+02:00') }).expression).toBe(
      'request.time < timestamp("2026-11-22T23:00:00Z")',
    );
  });

  test('cuts the description to 256 UTF-8 bytes, ending with …', () => {
    const { description } = buildCondition({ ...base, reason: 'x'.repeat(600) });
    expect(utf8Length(description)).toBe(256);
    expect(description.endsWith('x…')).toBe(true);
  });

  // A reason of 100 🔥 used to end the approved request failed: 260 UTF-16 units sent to a 256 limit.
  test.each([
    ['emoji', '🔥', /🔥…$/u],
    ['CJK', '漢', /漢…$/u],
    ['combining characters', 'e\u0301', /e\u0301…$/u],
    ['ZWJ sequences', '👩\u200d💻', /👩\u200d💻…$/u],
    ['flags', '🇫🇷', /🇫🇷…$/u],
  ])('cuts a reason of %s to 256 UTF-8 bytes between whole characters', (_kind, unit, ending) => {
    const { description } = buildCondition({ ...base, reason: unit.repeat(100) });
    expect(utf8Length(description)).toBeLessThanOrEqual(256);
    expect(description.length).toBeLessThanOrEqual(256); // UTF-16 units
    expect(Array.from(description).length).toBeLessThanOrEqual(256); // code points
    expect(description).toMatch(ending);
  });

  test('keeps a description that fits unchanged', () => {
    const { description } = buildCondition({ ...base, reason: '🔥 on fire' });
    expect(description).toBe('runwarden: requested by U0ALICE; approved by U0BOB, U0CAROL; reason: 🔥 on fire');
  });

  test('replaces control characters (newlines, tabs, NUL) with spaces', () => {
    const { description } = buildCondition({ ...base, reason: 'line one\nline two\r\n\tand\u0000more\u2028end' });
    expect(description).toBe('runwarden: requested by U0ALICE; approved by U0BOB, U0CAROL; reason: line one line two and more end');
  });

  test('says "nobody" when there are no approvers to name', () => {
    expect(buildCondition({ ...base, approvers: [] }).description).toContain('approved by nobody;');
  });

  test.each([
    ['an id with upper case', 'ABCDEFGHJK'],
    ['an id with a quote', '7k3mq9xw2"'],
    ['an empty id', ''],
  ])('refuses %s', (_description, requestId) => {
    expect(() => buildCondition({ ...base, requestId })).toThrow('not a request id');
  });

  test('refuses an invalid or out-of-range date', () => {
    expect(() => buildCondition({ ...base, expiresAt: new Date(Number.NaN) })).toThrow('not a valid date');
    expect(() => buildCondition({ ...base, expiresAt: new Date('+010000-01-01T00:00:00Z') })).toThrow('out of range');
  });

  test('no reason, requester or approver text ever reaches the expression', () => {
    const hostile = fc.constantFrom(
      '")',
      '") || true || ("',
      '|| request.time > timestamp("1970-01-01T00:00:00Z")',
      '\n',
      '\\"',
      'request.time',
      '"); drop',
    );
    const text = fc.array(fc.oneof(hostile, fc.string(), fc.string({ unit: 'grapheme' })), { maxLength: 8 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, text, fc.array(text, { maxLength: 3 }), (reason, requester, approvers) => {
        const condition = buildCondition({ ...base, reason, requester, approvers });
        expect(condition.expression).toBe('request.time < timestamp("2026-11-22T23:00:00Z")');
        expect(condition.title).toBe('runwarden-7k3mq9xw2p');
        expect(utf8Length(condition.description)).toBeLessThanOrEqual(256);
        expect(condition.description).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
    );
  });
});

describe('parseCondition', () => {
  test('reads back the request id and expiry', () => {
    expect(parseCondition(buildCondition(base))).toEqual({ requestId: '7k3mq9xw2p', expiresAt: new Date('2026-11-22T23:00:00Z') });
  });

  test('round-trips any id and any whole-second expiry', () => {
    const id = fc.string({ unit: fc.constantFrom(...REQUEST_ID_ALPHABET), minLength: 10, maxLength: 10 });
    const seconds = fc.integer({ min: 0, max: 253_402_300_799 }); // 1970 … 9999-12-31T23:59:59Z
    fc.assert(
      fc.property(id, seconds, fc.string(), (requestId, second, reason) => {
        const expiresAt = new Date(second * 1000);
        expect(parseCondition(buildCondition({ ...base, requestId, expiresAt, reason }))).toEqual({ requestId, expiresAt });
      }),
    );
  });

  const expression = 'request.time < timestamp("2026-11-22T23:00:00Z")';
  test.each([
    ['no condition', undefined],
    ['another tool’s title', { title: 'jit-access-7k3mq9xw2p', expression }],
    ['a title with an invalid id', { title: 'runwarden-7K3MQ9XW2P', expression }],
    ['a title with a suffix', { title: 'runwarden-7k3mq9xw2p-x', expression }],
    ['an extra clause', { title: 'runwarden-7k3mq9xw2p', expression: `${expression} || true` }],
    ['a different comparison', { title: 'runwarden-7k3mq9xw2p', expression: 'request.time > timestamp("2026-11-22T23:00:00Z")' }],
    ['milliseconds', { title: 'runwarden-7k3mq9xw2p', expression: 'request.time < timestamp("2026-11-22T23:00:00.000Z")' }],
    ['an offset instead of Z', { title: 'runwarden-7k3mq9xw2p', expression: 'request.time < timestamp("2026-11-22T23:00:00+00:00")' }],
    ['an impossible date', { title: 'runwarden-7k3mq9xw2p', expression: 'request.time < timestamp("2026-02-30T23:00:00Z")' }],
    ['an impossible hour', { title: 'runwarden-7k3mq9xw2p', expression: 'request.time < timestamp("2026-11-22T24:00:00Z")' }],
    ['extra spaces', { title: 'runwarden-7k3mq9xw2p', expression: 'request.time <  timestamp("2026-11-22T23:00:00Z")' }],
  ])('refuses %s', (_description, condition) => {
    expect(parseCondition(condition)).toBeUndefined();
  });
});

describe('titleFor and isRunwardenTitle', () => {
  test('titleFor is runwarden-<id>', () => {
    expect(titleFor('7k3mq9xw2p')).toBe('runwarden-7k3mq9xw2p');
  });

  test.each([
    ['our title', 'runwarden-7k3mq9xw2p', true],
    ['the title buildCondition writes', buildCondition(base).title, true],
    ['another title', 'ci-until-friday', false],
    ['our prefix on no request id', 'runwarden-r1', false],
    ['an upper-case id', 'runwarden-7K3MQ9XW2P', false],
    ['a trailing space', 'runwarden-7k3mq9xw2p ', false],
    ['no title', undefined, false],
  ])('%s: %s', (_what, title, ours) => {
    expect(isRunwardenTitle(title)).toBe(ours);
  });
});

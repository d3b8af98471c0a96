/** The two-sided condition of a scheduled grant (SPEC §8): exact strings and round trip. */
import fc from 'fast-check';
import { buildCondition, parseCondition } from '../../../src/domain/iamCondition';

const base = {
  requestId: '7k3mq9xw2p',
  startsAt: new Date('2026-12-01T09:00:00Z'),
  expiresAt: new Date('2026-12-01T11:00:00Z'),
  requester: 'U0ALICE',
  approvers: ['U0BOB'],
  reason: 'maintenance window',
};

describe('buildCondition with a start', () => {
  test('builds the SPEC §8 two-sided expression, exactly', () => {
    expect(buildCondition(base).expression).toBe(
      'request.time >= timestamp("2026-12-01T09:00:00Z") && request.time < timestamp("2026-12-01T11:00:00Z")',
    );
  });

  test('drops milliseconds from both bounds and writes them in UTC', () => {
    const expression = buildCondition({
      ...base,
      startsAt: new Date('2026-12-01T10:00:00.500+01:00'),
      expiresAt: new Date('2026-12-01T11:00:00.999Z'),
    }).expression;
    expect(expression).toBe('request.time >= timestamp("2026-12-01T09:00:00Z") && request.time < timestamp("2026-12-01T11:00:00Z")');
  });

  test('without a start it stays one-sided', () => {
    expect(buildCondition({ ...base, startsAt: undefined }).expression).toBe('request.time < timestamp("2026-12-01T11:00:00Z")');
  });
});

describe('parseCondition of a two-sided expression', () => {
  test('reads back the request id, start and expiry', () => {
    expect(parseCondition(buildCondition(base))).toEqual({ requestId: '7k3mq9xw2p', startsAt: base.startsAt, expiresAt: base.expiresAt });
  });

  test('round-trips any whole-second window', () => {
    const seconds = fc.integer({ min: 0, max: 253_402_300_000 });
    fc.assert(
      fc.property(seconds, fc.integer({ min: 1, max: 799 }), (start, length) => {
        const startsAt = new Date(start * 1000);
        const expiresAt = new Date((start + length) * 1000);
        expect(parseCondition(buildCondition({ ...base, startsAt, expiresAt }))).toEqual({
          requestId: base.requestId,
          startsAt,
          expiresAt,
        });
      }),
    );
  });

  const title = 'runwarden-7k3mq9xw2p';
  test.each([
    ['a start not before the end', 'request.time >= timestamp("2026-12-01T11:00:00Z") && request.time < timestamp("2026-12-01T11:00:00Z")'],
    [
      'the bounds in the other order',
      'request.time < timestamp("2026-12-01T11:00:00Z") && request.time >= timestamp("2026-12-01T09:00:00Z")',
    ],
    [
      'a start with > instead of >=',
      'request.time > timestamp("2026-12-01T09:00:00Z") && request.time < timestamp("2026-12-01T11:00:00Z")',
    ],
    ['|| instead of &&', 'request.time >= timestamp("2026-12-01T09:00:00Z") || request.time < timestamp("2026-12-01T11:00:00Z")'],
    ['an impossible start date', 'request.time >= timestamp("2026-02-30T09:00:00Z") && request.time < timestamp("2026-12-01T11:00:00Z")'],
    ['an extra clause', 'request.time >= timestamp("2026-12-01T09:00:00Z") && request.time < timestamp("2026-12-01T11:00:00Z") && true'],
  ])('is undefined for %s', (_description, expression) => {
    expect(parseCondition({ title, expression })).toBeUndefined();
  });
});

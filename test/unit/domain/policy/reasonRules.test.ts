import { reasonProblem } from '../../../../src/domain/policy/reasonRules';

const TICKET = { pattern: '^[A-Z]+-[0-9]+ ', hint: 'start with the ticket id, e.g. OPS-123', minLength: 10 };

describe('reasonProblem', () => {
  test.each([
    ['a rule without reason rules accepts any reason', undefined, 'x'],
    ['a reason with the ticket id and enough characters', TICKET, 'OPS-123 restart the worker'],
    ['exactly minLength characters', { minLength: 5 }, 'abcde'],
    ['minLength counts characters, not UTF-16 units', { minLength: 3 }, '🔥🔥🔥'],
    ['a pattern alone', { pattern: 'INC[0-9]+' }, 'see INC42 for details'],
  ])('accepts: %s', (_description, rules, reason) => {
    expect(reasonProblem(rules, reason)).toBeUndefined();
  });

  test.each([
    ['too short, with the hint', TICKET, 'OPS-1 x', 'The reason is 7 character(s) long; this rule needs at least 10. Hint: start with the ticket id, e.g. OPS-123'],
    ['without the ticket id, with the hint', TICKET, 'restarting the worker', 'The reason does not have the form this rule requires. Hint: start with the ticket id, e.g. OPS-123'],
    ['the ticket id not at the start', TICKET, 'restart for OPS-123 now', 'The reason does not have the form this rule requires. Hint: start with the ticket id, e.g. OPS-123'],
    ['too short without a hint says how long', { minLength: 20 }, 'short reason', 'The reason is 12 character(s) long; this rule needs at least 20.'],
    ['surrounding spaces do not count', { minLength: 5 }, '   ab   ', 'The reason is 2 character(s) long; this rule needs at least 5.'],
    ['a pattern mismatch without a hint', { pattern: '^INC' }, 'nope', 'The reason does not have the form this rule requires.'],
  ])('refuses: %s', (_description, rules, reason, problem) => {
    expect(reasonProblem(rules, reason)).toBe(problem);
  });

  test('a reason is matched, never interpreted: regex syntax in it is just text', () => {
    expect(reasonProblem({ pattern: '^OPS-[0-9]+ ' }, 'OPS-1 (a+)+$ .* <!here>')).toBeUndefined();
  });
});

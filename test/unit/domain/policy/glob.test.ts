import fc from 'fast-check';
import { globCouldMatch, globProblem, matchGlob, matchSegment } from '../../../../src/domain/policy/glob';

const service = 'projects/acme-prod/locations/us-central1/services/payments-api';

describe('matchGlob', () => {
  test.each([
    ['an exact name', service, service, true],
    ['* for one whole segment', 'projects/acme-prod/locations/*/services/*', service, true],
    ['* as a prefix match inside a segment', 'projects/acme-prod/locations/*/services/payments-*', service, true],
    ['* as a suffix match inside a segment', 'projects/acme-prod/locations/*/services/*-api', service, true],
    ['several * in one segment', 'projects/acme-prod/locations/*/services/p*-*i', service, true],
    ['** for the whole rest', 'projects/acme-prod/**', service, true],
    ['** alone for anything', '**', service, true],
    ['* does not cross a /', 'projects/acme-prod/locations/*', service, false],
    ['* does not match two segments', 'projects/*/services/payments-api', service, false],
    ['a different project', 'projects/acme-stage/locations/*/services/*', service, false],
    ['a prefix that does not match', 'projects/acme-prod/locations/*/services/billing-*', service, false],
    ['a shorter exact name is no prefix match', 'projects/acme-prod', service, false],
    ['** needs at least one segment', 'projects/acme-prod/locations/us-central1/services/payments-api/**', service, false],
    ['case matters', 'projects/ACME-prod/locations/*/services/*', service, false],
  ])('%s', (_description, pattern, target, expected) => {
    expect(matchGlob(pattern, target)).toBe(expected);
  });

  test.each([
    ['regex dots', 'projects/acme.prod/locations/*/services/*', 'projects/acmexprod/locations/x/services/y'],
    ['regex alternation', 'projects/a|b/locations/*/services/*', 'projects/a/locations/x/services/y'],
    ['regex classes', 'projects/[a-z]+/locations/*/services/*', 'projects/acme/locations/x/services/y'],
    ['a question mark', 'projects/acm?/locations/*/services/*', 'projects/acme/locations/x/services/y'],
    ['a regex anchor', '^projects/.*$', 'projects/acme/locations/x/services/y'],
  ])('treats %s in a pattern as plain characters', (_description, pattern, target) => {
    expect(matchGlob(pattern, target)).toBe(false);
    expect(matchGlob(pattern, pattern)).toBe(true);
  });

  test('never matches a target with empty segments', () => {
    expect(matchGlob('projects/*/locations/*/services/*', 'projects//locations/x/services/y')).toBe(false);
    expect(matchGlob('**', '/etc/passwd')).toBe(false);
  });

  test('an invalid glob matches nothing', () => {
    expect(matchGlob('projects/**/services/*', service)).toBe(false);
    expect(matchGlob('', '')).toBe(false);
  });

  test('every pattern without wildcards matches exactly itself', () => {
    const segment = fc.string({ minLength: 1, maxLength: 8 }).filter((text) => !text.includes('/') && !text.includes('*'));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.array(segment, { minLength: 1, maxLength: 6 }), (a, b) => {
        expect(matchGlob(a.join('/'), b.join('/'))).toBe(a.join('/') === b.join('/'));
      }),
    );
  });

  test('a name matches the glob made by replacing any of its segments with *', () => {
    const segment = fc.string({ minLength: 1, maxLength: 8 }).filter((text) => !text.includes('/') && !text.includes('*'));
    fc.assert(
      fc.property(fc.array(fc.tuple(segment, fc.boolean()), { minLength: 1, maxLength: 6 }), (parts) => {
        const name = parts.map(([text]) => text).join('/');
        const glob = parts.map(([text, star]) => (star ? '*' : text)).join('/');
        expect(matchGlob(glob, name)).toBe(true);
      }),
    );
  });
});

describe('matchSegment', () => {
  test.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['*a', 'bab', false],
    ['**', 'x', true],
    ['', '', true],
    ['', 'x', false],
  ])('%s against %s → %s', (pattern, text, expected) => {
    expect(matchSegment(pattern, text)).toBe(expected);
  });

  test('stays fast on patterns built to backtrack', () => {
    // Would take exponential time with a naive recursive matcher; must simply answer.
    expect(matchSegment('*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
  });
});

describe('globProblem', () => {
  test.each([
    ['an empty glob', '', 'an empty glob matches nothing'],
    ['a leading slash', '/projects/x', '`/projects/x` has an empty segment (leading, trailing or double "/")'],
    ['a double slash', 'projects//x', '`projects//x` has an empty segment (leading, trailing or double "/")'],
    ['** in the middle', 'projects/**/services/*', '`projects/**/services/*`: "**" may only be the whole last segment'],
    ['** inside a segment', 'projects/acme-**', '`projects/acme-**`: "**" may only be the whole last segment'],
  ])('reports %s', (_description, pattern, problem) => {
    expect(globProblem(pattern)).toBe(problem);
  });

  test('accepts the SPEC examples', () => {
    expect(globProblem('projects/acme-prod/locations/*/services/payments-*')).toBeUndefined();
    expect(globProblem('projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*')).toBeUndefined();
  });
});

describe('globCouldMatch', () => {
  const services = ['projects', undefined, 'locations', undefined, 'services', undefined];
  test.each([
    ['a service glob', 'projects/acme-prod/locations/*/services/*', true],
    ['a project-wide **', 'projects/acme-prod/**', true],
    ['a glob missing the locations segment', 'projects/acme-prod/services/*', false],
    ['a key glob', 'projects/acme-prod/locations/global/keyRings/*/cryptoKeys/*', false],
    ['a misspelt collection', 'projects/acme-prod/locations/*/service/*', false],
    ['a wildcard collection', 'projects/acme-prod/*/*/services/*', true],
  ])('%s → %s', (_description, pattern, expected) => {
    expect(globCouldMatch(pattern, services)).toBe(expected);
  });
});

import { normaliseText, orList, splitWords, tokenize, unknownFlag } from '../../../../src/domain/grammar/tokens';

const ok = (text: string) => {
  const result = tokenize(text);
  if (!result.ok) throw new Error(result.error);
  return { words: result.tokens.words, flags: Object.fromEntries(result.tokens.flags) };
};

describe('tokenize', () => {
  test.each([
    ['plain words', 'a b c', ['a', 'b', 'c'], {}],
    ['--flag value', 'a --member user:x@y.z b', ['a', 'b'], { member: 'user:x@y.z' }],
    ['--flag=value', 'a --role=roles/run.viewer b', ['a', 'b'], { role: 'roles/run.viewer' }],
    ['flags before, between and after words', '--project p a --region r b --role x', ['a', 'b'], { project: 'p', region: 'r', role: 'x' }],
    ['flag names in any case', '--Project p', [], { project: 'p' }],
    ['a value with = in it', '--member=user:a=b@c.de', [], { member: 'user:a=b@c.de' }],
    ['quoted values, unquoted', '--member "user:x@y.z" --role=\'roles/a.b\'', [], { member: 'user:x@y.z', role: 'roles/a.b' }],
    ['non-breaking and other Unicode spaces', 'a\u00a0b\u2003c\u202fd\u3000e', ['a', 'b', 'c', 'd', 'e'], {}],
    ['tabs, newlines and runs of spaces', '  a\t\tb\n\nc   ', ['a', 'b', 'c'], {}],
    ['an em dash typed for --', 'a \u2014member user:x@y.z', ['a'], { member: 'user:x@y.z' }],
    ['an en dash typed for --', 'a \u2013region r', ['a'], { region: 'r' }],
    ['a Slack mailto link', 'a --member user:<mailto:x@y.z|x@y.z>', ['a'], { member: 'user:x@y.z' }],
    ['zero-width characters', 'a\u200bb c\ufeff', ['ab', 'c'], {}],
    ['a single dash word stays a word', 'a -1h', ['a', '-1h'], {}],
  ])('handles %s', (_description, text, words, flags) => {
    expect(ok(text)).toEqual({ words, flags });
  });

  test.each([
    ['a flag at the end with no value', 'a --member', '--member needs a value'],
    ['a flag followed by another flag', '--member --role x', '--member needs a value'],
    ['an empty --flag=', '--member= a', '--member needs a value'],
    ['an empty quoted value', '--member ""', '--member needs a value'],
    ['a repeated flag', '--region a --region b', '--region is given twice'],
    ['a repeated flag in both spellings', '--region=a --region b', '--region is given twice'],
    ['a bare --', 'a -- b', '`--` is not a valid option'],
    ['a flag name with odd characters', '--mem!ber x', '`--mem!ber` is not a valid option'],
  ])('refuses %s', (_description, text, error) => {
    expect(tokenize(text)).toEqual({ ok: false, error });
  });
});

describe('normaliseText and splitWords', () => {
  test('straightens smart quotes', () => {
    expect(normaliseText('\u201cquoted\u201d \u2018single\u2019')).toBe('"quoted" \'single\'');
  });

  test('keeps an em dash inside text (only a leading dash before a letter becomes --)', () => {
    expect(splitWords('fix \u2014 now')).toEqual(['fix', '\u2014', 'now']);
  });

  test('gives no words for blank text', () => {
    expect(splitWords(' \u00a0\n')).toEqual([]);
  });
});

describe('unknownFlag', () => {
  const tokens = (flags: Record<string, string>) => ({ words: [], flags: new Map(Object.entries(flags)) });

  test.each([
    ['all flags known', { region: 'r' }, ['project', 'region'], undefined],
    [
      'an unknown flag, listing the known ones',
      { regoin: 'r' },
      ['project', 'region'],
      '`--regoin` is not an option of invoker: use --project or --region',
    ],
    ['any flag where none are taken', { x: '1' }, [], 'invoker takes no options (`--x`)'],
  ])('%s', (_description, flags, allowed, error) => {
    expect(unknownFlag(tokens(flags), 'invoker', allowed)).toBe(error);
  });
});

test('orList joins with commas and a final "or"', () => {
  expect([orList([]), orList(['a']), orList(['a', 'b']), orList(['a', 'b', 'c'])]).toEqual(['', 'a', 'a or b', 'a, b or c']);
});

import fc from 'fast-check';
import { fitUtf8, utf8Length } from '../../../src/domain/fitUtf8';

const graphemes = (text: string): string[] =>
  Array.from(new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text), (s) => s.segment);

describe('fitUtf8', () => {
  test('leaves text that fits alone, even exactly at the limit', () => {
    expect(fitUtf8('abc', 3)).toBe('abc');
    expect(fitUtf8('🔥', 4)).toBe('🔥');
  });

  test.each([
    ['ASCII', 'abcdefghij', 8, 'abcde…'],
    ['emoji (4 bytes each)', '🔥🔥🔥', 10, '🔥…'],
    ['CJK (3 bytes each)', '漢字漢字', 9, '漢字…'],
    ['a combining accent stays with its letter', 'ae\u0301e\u0301', 6, 'a…'],
    ['a ZWJ sequence is never split', 'x👩\u200d💻', 11, 'x…'],
    ['a flag is never split', '🇫🇷🇫🇷', 12, '🇫🇷…'],
  ])('%s', (_what, text, max, expected) => {
    expect(fitUtf8(text, max)).toBe(expected);
    expect(utf8Length(fitUtf8(text, max))).toBeLessThanOrEqual(max);
  });

  test('refuses a budget that cannot hold the ellipsis', () => {
    expect(() => fitUtf8('abcdef', 2)).toThrow(RangeError);
  });

  test('property: the result fits, is a prefix of whole graphemes of the text, and is as long as it can be', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), fc.integer({ min: 3, max: 300 }), (text, max) => {
        const fitted = fitUtf8(text, max);
        expect(utf8Length(fitted)).toBeLessThanOrEqual(max);
        if (fitted === text) return;
        const kept = fitted.slice(0, -1);
        expect(text.startsWith(kept)).toBe(true);
        const whole = graphemes(text);
        const keptCount = graphemes(kept).length;
        expect(whole.slice(0, keptCount).join('')).toBe(kept);
        // the next grapheme would not have fitted
        expect(utf8Length(kept) + utf8Length(whole[keptCount] ?? '') + 3).toBeGreaterThan(max);
      }),
    );
  });
});

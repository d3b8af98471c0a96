/**
 * Cutting text to a byte budget. Google's limits on IAM condition fields are
 * documented in "characters" without saying which unit is counted (code
 * points, UTF-16 units or bytes); a text of at most N UTF-8 bytes has at most
 * N of each, so it fits whatever Google counts. Cuts fall between grapheme
 * clusters (what a reader sees as one character: 👩‍💻, é written as e + ◌́,
 * a flag), never inside one. Pure.
 */

const ELLIPSIS = '…';
// Built on the first cut, not at load: a grapheme segmenter loads ICU's break rules (~20 ms and ~2.5 MiB
// at start-up, bench/README.md), and most texts fit without one.
let segmenter: Intl.Segmenter | undefined;

/** Size of `text` in UTF-8 bytes. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * `text` unchanged when it fits `maxBytes` UTF-8 bytes; otherwise its longest
 * prefix of whole grapheme clusters that fits together with a trailing `…`
 * (3 bytes). A single cluster larger than the budget is dropped whole.
 * @throws RangeError when maxBytes cannot even hold the ellipsis
 */
export function fitUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Length(ELLIPSIS);
  if (budget < 0) throw new RangeError(`a budget of ${maxBytes} bytes cannot hold the ellipsis`);
  let used = 0;
  let kept = '';
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(text)) {
    const size = utf8Length(segment);
    if (used + size > budget) break;
    used += size;
    kept += segment;
  }
  return `${kept}${ELLIPSIS}`;
}

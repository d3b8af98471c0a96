/**
 * Resource globs of the policy's `resources`: `/`-separated segments where
 * `*` matches any run of characters inside one segment (never a `/`), a final
 * `**` segment matches one or more remaining segments, and every other
 * character matches itself. Matching walks the text; no regular expression is
 * ever built from a pattern, so pattern text cannot inject anything.
 */

/** Why `pattern` is not a valid glob, or undefined when it is. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'an empty glob matches nothing';
  const segments = pattern.split('/');
  if (segments.some((segment) => segment.length === 0)) {
    return `\`${pattern}\` has an empty segment (leading, trailing or double "/")`;
  }
  const doubleStar = segments.findIndex((segment) => segment.includes('**'));
  if (doubleStar >= 0 && (segments[doubleStar] !== '**' || doubleStar !== segments.length - 1)) {
    return `\`${pattern}\`: "**" may only be the whole last segment`;
  }
  return undefined;
}

/** Whether `target` (a full resource name) matches `pattern`; invalid globs match nothing. */
export function matchGlob(pattern: string, target: string): boolean {
  if (globProblem(pattern) !== undefined) return false;
  const patternSegments = pattern.split('/');
  const targetSegments = target.split('/');
  if (targetSegments.some((segment) => segment.length === 0)) return false;
  const last = patternSegments.length - 1;
  const rest = patternSegments[last] === '**';
  const fixed = rest ? last : patternSegments.length;
  if (rest ? targetSegments.length <= fixed : targetSegments.length !== fixed) return false;
  for (let index = 0; index < fixed; index += 1) {
    if (!matchSegment(patternSegments[index] ?? '', targetSegments[index] ?? '')) return false;
  }
  return true;
}

/** Wildcard match of one segment, `*` = any run of characters (greedy with backtracking, linear-ish). */
export function matchSegment(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p += 1;
      t += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      starAt = p;
      resumeAt = t;
      p += 1;
    } else if (starAt >= 0) {
      p = starAt + 1;
      resumeAt += 1;
      t = resumeAt;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/**
 * Whether `pattern` could match some name of `shape`: a list of segments where
 * a string is a fixed word (e.g. "services") and undefined is any id.
 */
export function globCouldMatch(pattern: string, shape: readonly (string | undefined)[]): boolean {
  if (globProblem(pattern) !== undefined) return false;
  const segments = pattern.split('/');
  const rest = segments[segments.length - 1] === '**';
  const fixed = rest ? segments.length - 1 : segments.length;
  if (rest ? fixed >= shape.length : fixed !== shape.length) return false;
  return segments.slice(0, fixed).every((segment, index) => {
    const word = shape[index];
    return word === undefined || matchSegment(segment, word);
  });
}

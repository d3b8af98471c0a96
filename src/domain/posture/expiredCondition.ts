/**
 * When an IAM condition stopped granting anything for good: the time bound
 * of a temporary grant (https://cloud.google.com/iam/docs/configuring-temporary-access),
 * `request.time < timestamp("…")`, that lies in the past. Conservative by
 * construction: an expression is called expired only when EVERY way it could
 * still be true is closed by such a bound — each `||` alternative holds a
 * `&&` term `request.time < T` (or `<=`, or `T > request.time`…) with T in
 * the past. Anything else (other attributes, negations, functions) is never
 * guessed at: the condition counts as live. Pure: now is a parameter.
 */

const MAX_DEPTH = 32;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const UPPER_BOUND = /^request\.time\s*(<=?)\s*timestamp\(\s*(["'])([^"'\\]*)\2\s*\)$/;
const UPPER_BOUND_REVERSED = /^timestamp\(\s*(["'])([^"'\\]*)\1\s*\)\s*(>=?)\s*request\.time$/;

/** Splits `text` at the top-level occurrences of `operator` (outside parentheses and string literals). */
function splitTopLevel(text: string, operator: '&&' | '||'): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quote !== undefined) {
      if (char === '\\') i += 1;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '(') depth += 1;
    else if (char === ')') {
      depth -= 1;
      if (depth < 0) return undefined;
    } else if (depth === 0 && text.startsWith(operator, i)) {
      parts.push(text.slice(start, i));
      start = i + operator.length;
      i += operator.length - 1;
    }
  }
  if (depth !== 0 || quote !== undefined) return undefined;
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

/** `(x)` → `x` while the parentheses enclose the whole text. */
function unwrap(text: string): string {
  let current = text.trim();
  while (current.startsWith('(') && current.endsWith(')')) {
    const inner = current.slice(1, -1);
    if (splitTopLevel(inner, '&&') === undefined) break; // "(a) && (b)": the parentheses do not enclose it all
    current = inner.trim();
  }
  return current;
}

/** When a single comparison term closes the grant for good (its bound, if past), else undefined. */
function termExpiry(term: string, now: Date): Date | undefined {
  const direct = UPPER_BOUND.exec(term);
  const reversed = direct ? undefined : UPPER_BOUND_REVERSED.exec(term);
  const literal = direct?.[3] ?? reversed?.[2];
  if (literal === undefined || !RFC3339.test(literal)) return undefined;
  const bound = new Date(literal);
  if (Number.isNaN(bound.getTime())) return undefined;
  const inclusive = (direct?.[1] ?? reversed?.[3]) === '<=' || reversed?.[3] === '>=';
  const closed = inclusive ? now.getTime() > bound.getTime() : now.getTime() >= bound.getTime();
  return closed ? bound : undefined;
}

function expiry(expression: string, now: Date, depth: number): Date | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const alternatives = splitTopLevel(unwrap(expression), '||');
  if (alternatives === undefined) return undefined;
  if (alternatives.length > 1) {
    // closed only when every alternative is closed; it closed when the last one did
    let last: Date | undefined;
    for (const alternative of alternatives) {
      const closed = expiry(alternative, now, depth + 1);
      if (closed === undefined) return undefined;
      if (last === undefined || closed.getTime() > last.getTime()) last = closed;
    }
    return last;
  }
  const terms = splitTopLevel(unwrap(alternatives[0] ?? ''), '&&');
  if (terms === undefined) return undefined;
  // closed as soon as any one of its terms is; it closed when the first one did
  let first: Date | undefined;
  for (const term of terms) {
    const inner = unwrap(term);
    const closed = inner.includes('||') || inner.includes('&&') ? expiry(inner, now, depth + 1) : termExpiry(inner, now);
    if (closed !== undefined && (first === undefined || closed.getTime() < first.getTime())) first = closed;
  }
  return first;
}

/**
 * When the condition `expression` stopped granting anything, if it can never
 * be true again at or after `now`; undefined when it may still grant (or
 * when runwarden cannot tell: it never guesses).
 */
export function expiredAt(expression: string, now: Date): Date | undefined {
  return expiry(expression, now, 0);
}

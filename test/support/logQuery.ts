/**
 * Cloud Logging, as far as infra/monitoring.tf relies on it, so a test can
 * hold each log-based metric to the lines the code really writes:
 *
 * - `toLogEntry`: one JSON line of stdout as Cloud Run hands it to Cloud
 *   Logging (structured logging: `severity`, `time` and
 *   `logging.googleapis.com/labels` become the entry's severity, timestamp and
 *   labels; everything else, `message` included, is the jsonPayload), with a
 *   cloud_run_revision resource
 *   (https://cloud.google.com/logging/docs/structured-logging,
 *   https://cloud.google.com/run/docs/logging#special-fields).
 * - `matchesFilter`: the Logging query language
 *   (https://cloud.google.com/logging/docs/view/logging-query-language) for
 *   the subset the metrics use: comparisons `=`, `!=`, `:`, `<`, `<=`, `>`,
 *   `>=` on a field path; a value list `field=("a" OR "b")`; NOT; AND (also
 *   implicit) and OR — OR binding tighter than AND, as the language defines;
 *   parentheses. String comparisons ignore case, as Logging's do; numbers
 *   compare as numbers. Anything else throws, so a filter this does not
 *   understand fails the test instead of passing it.
 * - `extract`: a metric's EXTRACT(field) extractor.
 */

export interface LogEntry {
  resource: { type: string; labels: Record<string, string> };
  severity: string;
  labels: Record<string, string>;
  jsonPayload: Record<string, unknown>;
  timestamp?: string | undefined;
}

const SPECIAL = new Set([
  'severity',
  'time',
  'timestamp',
  'logging.googleapis.com/labels',
  'logging.googleapis.com/trace',
  'logging.googleapis.com/spanId',
  'logging.googleapis.com/insertId',
]);

export function toLogEntry(line: Record<string, unknown>, serviceName: string): LogEntry {
  const jsonPayload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(line)) if (!SPECIAL.has(key)) jsonPayload[key] = value;
  const labels = (line['logging.googleapis.com/labels'] ?? {}) as Record<string, string>;
  return {
    resource: {
      type: 'cloud_run_revision',
      labels: {
        service_name: serviceName,
        revision_name: `${serviceName}-00001-abc`,
        location: 'us-central1',
        configuration_name: serviceName,
      },
    },
    severity: typeof line.severity === 'string' ? line.severity : 'DEFAULT',
    labels,
    jsonPayload,
    timestamp: typeof line.time === 'string' ? line.time : undefined,
  };
}

const SEVERITIES = ['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'];

/** The value at a dotted path of the entry (`jsonPayload.counts.expired`, `resource.labels.service_name`, `labels.x`). */
export function fieldOf(entry: LogEntry, path: string): unknown {
  let value: unknown = entry;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A metric's value or label extractor: EXTRACT(field) → the field's value as Cloud Logging renders it (a string), or undefined. */
export function extract(entry: LogEntry, extractor: string): string | undefined {
  const match = /^EXTRACT\(([\w.]+)\)$/.exec(extractor.trim());
  if (!match?.[1]) throw new Error(`unsupported extractor: ${extractor}`);
  const value = fieldOf(entry, match[1]);
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  return String(value);
}

type Token = { kind: 'word' | 'string' | 'op' | 'open' | 'close'; text: string };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const c = filter.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'open' : 'close', text: c });
      i += 1;
    } else if (c === '"') {
      let text = '';
      i += 1;
      while (i < filter.length && filter.charAt(i) !== '"') {
        if (filter.charAt(i) === '\\') i += 1;
        text += filter.charAt(i);
        i += 1;
      }
      if (i >= filter.length) throw new Error(`unterminated string in filter: ${filter}`);
      i += 1;
      tokens.push({ kind: 'string', text });
    } else {
      const op = /^(>=|<=|!=|=~|!~|[=<>:])/.exec(filter.slice(i));
      if (op?.[1]) {
        if (op[1] === '=~' || op[1] === '!~') throw new Error(`regular expressions are not supported here: ${filter}`);
        tokens.push({ kind: 'op', text: op[1] });
        i += op[1].length;
      } else {
        const word = /^[^\s()"=<>:!]+/.exec(filter.slice(i));
        if (!word) throw new Error(`cannot read filter at ${i}: ${filter}`);
        tokens.push({ kind: 'word', text: word[0] });
        i += word[0].length;
      }
    }
  }
  return tokens;
}

type Predicate = (entry: LogEntry) => boolean;

/** Parses `filter` once; the predicate tells whether an entry matches. */
export function parseFilter(filter: string): Predicate {
  const tokens = tokenize(filter);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const next = (): Token => {
    const token = tokens[at];
    if (!token) throw new Error(`filter ends too early: ${filter}`);
    at += 1;
    return token;
  };
  const isWord = (token: Token | undefined, word: string): boolean => token?.kind === 'word' && token.text === word;

  // conjunction := disjunction { ["AND"] disjunction }   (OR binds tighter than AND in the Logging query language)
  function conjunction(): Predicate {
    const parts = [disjunction()];
    while (peek() && peek()?.kind !== 'close') {
      if (isWord(peek(), 'AND')) next();
      parts.push(disjunction());
    }
    return (entry) => parts.every((p) => p(entry));
  }
  function disjunction(): Predicate {
    const parts = [negation()];
    while (isWord(peek(), 'OR')) {
      next();
      parts.push(negation());
    }
    return (entry) => parts.some((p) => p(entry));
  }
  function negation(): Predicate {
    if (isWord(peek(), 'NOT')) {
      next();
      const inner = primary();
      return (entry) => !inner(entry);
    }
    return primary();
  }
  function primary(): Predicate {
    const token = next();
    if (token.kind === 'open') {
      const inner = conjunction();
      if (next().kind !== 'close') throw new Error(`missing ) in filter: ${filter}`);
      return inner;
    }
    if (token.kind !== 'word') throw new Error(`expected a field at "${token.text}" in filter: ${filter}`);
    const op = next();
    if (op.kind !== 'op') throw new Error(`expected a comparison after ${token.text} in filter: ${filter}`);
    const values = valueList();
    const field = token.text;
    return (entry) => values.some((value) => compare(fieldOf(entry, field), op.text, value, field));
  }
  /** a value, or a parenthesised list of values joined by OR */
  function valueList(): string[] {
    const token = next();
    if (token.kind === 'string' || token.kind === 'word') return [token.text];
    if (token.kind !== 'open') throw new Error(`expected a value in filter: ${filter}`);
    const values: string[] = [];
    for (;;) {
      const value = next();
      if (value.kind !== 'string' && value.kind !== 'word') throw new Error(`expected a value in a list in filter: ${filter}`);
      values.push(value.text);
      const after = next();
      if (after.kind === 'close') return values;
      if (!isWord(after, 'OR')) throw new Error(`only OR lists of values are supported: ${filter}`);
    }
  }
  const predicate = conjunction();
  if (at !== tokens.length) throw new Error(`unexpected "${tokens[at]?.text ?? ''}" in filter: ${filter}`);
  return predicate;
}

function compare(actual: unknown, op: string, expected: string, field: string): boolean {
  if (actual === undefined || actual === null) return op === '!=';
  if (field === 'severity' && typeof actual === 'string') {
    const a = SEVERITIES.indexOf(actual.toUpperCase());
    const b = SEVERITIES.indexOf(expected.toUpperCase());
    return ordered(a, op, b);
  }
  if (typeof actual === 'number' && /^-?\d+(\.\d+)?$/.test(expected)) return ordered(actual, op, Number(expected));
  const a = String(actual).toLowerCase();
  const b = expected.toLowerCase();
  if (op === ':') return a.includes(b);
  if (op === '=') return a === b;
  if (op === '!=') return a !== b;
  return ordered(a < b ? -1 : a > b ? 1 : 0, op, 0);
}

function ordered(a: number, op: string, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      throw new Error(`comparison ${op} is not supported on numbers`);
  }
}

export function matchesFilter(entry: LogEntry, filter: string): boolean {
  return parseFilter(filter)(entry);
}

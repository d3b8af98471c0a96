/**
 * Slash-command text → positional words and `--flag value` / `--flag=value`
 * options. Flags may stand anywhere after the subcommand; a flag without a
 * value, or given twice, is an error (unknown flags are the subcommand's to
 * refuse, see unknownFlag). Slack clients turn `--` into an em dash, quotes
 * into smart quotes, emails into mailto links and spaces into non-breaking
 * ones; all of that is undone first.
 */

export interface Tokens {
  /** positional words, in order */
  words: string[];
  /** flag name (without `--`, lower-cased) → value */
  flags: ReadonlyMap<string, string>;
  /** flag name → the positional word right after its value, if one came next (`--rotation-period 30d 12h`: 12h) */
  following?: ReadonlyMap<string, string> | undefined;
}

export type TokenizeResult = { ok: true; tokens: Tokens } | { ok: false; error: string };

const FLAG_NAME = /^[a-z][a-z0-9-]*$/;

/** Flags that take no value (switches); present means "true". */
export const SWITCHES: ReadonlySet<string> = new Set(['break-glass', 'all']);

/** Undoes what Slack clients do to typed text (smart quotes, em-dash flags, mailto links, zero-width spaces). */
export function normaliseText(text: string): string {
  return text
    .replace(/<mailto:([^|>]*)(?:\|[^>]*)?>/g, '$1')
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/(^|\s)[\u2012-\u2015\u2212]+(?=\p{L})/gu, '$1--');
}

/** The words of `text`, split on any kind of whitespace (JS \s covers NBSP and the Unicode spaces). */
export function splitWords(text: string): string[] {
  return normaliseText(text)
    .split(/\s+/u)
    .filter((word) => word.length > 0);
}

function unquote(value: string): string {
  const match = /^(["'`])(.*)\1$/s.exec(value);
  return match?.[2] ?? value;
}

/** Positional words and flags from words (the subcommand already taken off). */
export function tokenizeWords(input: readonly string[]): TokenizeResult {
  const words: string[] = [];
  const flags = new Map<string, string>();
  const following = new Map<string, string>();
  let lastFlag: string | undefined;
  for (let index = 0; index < input.length; index += 1) {
    const word = input[index] ?? '';
    if (!word.startsWith('--')) {
      words.push(word);
      if (lastFlag !== undefined) following.set(lastFlag, word);
      lastFlag = undefined;
      continue;
    }
    const equals = word.indexOf('=');
    const name = (equals >= 0 ? word.slice(2, equals) : word.slice(2)).toLowerCase();
    if (!FLAG_NAME.test(name)) return { ok: false, error: `\`${word}\` is not a valid option` };
    if (SWITCHES.has(name)) {
      if (equals >= 0) return { ok: false, error: `--${name} takes no value` };
      if (flags.has(name)) return { ok: false, error: `--${name} is given twice` };
      flags.set(name, 'true');
      continue;
    }
    let value: string | undefined;
    if (equals >= 0) {
      value = word.slice(equals + 1);
    } else if (input[index + 1] !== undefined && !(input[index + 1] ?? '').startsWith('--')) {
      value = input[index + 1];
      index += 1;
    }
    value = value === undefined ? undefined : unquote(value);
    if (value === undefined || value === '') return { ok: false, error: `--${name} needs a value` };
    if (flags.has(name)) return { ok: false, error: `--${name} is given twice` };
    flags.set(name, value);
    lastFlag = name;
  }
  return { ok: true, tokens: { words, flags, following } };
}

export function tokenize(text: string): TokenizeResult {
  return tokenizeWords(splitWords(text));
}

/** An error for the first flag not in `allowed`, or undefined. */
export function unknownFlag(tokens: Tokens, command: string, allowed: readonly string[]): string | undefined {
  for (const name of tokens.flags.keys()) {
    if (allowed.includes(name)) continue;
    if (allowed.length === 0) return `${command} takes no options (\`--${name}\`)`;
    return `\`--${name}\` is not an option of ${command}: use ${orList(allowed.map((flag) => `--${flag}`))}`;
  }
  return undefined;
}

/** "a", "a or b", "a, b or c" */
export function orList(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}` : (items[0] ?? '');
}

/**
 * How a kind describes a request without knowing where it is shown. A
 * Phrase is a list of spans: runwarden's own words (plain strings) and
 * typed outside values — an identifier shown literally (`code`), free text
 * (`text`), a time (`date`). The Slack views render a Phrase
 * (src/adapters/slack/views/phrase.ts): as mrkdwn, where every span is
 * escaped in that one place and cut to its `max`, or as plain text for a
 * confirm dialog. So a kind never builds markup, and never forgets to
 * escape a value someone typed. Pure.
 */
import { formatDuration } from '../domain/duration';
import type { AccessRequest } from '../domain/request';

export type Span =
  string | { readonly code: string; readonly max: number } | { readonly text: string; readonly max: number } | { readonly date: Date };

export type Phrase = readonly Span[];

/** An identifier shown literally (a resource, role, member, setting), cut to `max` characters. */
export function code(value: string, max = 500): Span {
  return { code: value, max };
}

/** Free text from outside runwarden (a note, a reason), escaped and cut to `max` characters. */
export function text(value: string, max: number): Span {
  return { text: value, max };
}

/** A time, shown in each reader's own time zone. */
export function date(value: Date): Span {
  return { date: value };
}

/** A phrase from a template: `` p`${code(role, 200)} for ${code(member, 300)}` ``; a nested phrase is spliced in. */
export function p(strings: TemplateStringsArray, ...parts: Array<Span | Phrase>): Phrase {
  const out: Span[] = [];
  strings.forEach((literal, i) => {
    if (literal !== '') out.push(literal);
    const part = parts[i];
    if (part === undefined) return;
    if (Array.isArray(part)) out.push(...(part as Phrase));
    else out.push(part as Span);
  });
  return out;
}

/** Phrases joined by `separator`. */
export function join(phrases: readonly Phrase[], separator: string): Phrase {
  return phrases.flatMap((phrase, i) => (i === 0 ? [...phrase] : [separator, ...phrase]));
}

/** "1 service", "3 services". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `items` shown by `show`, at most `max` of them, then "and N more". */
export function listWithMore(items: readonly string[], max: number, show: (item: string) => Phrase): Phrase[] {
  const shown = items.slice(0, max).map(show);
  if (items.length > max) shown.push([`and ${items.length - max} more`]);
  return shown;
}

/** The last path segment of a resource name ("payments" for …/services/payments). */
export function shortName(target: string): string {
  return target.split('/').pop() ?? target;
}

/** How long a change lasts: "2h", "2h from <start> until <end>" for a scheduled grant, or "permanent". */
export function durationPhrase(request: Pick<AccessRequest, 'durationSeconds' | 'startsAt' | 'extensions'>): Phrase {
  if (!(typeof request.durationSeconds === 'number' && request.durationSeconds > 0)) return ['permanent'];
  // applied extensions lengthen it: a message must not keep the first duration (issue 19: nothing goes stale)
  const extended = (request.extensions ?? []).filter((e) => e.status === 'applied').reduce((sum, e) => sum + e.durationSeconds, 0);
  const length =
    extended > 0
      ? `${formatDuration(request.durationSeconds + extended)} (${formatDuration(request.durationSeconds)}, extended by ${formatDuration(extended)})`
      : formatDuration(request.durationSeconds);
  if (request.startsAt === undefined) return [length];
  const end = new Date(request.startsAt.getTime() + (request.durationSeconds + extended) * 1000);
  return p`${length} from ${date(request.startsAt)} until ${date(end)}`;
}

/**
 * Renders a kind's Phrase (src/kinds/phrase.ts): as Slack mrkdwn, every
 * span escaped here and cut to its `max` (identifiers as code, times as
 * date tokens), or as plain text for confirm dialogs, which show no markup.
 * Pure.
 */
import type { Phrase, Span } from '../../../kinds/phrase';
import { code, escapeMrkdwn, plainDate, safeText, slackDate } from './format';

function mrkdwnSpan(span: Span): string {
  if (typeof span === 'string') return escapeMrkdwn(span);
  if ('code' in span) return code(span.code, span.max);
  if ('text' in span) return safeText(span.text, span.max);
  return slackDate(span.date);
}

function plainSpan(span: Span): string {
  if (typeof span === 'string') return span;
  if ('code' in span) return span.code;
  if ('text' in span) return span.text;
  return plainDate(span.date);
}

/** The phrase as Slack mrkdwn. */
export function mrkdwnOf(phrase: Phrase): string {
  return phrase.map(mrkdwnSpan).join('');
}

/** The phrase as plain text (a confirm dialog). */
export function plainOf(phrase: Phrase): string {
  return phrase.map(plainSpan).join('');
}

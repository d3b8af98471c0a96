/**
 * The standard ephemeral refusal. The text is escaped (it may quote what the
 * user typed), so it can use *bold* and `code` but never mentions or links.
 */
import { type SlackView, LIMITS, safeText, section } from './format';

export function refusal(text: string): SlackView {
  const line = `:no_entry: ${safeText(text, LIMITS.sectionText - 20)}`;
  return { text: line, blocks: [section(line)] };
}

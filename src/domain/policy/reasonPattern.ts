/**
 * A rule's `reason.pattern`: a JavaScript regular expression (no flags) that
 * every reason must match. It runs on text people type, so a pattern that can
 * backtrack catastrophically (`(a+)+$`) would let one reason stall the bot:
 * such patterns are refused when the policy is loaded, as are invalid ones.
 * The check is safe-regex2's star-height analysis (fastify's maintained fork
 * of substack/safe-regex): nested quantifiers are refused, as are patterns
 * with more than 25 repetitions.
 */
import safeRegex from 'safe-regex2';

/** Why `pattern` cannot be a reason pattern, or undefined when it can. */
export function reasonPatternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
    return `is not a valid regular expression (${detail})`;
  }
  if (!safeRegex(pattern)) {
    return 'could backtrack catastrophically (nested or too many repetitions, e.g. (a+)+): simplify it';
  }
  return undefined;
}

/** Whether `reason` matches `pattern` (a pattern that passed reasonPatternProblem). */
export function matchesReasonPattern(pattern: string, reason: string): boolean {
  return new RegExp(pattern).test(reason);
}

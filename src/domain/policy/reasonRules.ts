/**
 * A rule's justification rules (`reason`: minLength, pattern, hint) applied
 * to one reason. The reason is only checked and shown, never interpreted.
 * Pure; the pattern was checked valid and safe when the policy was loaded.
 */
import { matchesReasonPattern } from './reasonPattern';
import type { ReasonRules } from './schema';

/** The problem with `reason` under `rules` (a sentence for the requester, ending with the hint), or undefined. */
export function reasonProblem(rules: ReasonRules | undefined, reason: string): string | undefined {
  if (rules === undefined) return undefined;
  const text = reason.trim();
  const length = Array.from(text).length;
  let problem: string | undefined;
  if (rules.minLength !== undefined && length < rules.minLength) {
    problem = `The reason is ${length} character(s) long; this rule needs at least ${rules.minLength}.`;
  } else if (rules.pattern !== undefined && !matchesReasonPattern(rules.pattern, text)) {
    problem = 'The reason does not have the form this rule requires.';
  }
  if (problem === undefined) return undefined;
  return rules.hint !== undefined ? `${problem} Hint: ${rules.hint}` : problem;
}

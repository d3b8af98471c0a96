/**
 * A rule's `reason.pattern`: a regular expression every reason must match.
 * It runs on text people type, so it is matched by RE2 (re2js, the
 * JavaScript port of Google's RE2, pinned): time linear in the reason's
 * length whatever the pattern — no pattern can make one reason stall the bot,
 * as a backtracking engine can (`^([A-Z]|[A-Z0-9])+-[0-9]+ ` against 31 `A`s
 * and a `!` took 22 s in JavaScript's RegExp). Patterns use RE2's syntax;
 * what RE2 cannot compile (back-references, look-around, invalid syntax) is
 * refused when the policy is loaded, saying what.
 */
import { RE2JS } from 're2js';

const compiled = new Map<string, RE2JS>();

function compile(pattern: string): RE2JS {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = RE2JS.compile(pattern);
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Why `pattern` cannot be a reason pattern (RE2's own words), or undefined when it can. */
export function reasonPatternProblem(pattern: string): string | undefined {
  try {
    compile(pattern);
    return undefined;
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return `is not a pattern runwarden can match (RE2 syntax, matched in linear time; no back-references or look-around): ${detail}`;
  }
}

/** Whether `reason` matches `pattern` anywhere (anchor with ^ and $), in time linear in the reason's length. */
export function matchesReasonPattern(pattern: string, reason: string): boolean {
  return compile(pattern).matcher(reason).find();
}

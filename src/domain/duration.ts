/**
 * Durations as people type them in Slack and in the policy file: `90s`, `30m`,
 * `2h`, `1d`, `1h30m`, `1d2h3m4s`. Units appear in descending order, each at
 * most once; the total is positive and at most MAX_DURATION_SECONDS. Pure.
 */

export const MAX_DURATION_SECONDS = 366 * 86_400;

/** The hint shown to anybody who typed something else. */
export const DURATION_HINT = 'use 90s, 30m, 2h, 1d or 1h30m';

const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
] as const;

// Each unit optional, in order; at most 9 digits per part keeps arithmetic exact.
const DURATION = /^(?:(\d{1,9})d)?(?:(\d{1,9})h)?(?:(\d{1,9})m)?(?:(\d{1,9})s)?$/;

/** Seconds, or undefined when `text` is not a duration runwarden accepts. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match || match[0] === '') return undefined;
  let total = 0;
  UNITS.forEach(([, seconds], index) => {
    const part = match[index + 1];
    if (part !== undefined) total += Number(part) * seconds;
  });
  if (total <= 0 || total > MAX_DURATION_SECONDS) return undefined;
  return total;
}

/** Compact form, e.g. 5400 → "1h30m", 86400 → "1d"; whole seconds (fractions dropped). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`not a duration in seconds: ${seconds}`);
  let rest = Math.floor(seconds);
  if (rest === 0) return '0s';
  let text = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}

/** Why `text` is not a duration, said specifically; undefined when it is one. */
export function durationProblem(text: string): string | undefined {
  if (parseDuration(text) !== undefined) return undefined;
  const lower = text.trim().toLowerCase();
  if (!/^(?:\d{1,9}[dhms])+$/.test(lower)) return `\`${text}\` is not a duration: ${DURATION_HINT}`;
  if (!DURATION.test(lower)) return `\`${text}\` is not a duration: write the units in the order d, h, m, s, each once (e.g. 1h30m)`;
  if (/^(?:0+[dhms])+$/.test(lower)) return `\`${text}\` is not a duration: it must be longer than nothing`;
  return `\`${text}\` is longer than runwarden's limit of ${formatDuration(MAX_DURATION_SECONDS)}`;
}

/**
 * The zod schemas of slash-command arguments shared by the subcommands, each
 * with the specific message a person needs when it is missing or malformed,
 * and the one way a subcommand turns tokens into typed args. A subcommand's
 * argsSchema reads the raw words and flag values by field name (strings; the
 * reason as its list of words) and outputs the typed args (durations in
 * seconds, the reason joined, members normalised).
 */
import { z } from 'zod';
import { DURATION_HINT, durationProblem, parseDuration } from '../duration';
import { isRequestId } from '../requestId';
import { keyNameProblem, parseMember, PROJECT_ID, REGION, ROLE_NAME, serviceNameProblem } from '../resourceNames';
import { orList, unknownFlag, type Tokens } from './tokens';

export type ParseArgsResult<T> = { ok: true; args: T } | { ok: false; error: string };

export const REASON_MAX_LENGTH = 500;

/** A required word, with `missing` as the message when it is absent. */
const word = (missing: string) => z.string({ error: (issue) => (issue.input === undefined ? missing : undefined) });

/** Adds the problem `check` finds as the issue's message. */
const checkedBy = (check: (text: string) => string | undefined) => (text: string, ctx: z.RefinementCtx) => {
  const problem = check(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
};

const matching = (regex: RegExp, what: string) =>
  z.string().refine((text) => regex.test(text), { error: (issue) => `\`${String(issue.input)}\` is not ${what}` });

const toSeconds = (text: string, ctx: z.RefinementCtx): number => {
  const seconds = parseDuration(text);
  if (seconds !== undefined) return seconds;
  ctx.addIssue({ code: 'custom', message: durationProblem(text) ?? `\`${text}\` is not a duration` });
  return z.NEVER;
};

// Units people type for durations (2hrs, 90min, 1.5h, 2weeks, 1h30…): a word made of them was meant as a duration.
const UNIT = '(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mos?|months?|y|yrs?|years?)';
const DURATION_ATTEMPT = new RegExp(`^(?:\\d+(?:[.,]\\d+)?${UNIT})+\\d*$`, 'i');

/** A word that is a duration, or was surely meant as one (`0s`, `400d`, `30m1h`, `2hrs`, `1.5h`). */
export function looksLikeDuration(text: string): boolean {
  return parseDuration(text) !== undefined || DURATION_ATTEMPT.test(text);
}

/**
 * A duration typed in two words (`1h 30m`): `next` is the word after the
 * duration. Without this check `30m` would silently become part of the reason.
 */
export function splitDurationProblem(duration: string, next: string | undefined): string | undefined {
  if (next === undefined || !looksLikeDuration(next)) return undefined;
  const joined = `${duration}${next}`;
  const example = parseDuration(joined) !== undefined ? joined : '1h30m';
  return `\`${duration} ${next}\` is not a duration: write a duration as one word, without spaces (e.g. ${example}; ${DURATION_HINT})`;
}

/**
 * The word where an optional duration may stand (egress, ingress): a
 * duration, a word meant as one but invalid (an error: never part of the
 * reason, never a permanent change by mistake), or the start of the reason.
 */
export function optionalDurationWord(
  words: readonly string[],
): { ok: true; duration?: string | undefined; rest: string[] } | { ok: false; error: string } {
  const [first, ...rest] = words;
  if (first === undefined) return { ok: true, rest: [] };
  if (parseDuration(first) !== undefined) {
    const split = splitDurationProblem(first, rest[0]);
    return split === undefined ? { ok: true, duration: first, rest } : { ok: false, error: split };
  }
  if (looksLikeDuration(first)) return { ok: false, error: durationProblem(first) ?? `\`${first}\` is not a duration: ${DURATION_HINT}` };
  if (/^\d+(?:[.,]\d+)?$/.test(first)) {
    return { ok: false, error: `\`${first}\` is not a duration: give its unit (${DURATION_HINT}), or begin the reason with a word` };
  }
  return { ok: true, rest: [...words] };
}

export const serviceArg = word('Say which service: a short name like `payments`, or projects/P/locations/L/services/S.').superRefine(
  checkedBy(serviceNameProblem),
);
export const keyArg = word('Say which key: `ring/key`, or projects/P/locations/L/keyRings/R/cryptoKeys/K.').superRefine(
  checkedBy(keyNameProblem),
);
export const durationArg = word(`Say for how long: a duration such as 2h (${DURATION_HINT}).`).transform(toSeconds);
export const optionalDurationArg = z.string().transform(toSeconds).optional();

export const reasonArg = z
  .array(z.string())
  .transform((words) => words.join(' '))
  .pipe(
    z
      .string()
      .min(1, 'Give a reason: the approvers see it, and it is recorded.')
      .refine((text) => Array.from(text).length <= REASON_MAX_LENGTH, {
        error: (issue) => `The reason is ${Array.from(String(issue.input)).length} characters long: keep it to ${REASON_MAX_LENGTH}.`,
      }),
  );

/** The longest reason a deny or a revoke may give (characters, as for a request's reason). */
export const DECISION_REASON_MAX_LENGTH = REASON_MAX_LENGTH;

const decisionReasonFits = (text: string): boolean => Array.from(text).length <= DECISION_REASON_MAX_LENGTH;

/**
 * The optional reason of a deny or a revoke (`/warden revoke <id> [reason…]`,
 * the Reason of the deny/revoke modal): whitespace runs become one space;
 * blank is no reason (undefined); longer than DECISION_REASON_MAX_LENGTH
 * characters is refused with the count.
 */
export const decisionReasonArg = z
  .string()
  .transform((text) => text.trim().replace(/\s+/g, ' '))
  .refine(decisionReasonFits, {
    error: (issue) => `The reason is ${Array.from(String(issue.input)).length} characters long: keep it to ${DECISION_REASON_MAX_LENGTH}.`,
  })
  .transform((text) => (text === '' ? undefined : text));

/** A decision reason as stored (read back from Firestore): non-empty, within the limit. */
export const storedDecisionReason = z.string().min(1).refine(decisionReasonFits, 'a decision reason longer than the limit');

/** `--break-glass`: a switch (the tokenizer records it as "true"). */
export const breakGlassArg = z
  .literal('true')
  .transform(() => true as const)
  .optional();

/** `--start`: an RFC 3339 UTC time (2026-12-01T09:00:00Z) or a duration from now (2h). */
export type StartArg = { at: Date } | { inSeconds: number };

const START_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z$/i;

export const startArg = z.string().transform((text, ctx): StartArg => {
  const seconds = parseDuration(text);
  if (seconds !== undefined) return { inSeconds: seconds };
  const match = START_TIME.exec(text);
  const at = match ? new Date(text.toUpperCase()) : undefined;
  if (
    at &&
    Number.isFinite(at.getTime()) &&
    at.toISOString().slice(0, 16) === `${match?.[1]}-${match?.[2]}-${match?.[3]}T${match?.[4]}:${match?.[5]}`
  ) {
    return { at };
  }
  ctx.addIssue({
    code: 'custom',
    message: `\`${text}\` is not a start time: use an RFC 3339 UTC time like 2026-12-01T09:00:00Z, or a duration from now like 2h`,
  });
  return z.NEVER;
});

/** The start of a scheduled grant, from `--start` and now. */
export function startDate(start: StartArg | undefined, now: Date): Date | undefined {
  if (start === undefined) return undefined;
  return 'at' in start ? start.at : new Date(now.getTime() + start.inSeconds * 1000);
}

export const memberArg = z.string().transform((text, ctx) => {
  const member = parseMember(text);
  if (member) return member.member;
  ctx.addIssue({ code: 'custom', message: `\`${text}\` is not a member: use user:EMAIL, group:EMAIL or serviceAccount:EMAIL` });
  return z.NEVER;
});
export const roleArg = matching(ROLE_NAME, 'an IAM role: use roles/x.y or projects/P/roles/R');
export const projectArg = matching(PROJECT_ID, 'a Google Cloud project id');
export const regionArg = matching(REGION, 'a Cloud Run region (e.g. us-central1)');

export const requestIdArg = word('Give the request id: the 10 characters shown in every message about the request.')
  .transform((text) => text.replace(/^[`'"#]+|[`'"]+$/g, '').toLowerCase())
  .refine(isRequestId, { error: (issue) => `\`${String(issue.input)}\` is not a request id: ids are 10 characters like 7k3mq9xw2p` });

/** One of `values` (any case), e.g. an egress or ingress setting. */
export function settingArg<const V extends readonly [string, ...string[]]>(label: string, values: V) {
  return word(`Say which ${label}: ${orList(values)}.`)
    .transform((text) => text.toLowerCase())
    .pipe(
      z.enum(values, {
        error: (issue) => `\`${String(issue.input)}\` is not ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}: use ${orList(values)}`,
      }),
    );
}

/** Refuses unknown flags, then validates `raw` with `schema`; the first problem becomes the error. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  tokens: Tokens,
  command: string,
  flags: readonly string[],
  raw: Record<string, unknown>,
): ParseArgsResult<z.output<S>> {
  const flagError = unknownFlag(tokens, command, flags);
  if (flagError !== undefined) return { ok: false, error: flagError };
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, args: result.data };
  return { ok: false, error: result.error.issues[0]?.message ?? `the ${command} command is malformed` };
}

/** For subcommands that take nothing but a request id (status, revoke, cancel). */
export const idArgsSchema = z.object({ id: requestIdArg });
export type IdArgs = z.output<typeof idArgsSchema>;

export function parseIdArgs(tokens: Tokens, command: string): ParseArgsResult<IdArgs> {
  if (tokens.words.length > 1) return { ok: false, error: `${command} takes one request id, nothing else` };
  return parseWith(idArgsSchema, tokens, command, [], { id: tokens.words[0] });
}

/** The flags of every subcommand that names a service. */
export const SERVICE_FLAGS = ['project', 'region'] as const;

/** egress and ingress: `<service> <value> [<duration>] <reason…> [--project P] [--region L] [--break-glass]`. */
export function settingArgsSchema<const V extends readonly [string, ...string[]]>(label: string, values: V) {
  return z.object({
    service: serviceArg,
    value: settingArg(label, values),
    durationSeconds: optionalDurationArg,
    reason: reasonArg,
    project: projectArg.optional(),
    region: regionArg.optional(),
    breakGlass: breakGlassArg,
  });
}

/** The optional duration is the word after the value when it is (or was surely meant as) a duration. */
export function parseSettingArgs<S extends z.ZodType>(schema: S, tokens: Tokens, command: string): ParseArgsResult<z.output<S>> {
  const [service, value, ...rest] = tokens.words;
  const slot = optionalDurationWord(rest);
  if (!slot.ok) return slot;
  return parseWith(schema, tokens, command, [...SERVICE_FLAGS, 'break-glass'], {
    service,
    value,
    durationSeconds: slot.duration,
    reason: slot.rest,
    project: tokens.flags.get('project'),
    region: tokens.flags.get('region'),
    breakGlass: tokens.flags.get('break-glass'),
  });
}

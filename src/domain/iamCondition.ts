/**
 * The one module that builds and parses runwarden's IAM conditions (SPEC §8):
 *
 *   title        runwarden-<request id>
 *   expression   request.time < timestamp("2026-11-22T23:00:00Z")
 *                or, for a scheduled grant, both bounds:
 *                request.time >= timestamp("2026-12-01T09:00:00Z") && request.time < timestamp("2026-12-01T11:00:00Z")
 *   description  runwarden: requested by …; approved by …; reason: …
 *
 * The expression is built only from a Date, never from user text; user text
 * goes into the description alone, which IAM never evaluates. Our bindings are
 * recognised by the title, so nothing else on a policy is ever touched.
 */
import type { IamCondition } from './iamBinding';
import { fitUtf8 } from './fitUtf8';
import { isRequestId } from './requestId';

export const TITLE_PREFIX = 'runwarden-';
/** IAM's limit on a condition's description, applied in UTF-8 bytes (see fitUtf8.ts). */
export const DESCRIPTION_MAX_BYTES = 256;

const TITLE = /^runwarden-([a-z0-9]+)$/;
const STAMP = '"(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z)"';
const EXPRESSION = new RegExp(`^(?:request\\.time >= timestamp\\(${STAMP}\\) && )?request\\.time < timestamp\\(${STAMP}\\)$`);
// C0 and C1 controls, DEL, and the Unicode line/paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]+/gu;

/** Whether `title` is one runwarden writes, `runwarden-<request id>`: the only bindings it ever adds, replaces or removes. */
export function isRunwardenTitle(title: string | undefined): boolean {
  const requestId = title === undefined ? undefined : TITLE.exec(title)?.[1];
  return requestId !== undefined && isRequestId(requestId);
}

export function titleFor(requestId: string): string {
  if (!isRequestId(requestId)) throw new Error(`not a request id: ${JSON.stringify(requestId)}`);
  return `${TITLE_PREFIX}${requestId}`;
}

/** 2026-11-22T23:00:00Z: UTC, whole seconds (milliseconds dropped). */
function timestampOf(date: Date): string {
  const time = date.getTime();
  if (!Number.isFinite(time)) throw new Error('expiresAt is not a valid date');
  const text = new Date(time - (((time % 1000) + 1000) % 1000)).toISOString().replace('.000Z', 'Z');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text)) throw new Error(`expiresAt is out of range: ${text}`);
  return text;
}

// A surrogate without its pair is no character: protobuf would send it as U+FFFD anyway.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Control characters (newlines, tabs, NUL…) become single spaces; lone surrogates U+FFFD. */
function clean(text: string): string {
  return text.replace(CONTROL, ' ').replace(LONE_SURROGATE, '\uFFFD').trimEnd();
}

export function buildCondition(input: {
  requestId: string;
  expiresAt: Date;
  /** a scheduled grant's start: the expression then carries both bounds */
  startsAt?: Date | undefined;
  requester: string;
  approvers: string[];
  reason: string;
}): IamCondition {
  const title = titleFor(input.requestId);
  const end = `request.time < timestamp("${timestampOf(input.expiresAt)}")`;
  const expression = input.startsAt ? `request.time >= timestamp("${timestampOf(input.startsAt)}") && ${end}` : end;
  const approvers = input.approvers.length > 0 ? input.approvers.join(', ') : 'nobody';
  const description = clean(`runwarden: requested by ${input.requester}; approved by ${approvers}; reason: ${input.reason}`);
  return { title, description: fitUtf8(description, DESCRIPTION_MAX_BYTES), expression };
}

/** A timestamp exactly as timestampOf writes it, else undefined (impossible dates such as 2026-02-30 too). */
function dateOf(timestamp: string): Date | undefined {
  const date = new Date(timestamp);
  return Number.isFinite(date.getTime()) && timestampOf(date) === timestamp ? date : undefined;
}

/**
 * The request id, expiry and (scheduled grants) start of a condition runwarden
 * built; anything of another shape — including a start not before the end —
 * is undefined.
 */
export function parseCondition(
  condition: Pick<IamCondition, 'title' | 'expression'> | undefined,
): { requestId: string; expiresAt: Date; startsAt?: Date } | undefined {
  if (!condition) return undefined;
  const title = TITLE.exec(condition.title);
  const expression = EXPRESSION.exec(condition.expression);
  const requestId = title?.[1];
  const startText = expression?.[1];
  const endText = expression?.[2];
  if (requestId === undefined || endText === undefined || !isRequestId(requestId)) return undefined;
  const expiresAt = dateOf(endText);
  if (!expiresAt) return undefined;
  if (startText === undefined) return { requestId, expiresAt };
  const startsAt = dateOf(startText);
  if (!startsAt || startsAt.getTime() >= expiresAt.getTime()) return undefined;
  return { requestId, expiresAt, startsAt };
}

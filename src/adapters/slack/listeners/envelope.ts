/**
 * The envelope of a signed Slack request, checked before Bolt routes it.
 * Bolt reads some fields before any listener runs (App.processEvent →
 * buildSource: `user.id` of interactive payloads, `view.*` of view
 * submissions, the `event` object of Events API callbacks) and a signed but
 * malformed body made it throw (HTTP 500). Slack never sends such bodies
 * (payload shapes: https://api.slack.com/reference/interaction-payloads and
 * https://api.slack.com/apis/events-api#callback-field), so one is
 * acknowledged and ignored, with a warning — never a crash, never routed.
 */
import { z } from 'zod';

const object = z.record(z.string(), z.unknown());
const interactiveUser = z.object({ user: z.object({ id: z.string().min(1) }) });
const viewPayload = z.object({ view: z.object({ id: z.string(), callback_id: z.string() }) });
const blockActions = z.object({ actions: z.array(z.object({ action_id: z.string() })).min(1) });
const eventCallback = z.object({ event: z.object({ type: z.string() }) });

const INTERACTIVE = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'dialog_submission',
  'interactive_message',
]);

/** Why `body` (the parsed request body, after the signature check) cannot be a Slack request Bolt may route; undefined when it can. */
export function envelopeProblem(body: unknown): string | undefined {
  const parsed = object.safeParse(body);
  if (!parsed.success) return 'the body is not an object';
  const envelope = parsed.data;
  const type = typeof envelope['type'] === 'string' ? envelope['type'] : undefined;
  const checks: Array<[string, z.ZodType]> = [];
  if (envelope['event'] !== undefined) checks.push(['an Events API callback', eventCallback]);
  if ((type !== undefined && INTERACTIVE.has(type)) || envelope['actions'] !== undefined || envelope['name'] !== undefined)
    checks.push(['an interactive payload', interactiveUser]);
  if (type === 'view_submission' || type === 'view_closed') checks.push([`a ${type}`, viewPayload]);
  if (type === 'block_actions' || envelope['actions'] !== undefined) checks.push(['block_actions', blockActions]);
  for (const [what, check] of checks) {
    const issue = check.safeParse(envelope).error?.issues[0];
    if (issue) return `${what}: ${issue.path.join('.') || 'body'}: ${issue.message}`;
  }
  return undefined;
}

/**
 * How the CLI shows the bot's HTTP answer to a signed Slack request: the
 * status, then — when the body is a Slack message (an inline slash-command
 * reply such as a refusal with its usage line) — its `text` as Slack would
 * show it, instead of raw JSON; a modal's inline errors are announced (the
 * caller lists them under their labels). Any other body is printed as it came.
 * Shape of an inline reply: https://api.slack.com/interactivity/slash-commands#responding_immediately
 */
import { z } from 'zod';

const inlineReply = z.object({ text: z.string(), response_type: z.enum(['ephemeral', 'in_channel']).optional() });
/** A view_submission answered with inline errors: https://api.slack.com/surfaces/modals#displaying_errors */
const formErrors = z.object({ response_action: z.literal('errors'), errors: z.record(z.string(), z.string()) });

/** Lines to print for an answer `{status, text}` (text = raw HTTP body). Never throws. */
export function describeAnswer(answer: { status: number; text: string }): string[] {
  const body = answer.text.trim();
  if (!body) return [`HTTP ${answer.status}`];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`HTTP ${answer.status}: ${body}`];
  }
  if (formErrors.safeParse(parsed).success) return [`HTTP ${answer.status} (the form shows errors):`];
  const reply = inlineReply.safeParse(parsed);
  if (!reply.success) return [`HTTP ${answer.status}: ${body}`];
  const label = reply.data.response_type === 'in_channel' ? 'in-channel reply' : 'ephemeral reply';
  return [`HTTP ${answer.status} (${label}):`, ...reply.data.text.split('\n').map((line) => `    ${line}`)];
}

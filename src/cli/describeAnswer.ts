/**
 * How the CLI shows the bot's HTTP answer to a signed Slack request: the
 * status, then — when the body is a Slack message (an inline slash-command
 * reply such as a refusal with its usage line) — its `text` as Slack would
 * show it, instead of raw JSON. Any other body is printed as it came.
 * Shape of an inline reply: https://api.slack.com/interactivity/slash-commands#responding_immediately
 */
import { z } from 'zod';

const inlineReply = z.object({ text: z.string(), response_type: z.enum(['ephemeral', 'in_channel']).optional() });

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
  const reply = inlineReply.safeParse(parsed);
  if (!reply.success) return [`HTTP ${answer.status}: ${body}`];
  const label = reply.data.response_type === 'in_channel' ? 'in-channel reply' : 'ephemeral reply';
  return [`HTTP ${answer.status} (${label}):`, ...reply.data.text.split('\n').map((line) => `    ${line}`)];
}

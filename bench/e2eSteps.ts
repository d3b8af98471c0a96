/**
 * Timed steps over the real wire (test/support/harness.ts): a slash command
 * until its acknowledgement, its reply and its approval message; a click
 * until the binding is in the IAM emulator and the approvers' message shows
 * the grant active. Observations are event-driven (the Slack stand-in) or a
 * 1 ms in-process poll (the gRPC emulator's state), never a Firestore poll.
 */
import type { Harness } from '../test/support/harness';
import { APPROVALS_CHANNEL } from '../test/support/harness';
import type { RecordedCall } from '../dev/emulator/types';
import { nowMs } from './stats';

const WAIT_MS = 30_000;
const REQUEST_ID = /`([23456789a-hjkmnp-z]{10})`/;

export interface SubmitTiming {
  id: string;
  /** slash command sent → HTTP acknowledgement received */
  ackMs: number;
  /** → the ephemeral reply with the request id, on the response_url */
  replyMs: number;
  /** → the approval message in the approvers' channel */
  postedMs: number;
}

export interface ApproveTiming {
  /** click sent → HTTP acknowledgement */
  ackMs: number;
  /** → the runwarden-<id> binding present in the IAM emulator */
  bindingMs: number;
  /** → the approval message updated to show the grant active (Revoke button) */
  messageMs: number;
}

/** Resolves with check()'s first defined value, polling every `intervalMs`. */
export async function pollUntil<T>(check: () => T | undefined, description: string, timeoutMs = WAIT_MS, intervalMs = 1): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function topLevelApprovalMessages(h: Harness) {
  return h.slack.messages(APPROVALS_CHANNEL).filter((m) => !m.threadTs);
}

/** One request, sequentially (nothing else in flight): the next new top-level message is its approval message. */
export async function submitTimed(h: Harness, user: string, text: string): Promise<SubmitTiming> {
  const messagesBefore = topLevelApprovalMessages(h).length;
  const t0 = nowMs();
  const answer = await h.slash(user, text);
  const ackMs = nowMs() - t0;
  if (answer.status !== 200) throw new Error(`slash command answered HTTP ${answer.status}`);
  if (answer.text.trim().length > 0) throw new Error(`slash command refused at once: ${answer.text}`);
  const [reply, posted] = await Promise.all([
    h.slack.waitFor(() => h.slack.responses(answer.tag)[0], { timeoutMs: WAIT_MS, description: 'reply' }).then((r) => ({ r, at: nowMs() })),
    h.slack
      .waitFor(() => topLevelApprovalMessages(h)[messagesBefore], { timeoutMs: WAIT_MS, description: 'approval message' })
      .then((m) => ({ m, at: nowMs() })),
  ]);
  const id = REQUEST_ID.exec(reply.r.body.text ?? '')?.[1];
  if (id === undefined) throw new Error(`no request id in reply: ${reply.r.body.text ?? ''}`);
  if (h.approvalMessage(id)?.ts !== posted.m.ts) throw new Error(`the new approval message is not for ${id}`);
  return { id, ackMs, replyMs: reply.at - t0, postedMs: posted.at - t0 };
}

/** Submits without timing (set-up for the contention and sweep measurements). */
export async function submitQuietly(h: Harness, user: string, text: string): Promise<string> {
  return (await submitTimed(h, user, text)).id;
}

export function bindingTitles(h: Harness, resource: string): Set<string> {
  return new Set(
    h.emulator.policy(resource).bindings.flatMap((b) => (b.condition?.title.startsWith('runwarden-') ? [b.condition.title] : [])),
  );
}

function showsActive(h: Harness, id: string): boolean | undefined {
  return JSON.stringify(h.approvalMessage(id)?.blocks ?? []).includes('runwarden_revoke') || undefined;
}

export async function approveTimed(h: Harness, approver: string, id: string, resource: string): Promise<ApproveTiming> {
  const title = `runwarden-${id}`;
  const t0 = nowMs();
  const binding = pollUntil(() => (bindingTitles(h, resource).has(title) ? nowMs() : undefined), `binding ${title}`);
  const message = h.slack
    .waitFor(() => showsActive(h, id), { timeoutMs: WAIT_MS, description: `active message for ${id}` })
    .then(() => nowMs());
  const click = await h.click(approver, 'approve', id);
  const ackMs = nowMs() - t0;
  if (click.status !== 200) throw new Error(`click answered HTTP ${click.status}`);
  const [bindingAt, messageAt] = await Promise.all([binding, message]);
  await h.waitForStatus(id, 'active'); // confirmation in Firestore, untimed
  return { ackMs, bindingMs: bindingAt - t0, messageMs: messageAt - t0 };
}

function resourceOf(call: RecordedCall): string | undefined {
  const request = call.request;
  if (typeof request !== 'object' || request === null || !('resource' in request)) return undefined;
  return typeof request.resource === 'string' ? request.resource : undefined;
}

export function countCalls(h: Harness, method: string, resource: string): number {
  return h.emulator.calls.filter((call) => call.method === method && resourceOf(call) === resource).length;
}

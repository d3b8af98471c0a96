/**
 * What the view-driving CLI commands share: the sandbox connection they need,
 * the stand-in's views (`GET /_sandbox/state`: `homes`, `modals`, `messages`,
 * `ephemerals`), signed posts to the bot, and polling with a deadline.
 */
import { z } from 'zod';
import { postToSlackEndpoint } from '../sandbox/slackSigner';
import { describeAnswer } from './describeAnswer';

export interface SlackSandbox {
  botUrl: string;
  signingSecret: string;
  slashCommand: string;
  slackStandInUrl: string;
  teamId: string;
}
export interface Out {
  out(line: string): void;
  err(line: string): void;
}

const viewObject = z.record(z.string(), z.unknown());
const viewStateSchema = z.object({
  messages: z.array(
    z.looseObject({
      channel: z.string(),
      ts: z.string(),
      text: z.string(),
      blocks: z.array(z.unknown()).optional(),
      history: z.array(z.unknown()),
    }),
  ),
  ephemerals: z.array(z.looseObject({ channel: z.string(), user: z.string(), text: z.string() })),
  homes: z.record(z.string(), viewObject).default({}),
  modals: z.array(z.object({ id: z.string(), view: viewObject, history: z.array(z.unknown()) })).default([]),
  /** Slack user id → name, for rendering mentions */
  users: z.record(z.string(), z.string()).default({}),
});
export type ViewState = z.infer<typeof viewStateSchema>;

/** The stand-in's recorded state; throws a clear message when the sandbox is down. */
export async function readViewState(sandbox: SlackSandbox): Promise<ViewState> {
  const response = await fetch(`${sandbox.slackStandInUrl}/_sandbox/state`, { signal: AbortSignal.timeout(5000) }).catch(
    (error: unknown) => {
      throw new Error(`the Slack stand-in at ${sandbox.slackStandInUrl} does not answer (is the sandbox running?): ${String(error)}`);
    },
  );
  return viewStateSchema.parse(await response.json());
}

/** Polls until `until` holds or `timeoutMs` passes; `met` says which. */
export async function waitForView(
  sandbox: SlackSandbox,
  until: (state: ViewState) => boolean,
  timeoutMs = 10_000,
): Promise<{ state: ViewState; met: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let state = await readViewState(sandbox);
  while (!until(state) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 200));
    state = await readViewState(sandbox);
  }
  return { state, met: until(state) };
}

/** Posts a signed body to the bot's `/slack/events`, prints the answer (`describeAnswer`), returns the answer. */
export async function postSigned(
  sandbox: SlackSandbox,
  body: string,
  contentType: string,
  io: Out,
): Promise<{ status: number; text: string }> {
  const answer = await postToSlackEndpoint(`${sandbox.botUrl}/slack/events`, sandbox.signingSecret, body, contentType);
  for (const line of describeAnswer(answer)) io.out(line);
  return answer;
}

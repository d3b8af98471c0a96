/** The reply to a state change asked for by a command: what happened, or why not. */
import type { RunResult } from '../src/app/runner';
import type { AccessRequest } from '../src/domain/request';
import { refusal } from '../src/adapters/slack/views/refusal';
import { userText } from '../src/adapters/slack/views/refusalText';
import type { Reply } from './context';

export function outcomeReply(result: RunResult, describe: (request: AccessRequest) => string, slash = '/warden'): Reply {
  if (!result.outcome.ok) return refusal(userText(result.outcome.error, slash));
  return { text: describe(result.final ?? result.outcome.next) };
}

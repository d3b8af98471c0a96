/** A command's input that names nothing runwarden can act on (a malformed service or key name): refused, with its code for the request form. */
import { refusal } from '../src/adapters/slack/views/refusal';
import { ErrorCode } from '../src/domain/errors';
import type { Reply } from './context';

export function usageRefusal(text: string): Reply {
  return { ...refusal(text), problem: { code: ErrorCode.UsageError } };
}

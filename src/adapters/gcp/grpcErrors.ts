/**
 * Turns what the Google client libraries throw (gRPC status errors, and
 * long-running operation errors, which carry the same codes) into
 * WardenErrors. The user text is a plain sentence naming the resource and
 * what went wrong; Google's own message (which can name the bot's missing
 * permissions, its service account, internal resource names) goes only into
 * the operator text: logs and audit events, never Slack.
 */
import { ErrorCode, WardenError } from '../../domain/errors';

/** The gRPC status codes runwarden distinguishes. */
export const GrpcCode = {
  InvalidArgument: 3,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  FailedPrecondition: 9,
  Aborted: 10,
  Unavailable: 14,
} as const;

const CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'OK',
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

/** The numeric gRPC code of an error, if it has one. */
export function grpcCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
}

/** Google's own message: the status details, without the "5 NOT_FOUND: " prefix gRPC adds. */
export function googleMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'details' in error) {
    const { details } = error;
    if (typeof details === 'string' && details.trim() !== '') return details.trim();
  }
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^\d+ [A-Z_]+: /, '').trim();
}

/**
 * @param what the resource the call was about, e.g.
 *   "Cloud Run service projects/p/locations/l/services/s"
 */
export function toWardenError(error: unknown, what: string): WardenError {
  if (error instanceof WardenError) return error;
  const code = grpcCode(error);
  const message = googleMessage(error);
  const codeName = code === undefined ? 'no gRPC status' : (CODE_NAMES[code] ?? `code ${code}`);
  const operatorMessage = `${what}: ${codeName}: ${message}`;
  const make = (errorCode: ErrorCode, userMessage: string): WardenError =>
    new WardenError(errorCode, userMessage, operatorMessage, { cause: error });

  switch (code) {
    case undefined:
      return make(ErrorCode.Upstream, `Google Cloud sent an answer about ${what} that runwarden could not read.`);
    case GrpcCode.NotFound:
      return make(ErrorCode.ResourceNotFound, `${what} was not found.`);
    case GrpcCode.PermissionDenied:
      return make(
        ErrorCode.PermissionDenied,
        `runwarden is not allowed to change ${what}; the operators have Google's answer in the logs.`,
      );
    case GrpcCode.FailedPrecondition:
    case GrpcCode.InvalidArgument:
    case GrpcCode.AlreadyExists:
      return make(ErrorCode.Precondition, `Google Cloud refused the change to ${what}; the operators have Google's answer in the logs.`);
    default:
      return make(ErrorCode.Upstream, `Google Cloud failed on ${what} (${codeName}); runwarden will try again.`);
  }
}

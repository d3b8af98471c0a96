import { ErrorCode, WardenError } from '../../../../src/domain/errors';
import { googleMessage, toWardenError } from '../../../../src/adapters/gcp/grpcErrors';

const WHAT = 'Cloud Run service projects/acme-prod/locations/us-central1/services/payments';

function grpcError(code: number, name: string, details: string): Error {
  return Object.assign(new Error(`${code} ${name}: ${details}`), { code, details });
}

describe('toWardenError', () => {
  it.each([
    ['NOT_FOUND', 5, ErrorCode.ResourceNotFound],
    ['PERMISSION_DENIED', 7, ErrorCode.PermissionDenied],
    ['FAILED_PRECONDITION', 9, ErrorCode.Precondition],
    ['INVALID_ARGUMENT', 3, ErrorCode.Precondition],
    ['ABORTED', 10, ErrorCode.Upstream],
    ['UNAVAILABLE', 14, ErrorCode.Upstream],
    ['INTERNAL', 13, ErrorCode.Upstream],
  ] as const)('maps %s to its WardenError code, naming the resource', (name, code, expected) => {
    const error = toWardenError(grpcError(code, name, 'Google says no.'), WHAT);
    expect(error).toBeInstanceOf(WardenError);
    expect(error.code).toBe(expected);
    expect(error.userMessage).toContain(WHAT);
    expect(error.userMessage).not.toMatch(/\n\s+at /);
    expect(error.operatorMessage).toContain(name);
    expect(error.operatorMessage).toContain('Google says no.');
    expect(error.userMessage).not.toContain('Google says no.');
  });

  it('says "was not found" for NOT_FOUND', () => {
    expect(toWardenError(grpcError(5, 'NOT_FOUND', 'x'), WHAT).userMessage).toBe(`${WHAT} was not found.`);
  });

  // Google's text can name the bot's missing permissions and service account: logs and audit only, never Slack.
  it('keeps Google’s own message out of the user text, for the operators only', () => {
    const denied = toWardenError(
      grpcError(7, 'PERMISSION_DENIED', "Permission 'run.services.update' denied on sa-runwarden@acme-prod"),
      WHAT,
    );
    expect(denied.userMessage).toBe(`runwarden is not allowed to change ${WHAT}; the operators have Google's answer in the logs.`);
    expect(denied.operatorMessage).toContain("Permission 'run.services.update' denied on sa-runwarden@acme-prod");
    const refused = toWardenError(grpcError(9, 'FAILED_PRECONDITION', 'Revision failed to become ready.'), WHAT);
    expect(refused.userMessage).toBe(`Google Cloud refused the change to ${WHAT}; the operators have Google's answer in the logs.`);
    expect(refused.operatorMessage).toContain('Revision failed to become ready.');
  });

  it('reads long-running operation errors (a message without gRPC prefix, and a code)', () => {
    const operationError = Object.assign(new Error('Container failed to start.'), { code: 9 });
    const error = toWardenError(operationError, WHAT);
    expect(error.code).toBe(ErrorCode.Precondition);
    expect(error.userMessage).not.toContain('Container failed to start.');
    expect(error.operatorMessage).toContain('Container failed to start.');
  });

  it('keeps WardenErrors as they are', () => {
    const original = new WardenError(ErrorCode.Conflict, 'busy');
    expect(toWardenError(original, WHAT)).toBe(original);
  });

  it('wraps errors without a gRPC code as Upstream without showing their text to the user', () => {
    const error = toWardenError(new TypeError('Cannot read properties of undefined'), WHAT);
    expect(error.code).toBe(ErrorCode.Upstream);
    expect(error.userMessage).not.toContain('Cannot read');
    expect(error.operatorMessage).toContain('Cannot read');
  });
});

describe('googleMessage', () => {
  it('prefers the status details and strips the gRPC prefix otherwise', () => {
    expect(googleMessage(grpcError(5, 'NOT_FOUND', 'gone'))).toBe('gone');
    expect(googleMessage(new Error('14 UNAVAILABLE: No connection established'))).toBe('No connection established');
  });
});

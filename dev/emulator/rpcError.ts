/**
 * A gRPC status raised by an emulated method. Messages follow Google's
 * wording where the clients or operators are likely to read them.
 */
import { status } from '@grpc/grpc-js';

export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export const notFound = (name: string): RpcError => new RpcError(status.NOT_FOUND, `Resource '${name}' was not found`);

export const invalidArgument = (message: string): RpcError => new RpcError(status.INVALID_ARGUMENT, message);

export const failedPrecondition = (message: string): RpcError => new RpcError(status.FAILED_PRECONDITION, message);

export const aborted = (message: string): RpcError => new RpcError(status.ABORTED, message);

export const unimplemented = (message: string): RpcError => new RpcError(status.UNIMPLEMENTED, message);

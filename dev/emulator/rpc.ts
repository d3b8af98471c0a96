/**
 * Turns emulator handlers into grpc-js unary handlers: every call is recorded,
 * a held call waits until released, a set latency is added, armed faults fire
 * first, and thrown RpcErrors become gRPC statuses.
 */
import { status, type handleUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { RpcError } from './rpcError';
import type { EmulatorState } from './state';
import type { RecordedCall } from './types';

export type Handler = (request: unknown) => object;
export type Handlers = Record<string, Handler>;

export interface RpcContext {
  state: EmulatorState;
  calls: RecordedCall[];
  /** added before every call is handled (benchmarks: Google's own latency) */
  latencyMs: number;
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/** The resource a request is about, for fault matching. */
export function resourceOf(request: unknown): string | undefined {
  const candidates = [
    field(request, 'name'),
    field(request, 'resource'),
    field(request, 'parent'),
    field(request, 'scope'),
    field(field(request, 'service'), 'name'),
    field(field(request, 'cryptoKey'), 'name'),
  ];
  return candidates.find((c): c is string => typeof c === 'string' && c !== '');
}

function toServiceError(error: unknown): { code: number; details: string; message: string } {
  if (error instanceof RpcError) return { code: error.code, details: error.message, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: status.INTERNAL, details: `emulator error: ${message}`, message };
}

function unary(service: string, method: string, context: RpcContext, handler: Handler): handleUnaryCall<unknown, object> {
  return (call, callback) => {
    const request = call.request;
    context.calls.push({ method, service, request });
    const handle = (): void => {
      try {
        const fault = context.state.faults.take(method, resourceOf(request));
        if (fault) throw fault;
        callback(null, handler(request));
      } catch (error) {
        callback(toServiceError(error));
      }
    };
    const held = context.state.faults.takeHold(method, resourceOf(request));
    const delayed = context.latencyMs > 0 ? (): void => void setTimeout(handle, context.latencyMs) : handle;
    if (held) void held.then(delayed);
    else delayed();
  };
}

export function implementation(service: string, context: RpcContext, handlers: Handlers): UntypedServiceImplementation {
  return Object.fromEntries(Object.entries(handlers).map(([method, handler]) => [method, unary(service, method, context, handler)]));
}

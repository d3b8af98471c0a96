/**
 * What tests arm on the emulator: injected RPC failures, hooks that run inside
 * SetIamPolicy before its etag check, and UpdateService operations that fail.
 */
import { status } from '@grpc/grpc-js';
import { RpcError } from './rpcError';
import type { InjectedFault } from './types';

interface Armed<T> {
  remaining: number;
  resource?: string | undefined;
  value: T;
}

export interface Faults {
  inject(fault: InjectedFault): void;
  /** consumes and returns the fault armed for this call, if any */
  take(method: string, resource: string | undefined): RpcError | undefined;
  addSetIamPolicyHook(hook: (resource: string) => void, options?: { times?: number; resource?: string }): void;
  runSetIamPolicyHooks(resource: string): void;
  failNextOperation(service: string, message: string, code?: number): void;
  takeOperationFailure(service: string): { code: number; message: string } | undefined;
  /** the next call of `method` (optionally on `resource`) waits, before it is handled, until released */
  hold(method: string, resource?: string): Hold;
  /** the wait armed for this call, if any (consumed) */
  takeHold(method: string, resource: string | undefined): Promise<void> | undefined;
  clear(): void;
}

/** A call held in flight: `reached` resolves once it arrives, `release()` lets it proceed. */
export interface Hold {
  reached: Promise<void>;
  release(): void;
}

function takeFrom<T>(list: Array<Armed<T>>, resource: string | undefined): T | undefined {
  const index = list.findIndex((armed) => armed.resource === undefined || armed.resource === resource);
  const armed = list[index];
  if (!armed) return undefined;
  armed.remaining -= 1;
  if (armed.remaining <= 0) list.splice(index, 1);
  return armed.value;
}

function times(value: number | undefined): number {
  const count = value ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error(`times must be a positive integer, got ${count}`);
  return count;
}

export function createFaults(): Faults {
  const faults = new Map<string, Array<Armed<{ code: number; message: string }>>>();
  const hooks: Array<Armed<(resource: string) => void>> = [];
  const operationFailures = new Map<string, { code: number; message: string }>();
  const holds = new Map<string, Array<Armed<{ arrive: () => void; released: Promise<void> }>>>();

  return {
    inject(fault) {
      if (!Number.isInteger(fault.code) || fault.code <= 0 || fault.code > 16) {
        throw new Error(`injectFault: code must be a gRPC status code 1..16, got ${fault.code}`);
      }
      const list = faults.get(fault.method) ?? [];
      const message = fault.message ?? `Injected fault on ${fault.method}`;
      list.push({ remaining: times(fault.times), resource: fault.resource, value: { code: fault.code, message } });
      faults.set(fault.method, list);
    },
    take(method, resource) {
      const fault = takeFrom(faults.get(method) ?? [], resource);
      return fault ? new RpcError(fault.code as status, fault.message) : undefined;
    },
    addSetIamPolicyHook(hook, options = {}) {
      hooks.push({ remaining: times(options.times), resource: options.resource, value: hook });
    },
    runSetIamPolicyHooks(resource) {
      const hook = takeFrom(hooks, resource);
      if (hook) hook(resource);
    },
    failNextOperation(service, message, code = status.FAILED_PRECONDITION) {
      operationFailures.set(service, { code, message });
    },
    takeOperationFailure(service) {
      const failure = operationFailures.get(service);
      operationFailures.delete(service);
      return failure;
    },
    hold(method, resource) {
      let arrive = (): void => undefined;
      let release = (): void => undefined;
      const reached = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(method, [...(holds.get(method) ?? []), { remaining: 1, resource, value: { arrive, released } }]);
      return { reached, release };
    },
    takeHold(method, resource) {
      const held = takeFrom(holds.get(method) ?? [], resource);
      if (!held) return undefined;
      held.arrive();
      return held.released;
    },
    clear() {
      faults.clear();
      holds.clear();
      hooks.length = 0;
      operationFailures.clear();
    },
  };
}

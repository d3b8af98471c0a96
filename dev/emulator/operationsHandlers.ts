/**
 * google.longrunning.Operations for Cloud Run's UpdateService operations. An
 * operation is reported running when created and finishes on its first poll
 * (GetOperation or WaitOperation), so clients must really poll.
 */
import { z } from 'zod';
import { parseOperationName, parseRegion } from './names';
import { notFound, unimplemented } from './rpcError';
import { SERVICE_TYPE_URL } from './protos';
import { page, pagingSchema, parseRequest } from './wire';
import type { Handlers } from './rpc';
import type { EmulatorState, OperationRecord } from './state';

const nameSchema = z.object({ name: z.string().optional() });
const listSchema = pagingSchema.extend({ name: z.string().optional(), filter: z.string().optional() });

export function operationToWire(operation: OperationRecord): object {
  const packed = { typeUrl: SERVICE_TYPE_URL, value: operation.service };
  const result = !operation.done
    ? {}
    : operation.failure
      ? { error: { code: operation.failure.code, message: operation.failure.message, details: [] } }
      : { response: packed };
  return { name: operation.name, metadata: packed, done: operation.done, ...result };
}

function requireOperation(state: EmulatorState, raw: unknown): OperationRecord {
  const { name } = parseRequest(nameSchema, raw);
  parseOperationName(name);
  const operation = state.operations.get(String(name));
  if (!operation) throw notFound(String(name));
  return operation;
}

function finish(operation: OperationRecord): object {
  operation.done = true;
  return operationToWire(operation);
}

function listOperations(state: EmulatorState, raw: unknown): object {
  const request = parseRequest(listSchema, raw);
  const { project, location } = parseRegion(request.name);
  if (request.filter) throw unimplemented(`ListOperations filter '${request.filter}' is not supported by the runwarden emulator`);
  const parent = `projects/${project}/locations/${location}`;
  const matching = [...state.operations.values()].filter((op) => op.parent === parent);
  const { items, nextPageToken } = page(matching, request);
  return { operations: items.map(operationToWire), nextPageToken };
}

export function operationsHandlers(state: EmulatorState): Handlers {
  return {
    GetOperation: (raw) => finish(requireOperation(state, raw)),
    WaitOperation: (raw) => finish(requireOperation(state, raw)),
    ListOperations: (raw) => listOperations(state, raw),
    DeleteOperation: (raw) => {
      state.operations.delete(requireOperation(state, raw).name);
      return {};
    },
    CancelOperation: () => {
      throw unimplemented('Cloud Run operations cannot be cancelled');
    },
  };
}

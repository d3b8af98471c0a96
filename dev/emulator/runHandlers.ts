/** google.cloud.run.v2.Services: Get/List/UpdateService and service IAM. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { iamHandlers } from './iamHandlers';
import { parseRegion, parseServiceName } from './names';
import { status } from '@grpc/grpc-js';
import { aborted, failedPrecondition, invalidArgument, notFound, RpcError, unimplemented } from './rpcError';
import { addRevision, defaultServiceAccount, newServiceEtag, newServiceRecord, serviceToWire, type ServiceRecord } from './runModel';
import { incomingServiceSchema, templateChanged, updatedSpec, type ServiceSpec } from './runUpdate';
import { fieldMaskSchema, page, pagingSchema, parseRequest } from './wire';
import { operationToWire } from './operationsHandlers';
import type { EmulatorProtos } from './protos';
import type { Handlers } from './rpc';
import type { EmulatorState, OperationRecord } from './state';

const getSchema = z.object({ name: z.string().optional() });
const listSchema = pagingSchema.extend({ parent: z.string().optional(), showDeleted: z.boolean().optional() });
const updateSchema = z.object({
  service: incomingServiceSchema.optional(),
  updateMask: fieldMaskSchema.optional(),
  validateOnly: z.boolean().optional(),
  allowMissing: z.boolean().optional(),
});

function requireService(state: EmulatorState, name: unknown): ServiceRecord {
  parseServiceName(name);
  const record = state.services.get(String(name));
  if (!record) throw notFound(String(name));
  return record;
}

function listServices(state: EmulatorState, raw: unknown): object {
  const request = parseRequest(listSchema, raw);
  if (typeof request.parent === 'string' && /^projects\/[^/]+\/locations\/-$/.test(request.parent)) {
    throw invalidArgument(
      `Location '-' is not supported by Cloud Run Admin API v2 ListServices: list each region (${request.parent.replace(/-$/, '{region}')})`,
    );
  }
  const { project, location } = parseRegion(request.parent);
  const prefix = `projects/${project}/locations/${location}/services/`;
  const matching = [...state.services.values()].filter((s) => s.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const { items, nextPageToken } = page(matching, request);
  return { services: items.map(serviceToWire), nextPageToken };
}

function checkEncryptionKey(state: EmulatorState, before: ServiceSpec | undefined, after: ServiceSpec): void {
  const key = after.template.encryptionKey;
  if (!key || key === before?.template.encryptionKey) return;
  const record = state.keys.get(key);
  if (!record) throw failedPrecondition(`Encryption key '${key}' was not found or the Cloud Run service agent cannot use it`);
  if (record.purpose !== 'ENCRYPT_DECRYPT') throw invalidArgument(`Encryption key '${key}' must be a symmetric ENCRYPT_DECRYPT key`);
}

function checkRevisionName(record: ServiceRecord, spec: ServiceSpec): void {
  const revision = spec.template.revision;
  if (!revision) return;
  const id = record.name.split('/').pop() ?? '';
  if (!revision.startsWith(`${id}-`)) throw invalidArgument(`template.revision must start with '${id}-'`);
  if (record.revisions.some((r) => r.endsWith(`/revisions/${revision}`))) {
    throw new RpcError(status.ALREADY_EXISTS, `Revision named '${revision}' with different configuration already exists.`);
  }
}

function applySpec(record: ServiceRecord, spec: ServiceSpec, now: Date): void {
  const newRevision = templateChanged(record.template, spec.template);
  if (newRevision) checkRevisionName(record, spec);
  Object.assign(record, spec);
  record.generation += 1;
  record.etag = newServiceEtag();
  record.updateTime = now;
  if (newRevision) addRevision(record);
}

function updateService(state: EmulatorState, protos: EmulatorProtos, raw: unknown): object {
  const request = parseRequest(updateSchema, raw);
  const incoming = request.service;
  if (!incoming) throw invalidArgument('service is required');
  const name = parseServiceName(incoming.name);
  const fullName = String(incoming.name);
  const existing = state.services.get(fullName);
  if (!existing && !request.allowMissing) throw notFound(fullName);
  if (existing && incoming.etag && incoming.etag !== existing.etag) {
    throw aborted(`The etag '${incoming.etag}' of service ${fullName} does not match its current etag`);
  }
  const spec = updatedSpec(existing, incoming, request.updateMask?.paths);
  if (!spec.template.serviceAccount) spec.template.serviceAccount = defaultServiceAccount(fullName);
  checkEncryptionKey(state, existing, spec);
  const now = new Date();
  const target: ServiceRecord = existing ? structuredClone(existing) : newServiceRecord(fullName, spec.template, now);
  if (existing) applySpec(target, spec, now);
  else Object.assign(target, spec);
  const failure = request.validateOnly ? undefined : state.faults.takeOperationFailure(fullName);
  if (!request.validateOnly && !failure) state.services.set(fullName, target);
  const parent = `projects/${name.project}/locations/${name.location}`;
  const operation: OperationRecord = {
    name: `${parent}/operations/${randomUUID()}`,
    parent,
    target: fullName,
    done: request.validateOnly === true,
    ...(failure ? { failure } : {}),
    service: protos.encodeService(serviceToWire(target)),
  };
  state.operations.set(operation.name, operation);
  return operationToWire(operation);
}

export function runHandlers(state: EmulatorState, protos: EmulatorProtos): Handlers {
  return {
    GetService: (raw) => serviceToWire(requireService(state, parseRequest(getSchema, raw).name)),
    ListServices: (raw) => listServices(state, raw),
    UpdateService: (raw) => updateService(state, protos, raw),
    CreateService: () => {
      throw unimplemented('CreateService is not implemented by the runwarden emulator');
    },
    DeleteService: () => {
      throw unimplemented('DeleteService is not implemented by the runwarden emulator');
    },
    ...iamHandlers(state, {
      permissionPrefix: 'run.',
      check: (resource) => void requireService(state, resource),
    }),
  };
}

/** google.cloud.kms.v1.KeyManagementService and the KMS IAMPolicy mixin. */
import { z } from 'zod';
import { iamHandlers } from './iamHandlers';
import { keyRingToWire, keyToWire, versionToWire, type KeyRecord, type KeyVersionRecord } from './kmsModel';
import { parseUpdateCryptoKey, updatedKey } from './kmsUpdate';
import { isKmsIamResource, parseCryptoKeyName, parseCryptoKeyVersionName, parseKeyRingName, parseKmsLocation } from './names';
import { failedPrecondition, invalidArgument, notFound, unimplemented } from './rpcError';
import { page, pagingSchema, parseRequest } from './wire';
import type { Handlers } from './rpc';
import type { EmulatorState } from './state';

const nameSchema = z.object({ name: z.string().optional() });
const listSchema = pagingSchema.extend({ parent: z.string().optional(), filter: z.string().optional(), orderBy: z.string().optional() });
const createVersionSchema = z.object({ parent: z.string().optional(), cryptoKeyVersion: z.object({}).optional() });
const primarySchema = z.object({ name: z.string().optional(), cryptoKeyVersionId: z.string().optional() });

function requireKey(state: EmulatorState, name: unknown): KeyRecord {
  const { key } = parseCryptoKeyName(name);
  const record = state.keys.get(key);
  if (!record) throw notFound(key);
  return record;
}

function noQuery(request: { filter?: string | undefined; orderBy?: string | undefined }): void {
  if (request.filter || request.orderBy) throw unimplemented('filter and order_by are not supported by the runwarden emulator');
}

function list<T>(items: T[], request: z.infer<typeof pagingSchema>, toWire: (item: T) => object, field: string): object {
  const { items: pageItems, nextPageToken } = page(items, request);
  return { [field]: pageItems.map(toWire), nextPageToken, totalSize: items.length };
}

function listVersions(state: EmulatorState, raw: unknown): object {
  const request = parseRequest(listSchema, raw);
  const key = requireKey(state, request.parent);
  let versions = key.versions;
  if (request.filter) {
    const match = /^state\s*(=|:|!=)\s*([A-Z_]+)$/.exec(request.filter.trim());
    if (!match) throw unimplemented(`filter '${request.filter}' is not supported by the runwarden emulator`);
    versions = versions.filter((v) => (match[1] === '!=') !== (v.state === match[2]));
  }
  if (request.orderBy) noQuery({ orderBy: request.orderBy });
  return list(versions, request, (v) => versionToWire(key, v), 'cryptoKeyVersions');
}

function createVersion(state: EmulatorState, raw: unknown): object {
  const request = parseRequest(createVersionSchema, raw);
  const key = requireKey(state, request.parent);
  const id = key.versions.reduce((max, v) => Math.max(max, v.id), 0) + 1;
  // an HSM key's version is generated asynchronously: PENDING_GENERATION until Cloud KMS is done
  const generating = state.generationHeld.has(key.name);
  const version: KeyVersionRecord = { id, state: generating ? 'PENDING_GENERATION' : 'ENABLED', createTime: new Date() };
  key.versions.push(version);
  return versionToWire(key, version);
}

function updatePrimary(state: EmulatorState, raw: unknown): object {
  const request = parseRequest(primarySchema, raw);
  const key = requireKey(state, request.name);
  const id = request.cryptoKeyVersionId ?? '';
  if (!/^[1-9][0-9]*$/.test(id)) throw invalidArgument(`crypto_key_version_id must be a version number, got '${id}'`);
  if (key.purpose !== 'ENCRYPT_DECRYPT') {
    throw failedPrecondition(`${key.name} has purpose ${key.purpose}: only ENCRYPT_DECRYPT keys have a primary version`);
  }
  const version = key.versions.find((v) => v.id === Number(id));
  if (!version) throw notFound(`${key.name}/cryptoKeyVersions/${id}`);
  if (version.state !== 'ENABLED') {
    throw failedPrecondition(`${key.name}/cryptoKeyVersions/${id} is not in state ENABLED (state ${version.state})`);
  }
  key.primary = version.id;
  return keyToWire(key);
}

export function kmsHandlers(state: EmulatorState): Handlers {
  return {
    GetKeyRing(raw) {
      const name = parseKeyRingName(parseRequest(nameSchema, raw).name);
      const ring = state.keyRings.get(name);
      if (!ring) throw notFound(name);
      return keyRingToWire(ring);
    },
    ListKeyRings(raw) {
      const request = parseRequest(listSchema, raw);
      const { project, location } = parseKmsLocation(request.parent);
      noQuery(request);
      const prefix = `projects/${project}/locations/${location}/keyRings/`;
      const rings = [...state.keyRings.values()].filter((r) => r.name.startsWith(prefix));
      return list(rings, request, keyRingToWire, 'keyRings');
    },
    GetCryptoKey: (raw) => keyToWire(requireKey(state, parseRequest(nameSchema, raw).name)),
    ListCryptoKeys(raw) {
      const request = parseRequest(listSchema, raw);
      const ring = parseKeyRingName(request.parent);
      if (!state.keyRings.has(ring)) throw notFound(ring);
      noQuery(request);
      const keys = [...state.keys.values()].filter((k) => k.name.startsWith(`${ring}/cryptoKeys/`));
      return list(keys, request, keyToWire, 'cryptoKeys');
    },
    GetCryptoKeyVersion(raw) {
      const { key, version } = parseCryptoKeyVersionName(parseRequest(nameSchema, raw).name);
      const record = requireKey(state, key);
      const found = record.versions.find((v) => v.id === version);
      if (!found) throw notFound(`${key}/cryptoKeyVersions/${version}`);
      return versionToWire(record, found);
    },
    ListCryptoKeyVersions: (raw) => listVersions(state, raw),
    CreateCryptoKeyVersion: (raw) => createVersion(state, raw),
    UpdateCryptoKeyPrimaryVersion: (raw) => updatePrimary(state, raw),
    UpdateCryptoKey(raw) {
      const request = parseUpdateCryptoKey(raw);
      const key = requireKey(state, request.cryptoKey?.name);
      const next = updatedKey(key, request);
      state.keys.set(next.name, next);
      return keyToWire(next);
    },
  };
}

export function kmsIamHandlers(state: EmulatorState): Handlers {
  return iamHandlers(state, {
    permissionPrefix: 'cloudkms.',
    check(resource) {
      if (!isKmsIamResource(resource)) {
        throw invalidArgument(`Invalid resource '${resource}': expected a KMS key ring or crypto key`);
      }
      if (!state.keyRings.has(resource) && !state.keys.has(resource)) throw notFound(resource);
    },
  });
}

/**
 * How the emulator holds Cloud KMS key rings, keys and versions, and how they
 * are shown on the wire (google.cloud.kms.v1) and to tests (EmulatedKey).
 */
import { toDuration, toTimestamp } from './wire';
import type { EmulatedKey, KeyPurpose, SeedKey, VersionState } from './types';

export interface KeyVersionRecord {
  id: number;
  state: VersionState;
  createTime: Date;
}

export interface KeyRecord {
  name: string;
  purpose: KeyPurpose;
  createTime: Date;
  versions: KeyVersionRecord[];
  /** id of the primary version; ENCRYPT_DECRYPT keys only */
  primary?: number;
  rotationPeriodSeconds?: number;
  nextRotationTime?: Date;
  labels: Record<string, string>;
}

export interface KeyRingRecord {
  name: string;
  createTime: Date;
}

const ALGORITHM: Record<KeyPurpose, string> = {
  ENCRYPT_DECRYPT: 'GOOGLE_SYMMETRIC_ENCRYPTION',
  ASYMMETRIC_SIGN: 'EC_SIGN_P256_SHA256',
  ASYMMETRIC_DECRYPT: 'RSA_DECRYPT_OAEP_2048_SHA256',
  MAC: 'HMAC_SHA256',
};

const DESTROY_SCHEDULED_SECONDS = 30 * 86_400;

export const versionName = (key: KeyRecord, id: number): string => `${key.name}/cryptoKeyVersions/${id}`;

export function newKeyRecord(seed: SeedKey, now: Date): KeyRecord {
  const purpose = seed.purpose ?? 'ENCRYPT_DECRYPT';
  const count = seed.versions ?? 1;
  if (!Number.isInteger(count) || count < 0) throw new Error(`seedKey: versions must be a non-negative integer, got ${count}`);
  if (purpose !== 'ENCRYPT_DECRYPT' && (seed.rotationPeriodSeconds !== undefined || seed.nextRotationTime !== undefined)) {
    throw new Error(`seedKey: only ENCRYPT_DECRYPT keys can have a rotation schedule (${seed.name} is ${purpose})`);
  }
  const versions = Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    state: 'ENABLED' as const,
    createTime: new Date(now.getTime() - (count - i) * 86_400_000),
  }));
  return {
    name: seed.name,
    purpose,
    createTime: new Date(now.getTime() - (count + 1) * 86_400_000),
    versions,
    ...(purpose === 'ENCRYPT_DECRYPT' && count > 0 ? { primary: count } : {}),
    ...(seed.rotationPeriodSeconds !== undefined ? { rotationPeriodSeconds: seed.rotationPeriodSeconds } : {}),
    ...(seed.nextRotationTime ? { nextRotationTime: seed.nextRotationTime } : {}),
    labels: {},
  };
}

export function versionToWire(key: KeyRecord, version: KeyVersionRecord): object {
  return {
    name: versionName(key, version.id),
    state: version.state,
    protectionLevel: 'SOFTWARE',
    algorithm: ALGORITHM[key.purpose],
    createTime: toTimestamp(version.createTime),
    // Cloud KMS sets generate_time once the key material exists
    ...(version.state === 'PENDING_GENERATION' ? {} : { generateTime: toTimestamp(version.createTime) }),
  };
}

export function keyToWire(key: KeyRecord): object {
  const primary = key.versions.find((v) => v.id === key.primary);
  return {
    name: key.name,
    ...(primary ? { primary: versionToWire(key, primary) } : {}),
    purpose: key.purpose,
    createTime: toTimestamp(key.createTime),
    ...(key.nextRotationTime ? { nextRotationTime: toTimestamp(key.nextRotationTime) } : {}),
    ...(key.rotationPeriodSeconds !== undefined ? { rotationPeriod: toDuration(key.rotationPeriodSeconds) } : {}),
    versionTemplate: { protectionLevel: 'SOFTWARE', algorithm: ALGORITHM[key.purpose] },
    labels: key.labels,
    destroyScheduledDuration: toDuration(DESTROY_SCHEDULED_SECONDS),
  };
}

export function keyRingToWire(ring: KeyRingRecord): object {
  return { name: ring.name, createTime: toTimestamp(ring.createTime) };
}

export function keySnapshot(key: KeyRecord): EmulatedKey {
  return {
    name: key.name,
    purpose: key.purpose,
    ...(key.primary !== undefined ? { primaryVersion: versionName(key, key.primary) } : {}),
    versions: key.versions.map((v) => ({ name: versionName(key, v.id), state: v.state, createTime: v.createTime })),
    ...(key.rotationPeriodSeconds !== undefined ? { rotationPeriodSeconds: key.rotationPeriodSeconds } : {}),
    ...(key.nextRotationTime ? { nextRotationTime: key.nextRotationTime } : {}),
    labels: { ...key.labels },
    createTime: key.createTime,
  };
}

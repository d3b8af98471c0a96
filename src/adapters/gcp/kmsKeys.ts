/**
 * KeysPort on Cloud KMS: reads a key's rotation state, rotates a symmetric
 * key (new version, made primary) and sets its rotation schedule.
 */
import type { KeyManagementServiceClient } from '@google-cloud/kms';
import { z } from 'zod';
import { ErrorCode, WardenError } from '../../domain/errors';
import type { KeyInfo, KeysPort } from '../../ports';
import { toWardenError } from './grpcErrors';

/** The part of KeyManagementServiceClient this adapter uses. */
export type KmsKeysClient = Pick<
  KeyManagementServiceClient,
  'getCryptoKey' | 'createCryptoKeyVersion' | 'getCryptoKeyVersion' | 'updateCryptoKeyPrimaryVersion' | 'updateCryptoKey'
>;

export interface KmsKeysDeps {
  client: KmsKeysClient;
  /** waits between checks of a new version still being generated (HSM keys); default setTimeout */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** how long waitUntilEnabled waits for a version still being generated (default 30 000 ms), checking once a second */
  generationWaitMs?: number | undefined;
  /** deadline of each RPC, retries included (gax `timeout`; default 30 000 ms) */
  callTimeoutMs?: number | undefined;
}

/** int64 fields arrive as strings over gRPC (longs: String). */
const int64 = z.union([z.string(), z.number()]).transform(Number).pipe(z.number().finite());
const timestampSchema = z.object({ seconds: int64.nullish(), nanos: z.number().nullish() }).nullish();
const versionSchema = z.object({
  name: z.string().min(1),
  state: z.union([z.string(), z.number()]).nullish(),
  createTime: timestampSchema,
});
const keySchema = z.object({
  name: z.string().min(1),
  purpose: z.union([z.string(), z.number()]).nullish(),
  primary: versionSchema.nullish(),
  rotationPeriod: z.object({ seconds: int64.nullish() }).nullish(),
  nextRotationTime: timestampSchema,
});

/** CryptoKeyPurpose by number, for answers that carry numeric enums */
const PURPOSES: Readonly<Record<number, string>> = {
  0: 'CRYPTO_KEY_PURPOSE_UNSPECIFIED',
  1: 'ENCRYPT_DECRYPT',
  5: 'ASYMMETRIC_SIGN',
  6: 'ASYMMETRIC_DECRYPT',
  7: 'RAW_ENCRYPT_DECRYPT',
  9: 'MAC',
  10: 'KEY_ENCAPSULATION',
};
/** CryptoKeyVersionState PENDING_GENERATION, by name or number */
const isPendingGeneration = (state: string | number | null | undefined): boolean => state === 'PENDING_GENERATION' || state === 5;

export function createKmsKeys(deps: KmsKeysDeps): KeysPort {
  const { client } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const generationWaitMs = deps.generationWaitMs ?? 30_000;
  const what = (name: string): string => `Cloud KMS key ${name}`;
  const call = { timeout: deps.callTimeoutMs ?? 30_000 };

  async function getKey(name: string): Promise<KeyInfo> {
    const [key] = await client.getCryptoKey({ name }, call);
    const parsed = keySchema.parse(key);
    const purpose = parsed.purpose;
    return {
      name: parsed.name,
      purpose: typeof purpose === 'number' ? (PURPOSES[purpose] ?? String(purpose)) : (purpose ?? 'CRYPTO_KEY_PURPOSE_UNSPECIFIED'),
      primaryVersion: parsed.primary?.name,
      primaryCreateTime: toDate(parsed.primary?.createTime),
      rotationPeriodSeconds: parsed.rotationPeriod?.seconds ?? undefined,
      nextRotationTime: toDate(parsed.nextRotationTime),
    };
  }

  /** A new version of a software key is ENABLED at once; an HSM one is PENDING_GENERATION for a while. */
  async function waitUntilEnabled(name: string): Promise<void> {
    const [first] = await client.getCryptoKeyVersion({ name }, call);
    let state = versionSchema.parse(first).state;
    for (let waited = 0; isPendingGeneration(state);) {
      if (waited >= generationWaitMs) {
        throw new WardenError(
          ErrorCode.Upstream,
          `The new key version ${name} is still being generated; runwarden will try again (with that same version).`,
          `${name} still PENDING_GENERATION after ${generationWaitMs} ms`,
        );
      }
      const step = Math.min(1_000, generationWaitMs - waited);
      await sleep(step);
      waited += step;
      const [current] = await client.getCryptoKeyVersion({ name }, call);
      state = versionSchema.parse(current).state;
    }
  }

  return {
    async getKey(name) {
      try {
        return await getKey(name);
      } catch (error) {
        throw toWardenError(error, what(name));
      }
    },

    async createVersion(name, beforeWrite) {
      try {
        const key = await getKey(name);
        if (key.purpose !== 'ENCRYPT_DECRYPT') {
          throw new WardenError(
            ErrorCode.Precondition,
            `${what(name)} is a ${key.purpose} key; only symmetric ENCRYPT_DECRYPT keys have a primary version to rotate.`,
          );
        }
        await beforeWrite();
        const [created] = await client.createCryptoKeyVersion({ parent: name, cryptoKeyVersion: {} }, call);
        const version = versionSchema.parse(created);
        return { version: version.name, pending: isPendingGeneration(version.state) };
      } catch (error) {
        throw toWardenError(error, what(name));
      }
    },

    async waitUntilEnabled(version) {
      try {
        await waitUntilEnabled(version);
      } catch (error) {
        throw toWardenError(error, `Cloud KMS key version ${version}`);
      }
    },

    async makePrimary(name, version, beforeWrite) {
      try {
        await beforeWrite();
        const versionId = version.split('/').pop() ?? '';
        await client.updateCryptoKeyPrimaryVersion({ name, cryptoKeyVersionId: versionId }, call);
      } catch (error) {
        throw toWardenError(error, what(name));
      }
    },

    async setRotationSchedule(name, periodSeconds, nextRotationTime, beforeWrite) {
      const ms = nextRotationTime.getTime();
      try {
        await beforeWrite();
        await client.updateCryptoKey(
          {
            cryptoKey: {
              name,
              rotationPeriod: { seconds: Math.round(periodSeconds) },
              nextRotationTime: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 },
            },
            updateMask: { paths: ['rotation_period', 'next_rotation_time'] },
          },
          call,
        );
      } catch (error) {
        throw toWardenError(error, what(name));
      }
    },
  };
}

function toDate(timestamp: z.infer<typeof timestampSchema>): Date | undefined {
  if (!timestamp || timestamp.seconds === null || timestamp.seconds === undefined) return undefined;
  if (timestamp.seconds === 0 && !timestamp.nanos) return undefined;
  return new Date(timestamp.seconds * 1000 + Math.floor((timestamp.nanos ?? 0) / 1_000_000));
}

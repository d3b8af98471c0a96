/**
 * UpdateCryptoKey as Cloud KMS enforces it: a mandatory update mask limited to
 * rotation_period, next_rotation_time and labels; rotation schedules only on
 * ENCRYPT_DECRYPT keys, within 24 hours..876,000 hours, and only with a next
 * rotation time.
 */
import { z } from 'zod';
import { invalidArgument } from './rpcError';
import { durationSchema, fieldMaskSchema, fromDuration, fromTimestamp, parseRequest, timestampSchema } from './wire';
import type { KeyRecord } from './kmsModel';

export const MIN_ROTATION_SECONDS = 86_400;
export const MAX_ROTATION_SECONDS = 876_000 * 3_600;

export const updateCryptoKeySchema = z.object({
  cryptoKey: z
    .object({
      name: z.string().optional(),
      rotationPeriod: durationSchema.optional(),
      nextRotationTime: timestampSchema.optional(),
      labels: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  updateMask: fieldMaskSchema.optional(),
});

const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

export function parseUpdateCryptoKey(raw: unknown): z.infer<typeof updateCryptoKeySchema> {
  return parseRequest(updateCryptoKeySchema, raw);
}

/** Applies the update to a copy of `key` and returns it; throws like KMS. */
export function updatedKey(key: KeyRecord, request: z.infer<typeof updateCryptoKeySchema>): KeyRecord {
  const incoming = request.cryptoKey ?? {};
  const paths = (request.updateMask?.paths ?? []).filter((p) => p !== '');
  if (paths.length === 0) throw invalidArgument('update_mask is required and must name at least one field');
  const next: KeyRecord = structuredClone(key);
  for (const path of paths) {
    if (path === 'rotation_period') {
      if (incoming.rotationPeriod) next.rotationPeriodSeconds = fromDuration(incoming.rotationPeriod);
      else delete next.rotationPeriodSeconds;
    } else if (path === 'next_rotation_time') {
      if (incoming.nextRotationTime) next.nextRotationTime = fromTimestamp(incoming.nextRotationTime);
      else delete next.nextRotationTime;
    } else if (path === 'labels') {
      next.labels = incoming.labels ?? {};
      for (const [k, v] of Object.entries(next.labels)) {
        if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) throw invalidArgument(`Invalid label '${k}: ${v}'`);
      }
    } else {
      throw invalidArgument(`Invalid update_mask path '${path}': only rotation_period, next_rotation_time and labels can be updated`);
    }
  }
  const touchesRotation = paths.includes('rotation_period') || paths.includes('next_rotation_time');
  const hasSchedule = next.rotationPeriodSeconds !== undefined || next.nextRotationTime !== undefined;
  if (touchesRotation && hasSchedule && key.purpose !== 'ENCRYPT_DECRYPT') {
    throw invalidArgument(`Automatic rotation is only supported for ENCRYPT_DECRYPT keys; ${key.name} is ${key.purpose}`);
  }
  const period = next.rotationPeriodSeconds;
  if (period !== undefined) {
    if (period < MIN_ROTATION_SECONDS) throw invalidArgument('rotation_period must be at least 24 hours (86400s)');
    if (period > MAX_ROTATION_SECONDS) throw invalidArgument('rotation_period must be at most 876000 hours');
    if (!next.nextRotationTime) throw invalidArgument('next_rotation_time must be set when rotation_period is set');
  }
  return next;
}

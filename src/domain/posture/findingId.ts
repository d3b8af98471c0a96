/**
 * Finding ids: stable, so that every scan that sees the same thing updates
 * the same document. `f-` and 10 characters of the request-id alphabet (no
 * look-alikes, URL-safe, a Firestore document id), taken from a SHA-256 of the
 * finding's kind and the parts that say what it is about (resource, role,
 * member…). The `f-` keeps a finding id apart from a request id in every
 * message. 31^10 ≈ 8·10^14 ids: a collision among a few hundred thousand
 * findings has odds below one in ten million.
 */
import { createHash } from 'node:crypto';
import { REQUEST_ID_ALPHABET } from '../requestId';
import type { FindingKind } from './finding';

export const FINDING_ID_PREFIX = 'f-';
const LENGTH = 10;
const PATTERN = new RegExp(`^${FINDING_ID_PREFIX}[${REQUEST_ID_ALPHABET}]{${LENGTH}}$`);

/** The id of the finding of `kind` about `parts` (each part may hold any text: they are length-prefixed, never confused). */
export function findingId(kind: FindingKind, parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of [kind, ...parts]) hash.update(`${Buffer.byteLength(part, 'utf8')}:${part}\u0000`);
  const digest = hash.digest();
  let value = BigInt(`0x${digest.subarray(0, 8).toString('hex')}`);
  let id = '';
  const base = BigInt(REQUEST_ID_ALPHABET.length);
  for (let i = 0; i < LENGTH; i += 1) {
    id += REQUEST_ID_ALPHABET.charAt(Number(value % base));
    value /= base;
  }
  return `${FINDING_ID_PREFIX}${id}`;
}

export function isFindingId(text: string): boolean {
  return PATTERN.test(text);
}

/**
 * Finding ids: stable, so that every scan that sees the same thing updates
 * the same document. `f-` and 10 characters of the request-id alphabet (no
 * look-alikes, URL-safe, a Firestore document id), taken from a SHA-256 of the
 * finding's kind (@noble/hashes: pure code, so the domain stays free of I/O) and the parts that say what it is about (resource, role,
 * member…). The `f-` keeps a finding id apart from a request id in every
 * message. 31^10 ≈ 8·10^14 ids: a collision among a few hundred thousand
 * findings has odds below one in ten million.
 */
import { sha256 } from '@noble/hashes/sha2';
import { REQUEST_ID_ALPHABET } from '../requestId';
import type { FindingKind } from './finding';

export const FINDING_ID_PREFIX = 'f-';
const LENGTH = 10;
const PATTERN = new RegExp(`^${FINDING_ID_PREFIX}[${REQUEST_ID_ALPHABET}]{${LENGTH}}$`);

/** The id of the finding of `kind` about `parts` (each part may hold any text: they are length-prefixed, never confused). */
export function findingId(kind: FindingKind, parts: readonly string[]): string {
  const encoder = new TextEncoder();
  const text = [kind, ...parts].map((part) => `${encoder.encode(part).length}:${part}\u0000`).join('');
  const digest = sha256(encoder.encode(text));
  let value = 0n;
  for (const byte of digest.subarray(0, 8)) value = (value << 8n) | BigInt(byte);
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

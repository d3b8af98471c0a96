/**
 * Request ids: 10 characters from an alphabet without look-alikes (no 0/o,
 * 1/l/i), short enough to type into `/warden status <id>`, URL-safe, and a
 * Firestore document id. 31^10 ≈ 8·10^14 ids. Randomness comes in as a
 * parameter, so the domain stays pure.
 */

export const REQUEST_ID_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const REQUEST_ID_LENGTH = 10;

const ALPHABET_SIZE = REQUEST_ID_ALPHABET.length;
/** Bytes at or above this would bias the modulo; they are skipped. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET_SIZE);
const PATTERN = new RegExp(`^[${REQUEST_ID_ALPHABET}]{${REQUEST_ID_LENGTH}}$`);
const MAX_DRAWS = 64;

export function newRequestId(randomBytes: (n: number) => Uint8Array): string {
  let id = '';
  for (let draw = 0; draw < MAX_DRAWS && id.length < REQUEST_ID_LENGTH; draw += 1) {
    for (const byte of randomBytes(REQUEST_ID_LENGTH * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      id += REQUEST_ID_ALPHABET.charAt(byte % ALPHABET_SIZE);
      if (id.length === REQUEST_ID_LENGTH) break;
    }
  }
  if (id.length < REQUEST_ID_LENGTH) throw new Error('randomBytes returned no usable bytes');
  return id;
}

export function isRequestId(text: string): boolean {
  return PATTERN.test(text);
}

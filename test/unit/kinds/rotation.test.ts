import { ROTATABLE_PURPOSE, alreadyRotated, blastRadius, checkRotatable } from '../../../src/kinds/rotate/rotation';

const KEY = 'projects/acme-prod/locations/global/keyRings/app/cryptoKeys/data';
const OTHER = 'projects/acme-prod/locations/global/keyRings/app/cryptoKeys/other';
const svc = (name: string, encryptionKey?: string) => ({ name: `projects/acme-prod/locations/${name}`, encryptionKey });

describe('checkRotatable', () => {
  test.each([
    ['ENCRYPT_DECRYPT', true],
    ['ASYMMETRIC_SIGN', false],
    ['ASYMMETRIC_DECRYPT', false],
    ['RAW_ENCRYPT_DECRYPT', false],
    ['MAC', false],
    ['CRYPTO_KEY_PURPOSE_UNSPECIFIED', false],
  ])('%s → rotatable %s', (purpose, ok) => {
    const check = checkRotatable({ name: KEY, purpose });
    expect(check.ok).toBe(ok);
    if (!check.ok) {
      expect(check.message).toContain(KEY);
      expect(check.message).toContain(purpose);
      expect(check.message).toMatch(/only symmetric encrypt\/decrypt keys/);
    }
  });

  test('the rotatable purpose is ENCRYPT_DECRYPT', () => {
    expect(ROTATABLE_PURPOSE).toBe('ENCRYPT_DECRYPT');
  });
});

describe('blastRadius', () => {
  test.each([
    ['no services', [], []],
    ['none using the key', [svc('us-central1/services/a'), svc('us-central1/services/b', OTHER)], []],
    [
      'those using the key, sorted, across regions',
      [
        svc('us-central1/services/zeta', KEY),
        svc('europe-west1/services/alpha', KEY),
        svc('us-central1/services/b', OTHER),
        svc('asia-east1/services/c'),
      ],
      ['projects/acme-prod/locations/europe-west1/services/alpha', 'projects/acme-prod/locations/us-central1/services/zeta'],
    ],
    ['a key whose name only starts the same does not count', [svc('us-central1/services/a', `${KEY}2`)], []],
    ['a key version is not the key', [svc('us-central1/services/a', `${KEY}/cryptoKeyVersions/1`)], []],
  ])('%s', (_label, services, expected) => {
    expect(blastRadius(KEY, services)).toEqual(expected);
  });
});

describe('alreadyRotated', () => {
  const approved = new Date('2026-03-01T10:00:00Z');
  test.each<[string, Date | undefined, Date | undefined, boolean]>([
    ['primary made after the approval', new Date('2026-03-01T10:00:05Z'), approved, true],
    ['primary made at the approval', approved, approved, true],
    ['primary older than the approval', new Date('2026-02-01T00:00:00Z'), approved, false],
    ['no primary', undefined, approved, false],
    ['no approval time', new Date('2026-03-01T10:00:05Z'), undefined, false],
  ])('%s → %s', (_label, primaryCreateTime, approvedAt, expected) => {
    expect(alreadyRotated(primaryCreateTime, approvedAt)).toBe(expected);
  });
});

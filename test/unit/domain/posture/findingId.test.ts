import { findingId, isFindingId } from '../../../../src/domain/posture/findingId';
import { isRequestId } from '../../../../src/domain/requestId';

describe('finding ids', () => {
  test('are f- and 10 characters of the request-id alphabet, never a request id', () => {
    const id = findingId('open_ingress', ['projects/acme-prod/locations/us-central1/services/hello']);
    expect(id).toMatch(/^f-[23456789a-hjkmnp-z]{10}$/);
    expect(isFindingId(id)).toBe(true);
    expect(isRequestId(id)).toBe(false);
  });

  test('are stable: the same kind and parts always give the same id (a golden value: changing the scheme would orphan every stored finding)', () => {
    expect(
      findingId('standing_access', [
        'projects/acme-prod/locations/us-central1/services/hello',
        'roles/run.invoker',
        'user:alice@acme.example',
      ]),
    ).toBe(
      findingId('standing_access', [
        'projects/acme-prod/locations/us-central1/services/hello',
        'roles/run.invoker',
        'user:alice@acme.example',
      ]),
    );
    expect(findingId('open_ingress', ['projects/acme-prod/locations/us-central1/services/hello'])).toMatchInlineSnapshot(`"f-2cd8rzq97s"`);
  });

  test('differ by kind and by every part, and parts never run into each other', () => {
    const ids = new Set([
      findingId('open_ingress', ['a']),
      findingId('no_cmek', ['a']),
      findingId('open_ingress', ['b']),
      findingId('standing_access', ['ab', 'c']),
      findingId('standing_access', ['a', 'bc']),
      findingId('standing_access', ['a', 'b', 'c']),
    ]);
    expect(ids.size).toBe(6);
  });

  test.each(['f-', 'f-23456789a', 'f-23456789abc', 'f-0123456789', 'F-23456789ab', '23456789ab', 'f_23456789ab'])(
    '%s is not a finding id',
    (text) => {
      expect(isFindingId(text)).toBe(false);
    },
  );
});

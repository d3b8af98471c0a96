/**
 * With an emulator host the real clients must use plaintext channel
 * credentials and never ask google-auth-library for credentials (ADC).
 * Port 1 on loopback refuses connections, so a call fails fast with
 * UNAVAILABLE — after the stub (and its credentials) were set up.
 */
import { createKmsClient, createRunClient } from '../../../../src/adapters/gcp/clients';
import { ErrorCode, WardenError } from '../../../../src/domain/errors';

const REFUSING = '127.0.0.1:1';

describe('GCP clients against an emulator host', () => {
  it('the Cloud Run client connects without looking up Application Default Credentials', async () => {
    const client = createRunClient({ emulatorHost: REFUSING });
    const getClient = jest.spyOn(client.auth, 'getClient');
    try {
      await expect(client.getIamPolicy({ resource: 'projects/p/locations/us-central1/services/s' })).rejects.toMatchObject({ code: 14 });
      expect(getClient).not.toHaveBeenCalled();
    } finally {
      await client.close();
    }
  });

  it('the Cloud KMS client connects without looking up Application Default Credentials', async () => {
    const client = createKmsClient({ emulatorHost: REFUSING });
    const getClient = jest.spyOn(client.auth, 'getClient');
    try {
      await expect(
        client.createCryptoKeyVersion({ parent: 'projects/p/locations/global/keyRings/r/cryptoKeys/k', cryptoKeyVersion: {} }),
      ).rejects.toMatchObject({ code: 14 });
      expect(getClient).not.toHaveBeenCalled();
    } finally {
      await client.close();
    }
  });

  it('rejects an emulator host that is not host:port', () => {
    expect(() => createRunClient({ emulatorHost: 'localhost' })).toThrow(WardenError);
    try {
      createKmsClient({ emulatorHost: 'localhost:http' });
    } catch (error) {
      expect(error).toMatchObject({ code: ErrorCode.Config });
    }
    expect.assertions(2);
  });
});

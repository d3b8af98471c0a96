import { OAuth2Client } from 'google-auth-library';
import { createOidcIssuer, type OidcIssuer } from '../../../dev/sandbox/oidcIssuer';

const AUDIENCE = 'https://runwarden.example/jobs';
const SCHEDULER = 'scheduler@acme-prod.iam.gserviceaccount.com';

describe('OIDC issuer stand-in, verified by google-auth-library', () => {
  let issuer: OidcIssuer;
  let certs: { url: string; stop(): Promise<void> };
  const verify = (idToken: string): Promise<unknown> =>
    // google-auth-library 10: the PEM certs URL is OAuth2Client's `endpoints.oauth2FederatedSignonPemCertsUrl`
    new OAuth2Client({
      endpoints: { oauth2FederatedSignonPemCertsUrl: certs.url },
      // gaxios otherwise `import()`s node-fetch, which jest's VM refuses without --experimental-vm-modules
      transporterOptions: { fetchImplementation: fetch },
    }).verifyIdToken({ idToken, audience: AUDIENCE });

  beforeAll(async () => {
    issuer = await createOidcIssuer();
    certs = await issuer.serve();
  });
  afterAll(() => certs.stop());

  it('serves Google’s v1 certs shape: key id → PEM certificate', async () => {
    const body = (await (await fetch(certs.url)).json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual([issuer.kid]);
    expect(body[issuer.kid]).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\s*$/);
  });

  it('mints a token Google’s verifier accepts, with Google-like default claims', async () => {
    const ticket = (await verify(issuer.mint({ aud: AUDIENCE, email: SCHEDULER }))) as { getPayload(): Record<string, unknown> };
    const payload = ticket.getPayload();
    expect(payload).toMatchObject({ iss: 'https://accounts.google.com', aud: AUDIENCE, email: SCHEDULER, email_verified: true });
    expect(payload.sub).toMatch(/^\d+$/);
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
  });

  it.each([
    [
      'a token signed with another key under the same kid',
      () => issuer.mint({ aud: AUDIENCE, email: SCHEDULER }, { signWith: 'other-key' }),
      /Invalid token signature/,
    ],
    [
      'an expired token',
      () => issuer.mint({ aud: AUDIENCE, email: SCHEDULER, iat: nowS() - 7200, exp: nowS() - 3600 }),
      /Token used too late/,
    ],
    ['a token for another audience', () => issuer.mint({ aud: 'https://elsewhere.example', email: SCHEDULER }), /Wrong recipient/],
    ['a token from another issuer', () => issuer.mint({ aud: AUDIENCE, email: SCHEDULER, iss: 'https://evil.example' }), /Invalid issuer/],
    ['a token naming an unknown key id', () => issuer.mint({ aud: AUDIENCE, email: SCHEDULER }, { kid: 'unknown' }), /No pem found/],
    ['an unsigned alg=none token', () => issuer.mint({ aud: AUDIENCE, email: SCHEDULER }, { alg: 'none' }), /Invalid token signature/],
  ])('rejects %s', async (_name, token, message) => {
    await expect(verify(token())).rejects.toThrow(message);
  });

  it('does not check email_verified itself — the app has to', async () => {
    const ticket = (await verify(issuer.mint({ aud: AUDIENCE, email: SCHEDULER, email_verified: false }))) as {
      getPayload(): Record<string, unknown>;
    };
    expect(ticket.getPayload().email_verified).toBe(false);
  });

  it('uses an injected clock for iat and exp', async () => {
    const fixed = await createOidcIssuer({ now: () => new Date('2030-01-01T00:00:00Z') });
    const [, payload] = fixed.mint({ aud: AUDIENCE }).split('.');
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'))).toMatchObject({ iat: 1893456000, exp: 1893459600 });
  });
});

function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

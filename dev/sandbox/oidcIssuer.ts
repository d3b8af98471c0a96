/**
 * A stand-in for Google's OIDC ID-token signing, for the sandbox and tests of
 * `/jobs/*`: an RSA-2048 key with a self-signed X.509 certificate, served in
 * the JSON shape of https://www.googleapis.com/oauth2/v1/certs (key id → PEM
 * certificate) so WARDEN_OIDC_CERTS_URL can point at it, and a minter of
 * RS256 JWTs carrying the claims Cloud Scheduler's tokens carry.
 *
 * Local use only: the certificate is built with the `selfsigned` dev
 * dependency, imported when an issuer is created.
 */
import { createPrivateKey, generateKeyPair, randomBytes, randomInt, sign, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GOOGLE_ISSUER = 'https://accounts.google.com';

export interface OidcClaims {
  iss: string;
  aud: string;
  email: string;
  email_verified: boolean;
  exp: number;
  iat: number;
  sub: string;
  azp: string;
}

export interface MintOptions {
  /** key id put in the header; default the issuer's */
  kid?: string;
  /** 'other-key' signs with a key whose certificate is not published (a forged token) */
  signWith?: 'issuer' | 'other-key';
  /** the header's alg; 'none' produces an unsigned token. Default RS256. */
  alg?: string;
}

export interface OidcIssuer {
  kid: string;
  certificatePem: string;
  /** the certs document: { [kid]: PEM certificate } */
  certs(): Record<string, string>;
  /** serves the certs document on GET (any path); `url` is what WARDEN_OIDC_CERTS_URL takes */
  serve(options?: { port?: number; cacheMaxAgeSeconds?: number }): Promise<{ url: string; stop(): Promise<void> }>;
  mint(claims?: Partial<OidcClaims> & Record<string, unknown>, options?: MintOptions): string;
}

export interface OidcIssuerOptions {
  /** injected clock for iat/exp defaults */
  now?: () => Date;
}

export async function createOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const now = options.now ?? (() => new Date());
  const [issuerKeys, otherKeys] = await Promise.all([rsaKeyPair(), rsaKeyPair()]);
  const certificatePem = await selfSignedCertificate(issuerKeys, now());
  const kid = randomBytes(20).toString('hex');
  const issuerKey = createPrivateKey(issuerKeys.privateKey);
  const otherKey = createPrivateKey(otherKeys.privateKey);
  const certs = (): Record<string, string> => ({ [kid]: certificatePem });

  return {
    kid,
    certificatePem,
    certs,
    serve: (serveOptions = {}) => serveCerts(certs, serveOptions.port ?? 0, serveOptions.cacheMaxAgeSeconds),
    mint(claims = {}, mintOptions = {}) {
      const iat = Math.floor(now().getTime() / 1000);
      const payload = {
        iss: GOOGLE_ISSUER,
        email_verified: true,
        iat,
        exp: iat + 3600,
        sub: String(randomInt(100_000_000, 999_999_999)) + String(randomInt(100_000_000, 999_999_999)),
        ...claims,
      };
      const alg = mintOptions.alg ?? 'RS256';
      const header = { alg, kid: mintOptions.kid ?? kid, typ: 'JWT' };
      const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
      if (alg === 'none') return `${signingInput}.`;
      const key: KeyObject = mintOptions.signWith === 'other-key' ? otherKey : issuerKey;
      return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
    },
  };
}

interface PemKeyPair {
  privateKey: string;
  publicKey: string;
}

function rsaKeyPair(): Promise<PemKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } },
      (error, publicKey, privateKey) => (error ? reject(error) : resolve({ publicKey, privateKey })),
    );
  });
}

async function selfSignedCertificate(keyPair: PemKeyPair, now: Date): Promise<string> {
  let selfsigned: typeof import('selfsigned');
  try {
    selfsigned = await import('selfsigned');
  } catch {
    throw new Error('The sandbox OIDC issuer needs the `selfsigned` dev dependency: run `npm ci` (with dev dependencies).');
  }
  const day = 24 * 3600 * 1000;
  const generated = await selfsigned.generate([{ name: 'commonName', value: 'runwarden sandbox OIDC issuer' }], {
    keyPair,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - day),
    notAfterDate: new Date(now.getTime() + 365 * day),
  });
  return generated.cert;
}

async function serveCerts(
  certs: () => Record<string, string>,
  port: number,
  cacheMaxAgeSeconds: number | undefined,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
    if (cacheMaxAgeSeconds !== undefined) headers['cache-control'] = `public, max-age=${cacheMaxAgeSeconds}`;
    res.writeHead(200, headers).end(JSON.stringify(certs()));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`;
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

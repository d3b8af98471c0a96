/**
 * Protects /jobs/*: only a Google-signed OIDC ID token (Cloud Scheduler's)
 * with our audience, Google as issuer, and a verified email on the invokers
 * list may run the sweep (SPEC §3). Missing or invalid token → 401; a valid
 * token for someone not allowed → 403.
 */
import type { OAuth2Client } from 'google-auth-library';
import { z } from 'zod';

export const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

export type JobsAuthResult = { ok: true; email: string } | { ok: false; status: 401 | 403; reason: string };

const claims = z.object({ email: z.string().optional(), email_verified: z.boolean().optional() });

export interface JobsAuthOptions {
  /** unset: the jobs are not configured, and every call is refused */
  audience?: string | undefined;
  invokers?: readonly string[] | undefined;
  certsUrl: string;
}

export function createJobsAuth(options: JobsAuthOptions) {
  // google-auth-library loads with the first /jobs call, not at start-up (it is only needed there)
  let client: Promise<OAuth2Client> | undefined;
  const verifier = (): Promise<OAuth2Client> =>
    (client ??= import('google-auth-library').then(
      ({ OAuth2Client }) =>
        new OAuth2Client({
          endpoints: { oauth2FederatedSignonPemCertsUrl: options.certsUrl },
          issuers: GOOGLE_ISSUERS,
          // the platform fetch: gaxios' lazy import of node-fetch is refused under jest's module loader
          transporterOptions: { fetchImplementation: fetch },
        }),
    ));
  const invokers = new Set((options.invokers ?? []).map((e) => e.toLowerCase()));
  const audience = options.audience;

  return async function authorize(authorization: string | undefined): Promise<JobsAuthResult> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return { ok: false, status: 401, reason: 'missing bearer token' };
    if (!audience || invokers.size === 0) {
      return { ok: false, status: 403, reason: 'WARDEN_JOBS_AUDIENCE / WARDEN_JOBS_INVOKERS are not configured' };
    }
    let payload: unknown;
    try {
      const ticket = await (await verifier()).verifyIdToken({ idToken: match[1], audience });
      payload = ticket.getPayload();
    } catch (error) {
      // the library's messages may quote the token's payload: keep only the reason's first words
      const text = error instanceof Error ? error.message : 'unknown';
      return { ok: false, status: 401, reason: `invalid token: ${text.split(/[:,{]/)[0]?.slice(0, 80) ?? 'unknown'}` };
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success || !parsed.data.email) return { ok: false, status: 403, reason: 'token has no email' };
    if (parsed.data.email_verified !== true) return { ok: false, status: 403, reason: 'email not verified' };
    if (!invokers.has(parsed.data.email.toLowerCase())) return { ok: false, status: 403, reason: 'caller is not an allowed invoker' };
    return { ok: true, email: parsed.data.email };
  };
}

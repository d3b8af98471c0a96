/**
 * Driving the posture scan over HTTP like Cloud Scheduler does: POST
 * /jobs/posture with a Google-signed OIDC token (the harness's OIDC stand-in),
 * and reading what it recorded.
 */
import { AUDIENCE, SCHEDULER, type Harness } from './harness';

export interface PostureAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** POST /jobs/posture; `token` null sends none, a string sends that one, undefined mints a valid one. */
export async function runPostureScan(h: Harness, token?: string | null): Promise<PostureAnswer> {
  const headers: Record<string, string> = {};
  const bearer = token === undefined ? h.issuer.mint({ aud: AUDIENCE, email: SCHEDULER }) : token;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch(`${h.botUrl}/jobs/posture`, { method: 'POST', headers });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

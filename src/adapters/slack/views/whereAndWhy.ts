/**
 * The line that completes a request's one-line summary where a list shows it
 * (App Home, `/warden list`): where — the project and the region (or KMS
 * location) of its target, which a short service name leaves out — and why,
 * its reason. The channel message and the DMs carry the full resource name
 * and the reason already.
 */
import type { AccessRequest } from '../../../domain/request';
import { code, safeText } from './format';
import { kindOf } from '../../../kinds/registry';

/** Longest part of a reason shown in a list line. */
const MAX_LIST_REASON = 200;

/** "project `acme-prod` · region `us-central1` · reason: …" */
export function whereAndWhy(request: AccessRequest): string {
  const match = /^projects\/([^/]+)\/locations\/([^/]+)\//.exec(request.target);
  // a Cloud KMS key has a location; a Cloud Run service, a region
  const place = kindOf(request.kind).describe.targetNoun === 'Key' ? 'location' : 'region';
  const where = match ? `project ${code(match[1] ?? '', 100)} · ${place} ${code(match[2] ?? '', 100)}` : code(request.target, 300);
  return `${where} · reason: ${safeText(request.reason, MAX_LIST_REASON)}`;
}

/**
 * The line that completes a request's one-line summary where a list shows it
 * (App Home, `/warden list`): where — the project and the region (or KMS
 * location) of its target, which a short service name leaves out —, who asked,
 * the rule it falls under, and why, its reason. The channel message and the
 * DMs carry the same facts in their own layout.
 */
import type { AccessRequest } from '../../../domain/request';
import { code, mention, safeText } from './format';
import { kindOf } from '../../../kinds/registry';

/** Longest part of a reason shown in a list line. */
const MAX_LIST_REASON = 200;

/**
 * "project `acme-prod` · region `us-central1` · by <@U…> · rule `prod-invoker` · reason: …"
 * (the rule by its name, SPEC §5; requests filed before rules had names have none).
 */
export function whereAndWhy(request: AccessRequest): string {
  const match = /^projects\/([^/]+)\/locations\/([^/]+)\//.exec(request.target);
  // a Cloud KMS key has a location; a Cloud Run service, a region
  const place = kindOf(request.kind).describe.targetNoun === 'Key' ? 'location' : 'region';
  const where = match ? `project ${code(match[1] ?? '', 100)} · ${place} ${code(match[2] ?? '', 100)}` : code(request.target, 300);
  const rule = request.rule === undefined ? '' : ` · rule ${code(request.rule, 100)}`;
  return `${where} · by ${mention(request.requester)}${rule} · reason: ${safeText(request.reason, MAX_LIST_REASON)}`;
}

/**
 * What `/warden posture <scope>` narrows the report to (SPEC §4: "in the
 * policy's scope, or in one project / service"): a posture.scope entry, a
 * project, or one resource (a Cloud Run service, short or full, or a Cloud
 * KMS key). A bare word is a project when `projects/<word>` is a scope entry,
 * else a service's short name (project and region from the policy's
 * defaults), as in every other command. Pure; a value, never a throw.
 */
import { POSTURE_SCOPE, type Policy } from '../policy/schema';
import { parseKeyName, parseServiceName, resolveServiceName } from '../resourceNames';

export type PostureTarget = { all: true } | { scope: string } | { project: string } | { resource: string };

export function resolvePostureTarget(
  policy: Policy,
  text: string | undefined,
): { ok: true; target: PostureTarget; what: string } | { ok: false; error: string } {
  const scopes = policy.posture?.scope ?? [];
  if (text === undefined) return { ok: true, target: { all: true }, what: `the policy's scope (${scopes.join(', ')})` };
  const word = text.trim();
  if (POSTURE_SCOPE.test(word)) {
    if (scopes.includes(word)) return { ok: true, target: { scope: word }, what: word };
    if (word.startsWith('projects/'))
      return { ok: true, target: { project: word.slice('projects/'.length) }, what: `project ${word.slice('projects/'.length)}` };
    return {
      ok: false,
      error: `\`${word}\` is not in the policy's posture scope (${scopes.join(', ')}): name one of those, a project or a service.`,
    };
  }
  if (parseServiceName(word) || parseKeyName(word)) return { ok: true, target: { resource: word }, what: word };
  if (scopes.includes(`projects/${word}`)) return { ok: true, target: { scope: `projects/${word}` }, what: `projects/${word}` };
  const service = resolveServiceName(word, {}, policy.defaults);
  if (!service.ok) return { ok: false, error: `\`${word}\` is neither a posture scope, a project nor a service: ${service.error}.` };
  return { ok: true, target: { resource: service.name }, what: service.name };
}

/**
 * The posture classifier (SPEC §11): what one thing read from the inventory
 * — a Cloud Run service, a Cloud KMS key, the IAM policy of a service or a
 * project — says about the estate, as finding drafts with their stable ids.
 * One item at a time, so the scan's memory is bounded by its page size. Pure:
 * the policy and now are parameters.
 *
 * - standing_access: an unconditional binding of a Cloud Run role
 *   (`roles/run.*`) to users or groups, on a service or a project: one finding
 *   for its members a rule could grant it just in time (naming the rule:
 *   coverage.ts), one for those no rule covers yet.
 * - public_service: allUsers / allAuthenticatedUsers in a binding of a role
 *   that can invoke (run.routes.invoke), unless the service is in
 *   posture.public (a project-level grant reaches every service: always).
 * - open_ingress: ingress `all` (or unspecified, which Cloud Run treats as
 *   all) on a service not in posture.public.
 * - default_service_account: the runtime identity is the Compute Engine
 *   default service account (PROJECT_NUMBER-compute@developer.gserviceaccount.com),
 *   or none is named (Cloud Run then uses it).
 * - no_cmek: a service in posture.requireCmek without an encryption key.
 * - key_rotation: a key protecting a service with no rotation period or one
 *   longer than posture.maxKeyRotation.
 * - lingering_binding: a conditional binding whose time condition has passed
 *   (expiredCondition.ts) — any role on a service, Cloud Run roles on a project.
 */
import { matchGlob } from '../policy/glob';
import type { Policy, PostureSettings } from '../policy/schema';
import { coveringRule } from './coverage';
import { expiredAt } from './expiredCondition';
import { KEY_SERVICES_SHOWN, type FindingDetail, type FindingDraft } from './finding';
import { findingId } from './findingId';
import { severityOf } from './guidance';
import type { InventoryBinding, InventoryKey, InventoryPolicy, InventoryService } from './inventory';

export interface ClassifyContext {
  policy: Policy;
  posture: PostureSettings;
  now: Date;
}

export const PUBLIC_MEMBERS: readonly string[] = ['allUsers', 'allAuthenticatedUsers'];

/**
 * Predefined roles that hold run.routes.invoke (https://cloud.google.com/run/docs/reference/iam/roles,
 * https://cloud.google.com/iam/docs/roles-permissions/run): granted to
 * allUsers, they make a service public.
 */
export const INVOKING_ROLES: readonly string[] = [
  'roles/run.invoker',
  'roles/run.servicesInvoker',
  'roles/run.developer',
  'roles/run.admin',
  'roles/editor',
  'roles/owner',
];

const DEFAULT_COMPUTE_ACCOUNT = /^[0-9]+-compute@developer\.gserviceaccount\.com$/;

/** `roles/run.*`: the predefined Cloud Run roles (custom roles are not judged: their permissions are not in the inventory). */
export function isCloudRunRole(role: string): boolean {
  return role.startsWith('roles/run.');
}

/** The project id of a service, key or project name (`projects/P/…`). */
export function projectOf(resource: string): string {
  return resource.split('/')[1] ?? '';
}

function draft(kind: FindingDraft['kind'], resource: string, parts: readonly string[], detail: FindingDetail): FindingDraft {
  return { id: findingId(kind, [resource, ...parts]), kind, resource, project: projectOf(resource), severity: severityOf(detail), detail };
}

const listed = (globs: readonly string[], name: string): string | undefined => globs.find((glob) => matchGlob(glob, name));

/** Why a key is a key_rotation finding (with the limit it breaks), or undefined when it rotates often enough. */
export function weakKey(
  key: InventoryKey,
  posture: PostureSettings,
): { rotationPeriodSeconds?: number | undefined; maxRotationSeconds: number } | undefined {
  // only symmetric encryption keys rotate automatically, and only they protect Cloud Run data (CMEK)
  if (key.purpose !== 'ENCRYPT_DECRYPT') return undefined;
  const max = posture.maxKeyRotationSeconds;
  if (key.rotationPeriodSeconds !== undefined && key.rotationPeriodSeconds <= max) return undefined;
  return { rotationPeriodSeconds: key.rotationPeriodSeconds, maxRotationSeconds: max };
}

/** The key_rotation finding of `keyName`, as seen protecting `services` (the first KEY_SERVICES_SHOWN named). */
export function keyRotationDraft(
  keyName: string,
  weakness: NonNullable<ReturnType<typeof weakKey>>,
  services: readonly string[],
  serviceCount: number,
): FindingDraft {
  return draft('key_rotation', keyName, [], {
    kind: 'key_rotation',
    rotationPeriodSeconds: weakness.rotationPeriodSeconds,
    maxRotationSeconds: weakness.maxRotationSeconds,
    services: services.slice(0, KEY_SERVICES_SHOWN),
    serviceCount,
  });
}

/**
 * A service's own findings (open_ingress, default_service_account, no_cmek)
 * and, when it is protected by a key `weakKeyOf` knows to be weak, that key's
 * key_rotation finding as seen from this service.
 */
export function classifyService(
  service: InventoryService,
  context: ClassifyContext,
  weakKeyOf: (key: string) => ReturnType<typeof weakKey>,
): FindingDraft[] {
  const { posture } = context;
  const found: FindingDraft[] = [];
  const isPublic = listed(posture.public, service.name) !== undefined;
  if (!isPublic && (service.ingress === 'all' || service.ingress === 'unspecified')) {
    found.push(draft('open_ingress', service.name, [], { kind: 'open_ingress', ingress: service.ingress }));
  }
  if (service.serviceAccount === undefined || DEFAULT_COMPUTE_ACCOUNT.test(service.serviceAccount)) {
    found.push(
      draft('default_service_account', service.name, [], { kind: 'default_service_account', serviceAccount: service.serviceAccount }),
    );
  }
  const cmekGlob = listed(posture.requireCmek, service.name);
  if (cmekGlob !== undefined && service.encryptionKey === undefined) {
    found.push(draft('no_cmek', service.name, [], { kind: 'no_cmek', requiredBy: cmekGlob }));
  }
  const weakness = service.encryptionKey !== undefined ? weakKeyOf(service.encryptionKey) : undefined;
  if (service.encryptionKey !== undefined && weakness !== undefined)
    found.push(keyRotationDraft(service.encryptionKey, weakness, [service.name], 1));
  return found;
}

function lingering(policy: InventoryPolicy, binding: InventoryBinding, now: Date): FindingDraft | undefined {
  const condition = binding.condition;
  if (condition === undefined || binding.members.length === 0) return undefined;
  if (policy.level === 'project' && !isCloudRunRole(binding.role)) return undefined;
  const at = expiredAt(condition.expression, now);
  if (at === undefined) return undefined;
  return draft('lingering_binding', policy.resource, [binding.role, condition.title, condition.expression], {
    kind: 'lingering_binding',
    role: binding.role,
    members: [...binding.members].sort(),
    title: condition.title,
    expression: condition.expression,
    expiredAt: at,
    level: policy.level,
  });
}

/** The findings of one IAM policy (a service's or a project's): standing access, public access, lingering bindings. */
export function classifyPolicy(policy: InventoryPolicy, context: ClassifyContext): FindingDraft[] {
  const found: FindingDraft[] = [];
  const publicRoles = new Set<string>();
  const publicMembers = new Set<string>();
  for (const binding of policy.bindings) {
    if (binding.condition !== undefined) {
      const expired = lingering(policy, binding, context.now);
      if (expired) found.push(expired);
      // a live condition is time-bound (or otherwise limited) access: not standing, and IAM refuses conditions on allUsers
      continue;
    }
    const covered: string[] = [];
    const uncovered: string[] = [];
    let rule: string | undefined;
    for (const member of binding.members) {
      if (PUBLIC_MEMBERS.includes(member) && INVOKING_ROLES.includes(binding.role)) {
        publicRoles.add(binding.role);
        publicMembers.add(member);
      }
      if (isCloudRunRole(binding.role) && (member.startsWith('user:') || member.startsWith('group:'))) {
        // one rule applies to the binding (the first that matches its resource); members differ only by what it allows them
        const covering = coveringRule(context.policy, policy.resource, policy.level, binding.role, member);
        if (covering === undefined) uncovered.push(member);
        else {
          covered.push(member);
          rule = covering;
        }
      }
    }
    const bindingMembers = [...binding.members].sort();
    const standing = (members: string[], by: string | undefined): FindingDraft =>
      draft('standing_access', policy.resource, [binding.role, by === undefined ? 'uncovered' : 'covered'], {
        kind: 'standing_access',
        role: binding.role,
        members: [...members].sort(),
        level: policy.level,
        ...(by !== undefined ? { rule: by } : {}),
        bindingMembers,
      });
    if (covered.length > 0) found.push(standing(covered, rule));
    if (uncovered.length > 0) found.push(standing(uncovered, undefined));
  }
  const allowedPublic = policy.level === 'service' && listed(context.posture.public, policy.resource) !== undefined;
  if (publicMembers.size > 0 && !allowedPublic) {
    found.push(
      draft('public_service', policy.resource, [], {
        kind: 'public_service',
        roles: [...publicRoles].sort(),
        members: [...publicMembers].sort(),
        level: policy.level,
      }),
    );
  }
  return found;
}

/**
 * GetIamPolicy / SetIamPolicy / TestIamPermissions with Google's rules, shared
 * by Cloud Run's Services (service policies) and google.iam.v1.IAMPolicy
 * (KMS key rings and keys).
 */
import { z } from 'zod';
import { hasConditions, normalizeBindings, renderForVersion } from './iamRules';
import { aborted, invalidArgument } from './rpcError';
import { fieldMaskSchema, parseRequest } from './wire';
import type { Handlers } from './rpc';
import type { EmulatorState } from './state';
import type { PlainBinding } from './types';

export const CONCURRENT_POLICY_CHANGES =
  'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.';

const exprSchema = z.object({
  expression: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
});
const bindingSchema = z.object({ role: z.string().optional(), members: z.array(z.string()).optional(), condition: exprSchema.optional() });
const policySchema = z.object({
  version: z.number().optional(),
  bindings: z.array(bindingSchema).optional(),
  auditConfigs: z.array(z.unknown()).optional(),
  etag: z.instanceof(Uint8Array).optional(),
});
const setSchema = z.object({ resource: z.string().optional(), policy: policySchema.optional(), updateMask: fieldMaskSchema.optional() });
const getSchema = z.object({
  resource: z.string().optional(),
  options: z.object({ requestedPolicyVersion: z.number().optional() }).optional(),
});
const testSchema = z.object({ resource: z.string().optional(), permissions: z.array(z.string()).optional() });

export interface IamResourceKind {
  /** checks the name's shape (INVALID_ARGUMENT) and existence (NOT_FOUND) */
  check(resource: string, state: EmulatorState): void;
  /** permission prefix of the resource's API, e.g. "run." */
  permissionPrefix: string;
}

function policyToWire(version: number, bindings: PlainBinding[], etag: Buffer): object {
  return { version, bindings, etag };
}

function plainBindings(bindings: z.infer<typeof bindingSchema>[]): PlainBinding[] {
  return bindings.map((b) => ({
    role: b.role ?? '',
    members: b.members ?? [],
    ...(b.condition
      ? {
          condition: {
            title: b.condition.title ?? '',
            ...(b.condition.description ? { description: b.condition.description } : {}),
            expression: b.condition.expression ?? '',
          },
        }
      : {}),
  }));
}

function resourceOf(resource: string | undefined, kind: IamResourceKind, state: EmulatorState): string {
  if (!resource) throw invalidArgument('resource is required');
  kind.check(resource, state);
  return resource;
}

function setIamPolicy(state: EmulatorState, kind: IamResourceKind, raw: unknown): object {
  const request = parseRequest(setSchema, raw);
  const resource = resourceOf(request.resource, kind, state);
  const policy = request.policy;
  if (!policy) throw invalidArgument('policy is required');
  const version = policy.version ?? 0;
  if (![0, 1, 3].includes(version)) throw invalidArgument(`Invalid policy version ${version}: valid values are 0, 1 and 3`);
  const paths = request.updateMask?.paths ?? ['bindings', 'etag'];
  for (const path of paths) {
    if (!['bindings', 'etag', 'audit_configs'].includes(path)) throw invalidArgument(`Invalid update_mask path '${path}'`);
  }
  if ((policy.auditConfigs ?? []).length > 0) throw invalidArgument('audit_configs are not supported on this resource');
  const written = paths.includes('bindings') ? normalizeBindings(plainBindings(policy.bindings ?? []), version) : undefined;

  state.faults.runSetIamPolicyHooks(resource);
  const current = state.readPolicy(resource);
  const etag = policy.etag && policy.etag.length > 0 ? Buffer.from(policy.etag) : undefined;
  if (etag && !etag.equals(current.etag)) throw aborted(CONCURRENT_POLICY_CHANGES);
  if (written && etag && version !== 3 && hasConditions(current.bindings)) {
    throw invalidArgument(`The policy of ${resource} contains conditional role bindings: it can only be modified with policy version 3`);
  }
  const stored = state.writePolicy(resource, written ?? current.bindings);
  return policyToWire(hasConditions(stored.bindings) ? 3 : 1, stored.bindings, stored.etag);
}

function getIamPolicy(state: EmulatorState, kind: IamResourceKind, raw: unknown): object {
  const request = parseRequest(getSchema, raw);
  const resource = resourceOf(request.resource, kind, state);
  const stored = state.readPolicy(resource);
  const rendered = renderForVersion(stored.bindings, request.options?.requestedPolicyVersion ?? 0);
  return policyToWire(rendered.version, rendered.bindings, stored.etag);
}

function testIamPermissions(state: EmulatorState, kind: IamResourceKind, raw: unknown): object {
  const request = parseRequest(testSchema, raw);
  resourceOf(request.resource, kind, state);
  const permissions = request.permissions ?? [];
  for (const permission of permissions) {
    if (!/^[a-z]+\.[A-Za-z]+\.[A-Za-z]+$/.test(permission)) {
      throw invalidArgument(`Permission ${permission} is not valid: permissions cannot contain wildcards`);
    }
    if (!permission.startsWith(kind.permissionPrefix)) {
      throw invalidArgument(`Permission ${permission} is not valid for this resource.`);
    }
  }
  // The emulator's callers hold every permission they ask about.
  return { permissions };
}

export function iamHandlers(state: EmulatorState, kind: IamResourceKind): Handlers {
  return {
    GetIamPolicy: (request) => getIamPolicy(state, kind, request),
    SetIamPolicy: (request) => setIamPolicy(state, kind, request),
    TestIamPermissions: (request) => testIamPermissions(state, kind, request),
  };
}

/**
 * Google IAM's rules for policies, applied strictly: binding validation,
 * condition limits, version 1 vs 3, `_withcond_` rendering for old readers,
 * and the merge of duplicate role+condition bindings.
 */
import { createHash } from 'node:crypto';
import { invalidArgument } from './rpcError';
import type { PlainBinding, PlainCondition } from './types';

export const MAX_TITLE = 100;
export const MAX_DESCRIPTION = 256;
export const MAX_EXPRESSION = 12_800;
export const MAX_PRINCIPALS = 1_500;

const EMAIL = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const DOMAIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const ROLE = /^(roles\/[A-Za-z0-9_.]+|(projects|organizations)\/[^/\s]+\/roles\/[A-Za-z0-9_.]+)$/;
const TIMESTAMP_LITERAL = /timestamp\(\s*(["'])(.*?)\1\s*\)/g;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function validMember(member: string): boolean {
  if (member === 'allUsers' || member === 'allAuthenticatedUsers') return true;
  if (member.startsWith('principal://') || member.startsWith('principalSet://')) return member.length > 15;
  const deleted = /^deleted:(user|group|serviceAccount):([^?]+)\?uid=\d+$/.exec(member);
  if (deleted) return EMAIL.test(deleted[2] ?? '');
  const typed = /^(user|group|serviceAccount|domain):(.+)$/.exec(member);
  if (!typed) return false;
  return typed[1] === 'domain' ? DOMAIN.test(typed[2] ?? '') : EMAIL.test(typed[2] ?? '');
}

function validateExpression(expression: string): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < expression.length; i += 1) {
    const char = expression[i];
    if (quote) {
      if (char === '\\') i += 1;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(') depth += 1;
    else if (char === ')' && --depth < 0) break;
  }
  if (quote || depth !== 0) throw invalidArgument(`Condition expression '${expression}' is not valid CEL`);
  for (const match of expression.matchAll(TIMESTAMP_LITERAL)) {
    const literal = match[2] ?? '';
    if (!RFC3339.test(literal) || Number.isNaN(Date.parse(literal))) {
      throw invalidArgument(`Condition expression has an invalid timestamp '${literal}' (RFC 3339 required)`);
    }
  }
}

function validateCondition(condition: PlainCondition, role: string): void {
  if (!condition.title) throw invalidArgument(`Condition on role ${role} is missing a title`);
  if (condition.title.length > MAX_TITLE) {
    throw invalidArgument(`Condition title must be at most ${MAX_TITLE} characters (got ${condition.title.length})`);
  }
  // Counted in UTF-8 bytes: the strictest reading of Google's "characters", so whatever fits here fits Google.
  const descriptionBytes = Buffer.byteLength(condition.description ?? '', 'utf8');
  if (descriptionBytes > MAX_DESCRIPTION) {
    throw invalidArgument(`Condition description must be at most ${MAX_DESCRIPTION} bytes in UTF-8 (got ${descriptionBytes})`);
  }
  if (!condition.expression) throw invalidArgument(`Condition '${condition.title}' has an empty expression`);
  if (condition.expression.length > MAX_EXPRESSION) {
    throw invalidArgument(`Condition expression must be at most ${MAX_EXPRESSION} characters`);
  }
  validateExpression(condition.expression);
}

function sameCondition(a: PlainCondition | undefined, b: PlainCondition | undefined): boolean {
  if (!a || !b) return a === b;
  return a.title === b.title && (a.description ?? '') === (b.description ?? '') && a.expression === b.expression;
}

/**
 * Validates the bindings of a policy written with `version` and returns them
 * as IAM stores them: empty bindings dropped, members de-duplicated,
 * duplicate role+condition bindings merged, order kept.
 */
export function normalizeBindings(bindings: readonly PlainBinding[], version: number): PlainBinding[] {
  const result: PlainBinding[] = [];
  for (const binding of bindings) {
    if (!ROLE.test(binding.role) || binding.role.includes('_withcond_')) {
      throw invalidArgument(`Role ${binding.role || '(empty)'} is not supported for this resource`);
    }
    for (const member of binding.members) {
      if (!validMember(member)) throw invalidArgument(`Invalid member '${member}' in binding for role ${binding.role}`);
    }
    if (binding.condition) {
      if (version !== 3) {
        throw invalidArgument(`Policy version ${version} cannot contain conditional role bindings (role ${binding.role}); set version 3`);
      }
      validateCondition(binding.condition, binding.role);
    }
    if (binding.members.length === 0) continue;
    const existing = result.find((b) => b.role === binding.role && sameCondition(b.condition, binding.condition));
    if (existing) {
      existing.members = [...new Set([...existing.members, ...binding.members])];
      continue;
    }
    result.push({
      role: binding.role,
      members: [...new Set(binding.members)],
      ...(binding.condition ? { condition: { ...binding.condition } } : {}),
    });
  }
  const principals = result.reduce((sum, b) => sum + b.members.length, 0);
  if (principals > MAX_PRINCIPALS) {
    throw invalidArgument(`A policy can hold at most ${MAX_PRINCIPALS} principals (got ${principals})`);
  }
  return result;
}

export function hasConditions(bindings: readonly PlainBinding[]): boolean {
  return bindings.some((b) => b.condition !== undefined);
}

export function conditionHash(condition: PlainCondition): string {
  const text = `${condition.title}\u0000${condition.description ?? ''}\u0000${condition.expression}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 20);
}

/** The policy as GetIamPolicy returns it for `requestedVersion`. */
export function renderForVersion(
  bindings: readonly PlainBinding[],
  requestedVersion: number,
): { version: number; bindings: PlainBinding[] } {
  if (![0, 1, 3].includes(requestedVersion)) {
    throw invalidArgument(`Invalid requested policy version ${requestedVersion}: valid values are 0, 1 and 3`);
  }
  if (!hasConditions(bindings)) return { version: 1, bindings: bindings.map(copyBinding) };
  if (requestedVersion === 3) return { version: 3, bindings: bindings.map(copyBinding) };
  return {
    version: 1,
    bindings: bindings.map((b) =>
      b.condition ? { role: `${b.role}_withcond_${conditionHash(b.condition)}`, members: [...b.members] } : copyBinding(b),
    ),
  };
}

export function copyBinding(binding: PlainBinding): PlainBinding {
  return {
    role: binding.role,
    members: [...binding.members],
    ...(binding.condition ? { condition: { ...binding.condition } } : {}),
  };
}

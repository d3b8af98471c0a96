/**
 * Which binding is runwarden's (SPEC §8, §10): a binding titled
 * `runwarden-<id>` is the request's own only if its role, member and
 * expression are the ones the request's record says. Anything else under
 * that title is someone else's (drift), never adopted and never removed.
 * Pure.
 */
import type { IamBinding } from './iamBinding';

/** Same title, role, members (as a set) and expression; descriptions are not compared (IAM may rewrite them). */
export function sameBinding(a: IamBinding, b: IamBinding): boolean {
  if (a.role !== b.role) return false;
  if (a.condition?.title !== b.condition?.title || a.condition?.expression !== b.condition?.expression) return false;
  const left = [...a.members].map((m) => m.toLowerCase()).sort();
  const right = [...b.members].map((m) => m.toLowerCase()).sort();
  return left.length === right.length && left.every((m, i) => m === right[i]);
}

/** What someone else's binding under our title looks like, in one line for people and the audit trail. */
export function describeBinding(binding: IamBinding | undefined): string {
  if (!binding) return 'no binding';
  const condition = binding.condition ? ` if ${binding.condition.expression}` : '';
  return `${binding.role} for ${binding.members.join(', ')}${condition}`;
}

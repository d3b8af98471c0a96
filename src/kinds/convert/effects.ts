/**
 * `convert` (SPEC §11): a standing binding found by the posture scan is
 * replaced by just-in-time access. Before anything is decided, `resolve` reads
 * the finding and names the service, role and members (only a finding the
 * policy in force lets convert: conversion.ts). At apply, after the approvers
 * decided, the members are removed — exactly them, from exactly that
 * binding, only while it still has exactly the members the scan saw
 * (StandingBindingsPort) — and the finding is marked converted. Permanent:
 * nothing is reverted, extended or watched.
 */
import { ErrorCode, WardenError } from '../../domain/errors';
import { checkConversion } from '../../domain/posture/conversion';
import { coveringRule } from '../../domain/posture/coverage';
import { isFindingId } from '../../domain/posture/findingId';
import type { AccessRequest } from '../../domain/request';
import type { KindEffects, KindPorts } from '../kind';

type ConvertPorts = Pick<KindPorts, 'iam' | 'standing' | 'findings' | 'policy'>;

function fieldsOf(request: AccessRequest): { role: string; members: string[]; expected: string[]; finding: string } {
  const { role, members, expected, finding } = request;
  if (role === undefined || members === undefined || members.length === 0 || expected === undefined || finding === undefined) {
    throw new WardenError(
      ErrorCode.MalformedRecord,
      `Request \`${request.id}\` does not say which binding to convert.`,
      `convert request ${request.id} lacks role/members/expected/finding`,
    );
  }
  return { role, members, expected, finding };
}

export function createConvertEffects(ports: ConvertPorts): KindEffects {
  const { standing, findings, policy } = ports;

  async function conversion(findingId: string) {
    const finding = isFindingId(findingId) ? await findings.get(findingId) : undefined;
    if (!finding)
      return {
        ok: false as const,
        error: new WardenError(ErrorCode.NotFound, `There is no finding \`${findingId}\`: \`/warden posture\` lists the open ones.`),
      };
    const check = checkConversion(policy(), finding);
    if (!check.ok)
      return { ok: false as const, error: new WardenError(ErrorCode.Precondition, check.message, `convert ${findingId}: ${check.reason}`) };
    return { ok: true as const, conversion: check.conversion };
  }

  return {
    async resolve(ask) {
      const found = await conversion(ask.finding ?? ask.target);
      if (!found.ok) return found;
      const { target, role, members, expected, finding } = found.conversion;
      return { ok: true, target, fields: { finding, role, members, expected } };
    },

    async prepare(draft) {
      const found = await conversion(draft.finding ?? '');
      if (!found.ok) return found;
      const { target, role, expected, rule } = found.conversion;
      // the binding as it is now: a conversion of a binding that already changed would only fail later
      const bindings = await ports.iam.getBindings(target);
      const now = bindings
        .filter((b) => b.role === role && b.condition === undefined)
        .flatMap((b) => b.members)
        .sort();
      if (now.length !== expected.length || now.some((m, i) => m !== expected[i])) {
        return {
          ok: false,
          error: new WardenError(
            ErrorCode.Precondition,
            `The standing ${role} binding on ${target} changed since the posture scan saw it; the next scan shows it as it is — convert that finding.`,
          ),
        };
      }
      return { ok: true, context: { rule, bindingMembers: expected } };
    },

    async apply(request, now, guard) {
      const { role, members, expected, finding } = fieldsOf(request);
      // the approvers approved taking it away because a rule lets these members ask for it just in time: still so?
      const uncovered = members.filter((member) => coveringRule(policy(), request.target, 'service', role, member) === undefined);
      if (uncovered.length > 0) {
        throw new WardenError(
          ErrorCode.Precondition,
          `No rule covers ${uncovered.join(', ')} for ${role} on ${request.target} any more: converting would lock them out, so nothing was removed.`,
        );
      }
      // one finding, one conversion: another conversion of it already removed the binding, and this one would
      // record a removal it never made (and tell the members again)
      const current = await findings.get(finding);
      if (current?.status === 'converted' && current.convertedBy !== undefined && current.convertedBy !== request.id) {
        throw new WardenError(
          ErrorCode.Precondition,
          `Finding \`${finding}\` was already converted by request \`${current.convertedBy}\`: nothing was removed.`,
          `convert ${request.id}: finding ${finding} already converted by ${current.convertedBy}`,
        );
      }
      const answer = await standing.removeMembers(request.target, { role, members, expected }, () =>
        guard('SetIamPolicy', { removing: members.join(' ') }),
      );
      if (answer.type === 'changed') {
        throw new WardenError(
          ErrorCode.Precondition,
          `The standing ${role} binding on ${request.target} changed since the posture scan saw it (${(answer.found ?? []).join(', ') || 'gone'} instead of ${expected.join(', ')}): nothing was removed.`,
        );
      }
      await findings.markConverted(finding, request.id, now);
      return {
        result: { removedRole: role, removedMembers: members.join(' ') },
        removed: { role, members },
        wrote: answer.type === 'removed',
      };
    },

    async extend() {
      throw new WardenError(ErrorCode.NotAllowed, 'A conversion is permanent; it cannot be extended.');
    },

    async revert() {
      // permanent: the removed binding is recorded (`removed`) to be restored by hand, never by runwarden
      return { type: 'reverted', detail: {} };
    },

    async inspect() {
      return [];
    },

    async undoExtension() {
      return undefined; // a conversion is never extended
    },

    async undo() {
      // a removal that landed late removes only standing access the approvers agreed to remove: it stays
      return undefined;
    },
  };
}

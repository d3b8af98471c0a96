/**
 * What the requester and the approvers are told about a revert Google keeps
 * refusing (src/domain/ending.ts revertFailed): the change was to end
 * (revoked, or due), Google refused to undo it, the access remains — until
 * the binding's IAM condition ends it (invoker), or until runwarden manages
 * to undo it (egress/ingress) — and runwarden keeps trying; then, when it
 * goes through, that it is undone after all. Pure: rendered from the request.
 */
import type { AccessRequest } from '../../../domain/request';
import { code, safeText, slackDate, slackRelative } from './format';

/** The sentence after the subject: "was revoked, but Google refused … runwarden keeps trying". */
export function revertFailingText(r: AccessRequest): string {
  const failing = r.revertFailing;
  const asked = r.op?.intent === 'revoke' ? 'A revoke was requested' : 'It was due to end';
  const refused = `${asked}, but Google refused to undo the change${failing ? ` (${safeText(failing.reason, 300).replace(/\.$/, '')})` : ''}.`;
  let remains: string;
  if (!failing?.accessEndsAt) {
    remains = '*The access remains in force until runwarden manages to undo it.*';
  } else if (failing.accessEndsAt.getTime() <= failing.since.getTime()) {
    remains = `The binding's IAM condition ended the access ${slackDate(failing.accessEndsAt)}, but the binding is still on the service.`;
  } else {
    remains = `*The access remains until ${slackDate(failing.accessEndsAt)}*, when the binding's IAM condition ends it, unless runwarden removes it first.`;
  }
  const next = failing ? ` (next attempt ${slackRelative(failing.retryAt)})` : '';
  return `${refused} ${remains} runwarden keeps trying${next} and will say when it is undone; the operators have been alerted.`;
}

/** The requester's DM: the revert is failing. */
export function revertFailingNotice(r: AccessRequest, change: string): string {
  return `:rotating_light: Your request ${code(r.id, 100)} (${change}) is still in force. ${revertFailingText(r)}`;
}

/** The requester's DM: the revert that had been failing went through. */
export function revertRecoveredNotice(r: AccessRequest, change: string): string {
  return `:white_check_mark: Your request ${code(r.id, 100)} (${change}) is undone after all: runwarden reverted it after earlier attempts were refused; it is ${r.status} now.`;
}

/** The approvers' thread reply (after their mentions) for the two notices. */
export function revertApproversText(r: AccessRequest, notice: 'revert_failing' | 'revert_recovered'): string {
  const about = `Request ${code(r.id, 100)} on ${code(r.target, 1000)}`;
  if (notice === 'revert_recovered')
    return `${about} is undone after all: runwarden reverted it after earlier attempts were refused; it is ${r.status} now.`;
  return `${about} is still in force. ${revertFailingText(r)}`;
}

/**
 * The confirmation dialogs of the buttons that decide or end a request, the
 * same wherever the button is (channel message, App Home): what approving
 * applies, what denying ends, what revoking removes. Plain text only —
 * Slack's confirm dialogs do not render mrkdwn
 * (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object).
 */
import type { ConfirmationDialog } from '@slack/types';
import { approvalsInStep, type AccessRequest, type Extension } from '../../../domain/request';
import { kindOf } from '../../../kinds/registry';
import { LIMITS, plain, plainDate } from './format';
import { plainOf } from './phrase';

/** Approve: what the click applies, or that it counts towards it. */
export function approveConfirm(request: AccessRequest): ConfirmationDialog {
  return {
    title: plain(`Approve request ${request.id}?`, LIMITS.confirmTitle),
    text: plain(confirmText(request), LIMITS.confirmText),
    confirm: plain('Approve', LIMITS.confirmButton),
    deny: plain('Cancel', LIMITS.confirmButton),
  };
}

/** Deny: the request ends and the requester is told. */
export function denyConfirm(request: AccessRequest): ConfirmationDialog {
  return {
    title: plain(`Deny request ${request.id}?`, LIMITS.confirmTitle),
    text: plain(`This ends the request for ${plainChange(request)}; the requester is told.`, LIMITS.confirmText),
    confirm: plain('Deny', LIMITS.confirmButton),
    deny: plain('Cancel', LIMITS.confirmButton),
    style: 'danger',
  };
}

/** Revoke / End now: what is removed now instead of at expiry. */
export function revokeConfirm(request: AccessRequest): ConfirmationDialog {
  return {
    title: plain(`Revoke request ${request.id}?`, LIMITS.confirmTitle),
    text: plain(revokeText(request), LIMITS.confirmText),
    confirm: plain('Revoke now', LIMITS.confirmButton),
    deny: plain('Keep it', LIMITS.confirmButton),
    style: 'danger',
  };
}

/** Approve an extension: the time it adds. */
export function extensionApproveConfirm(request: AccessRequest, extension: Extension): ConfirmationDialog {
  return {
    title: plain(`Extend request ${request.id}?`, LIMITS.confirmTitle),
    text: plain(`Your approval counts towards ${extension.duration} more for request ${request.id}.`, LIMITS.confirmText),
    confirm: plain('Approve', LIMITS.confirmButton),
    deny: plain('Cancel', LIMITS.confirmButton),
  };
}

/** Deny an extension: the grant keeps its current end. */
export function extensionDenyConfirm(request: AccessRequest, extension: Extension): ConfirmationDialog {
  return {
    title: plain(`Deny extension ${extension.n}?`, LIMITS.confirmTitle),
    text: plain(`Request ${request.id} keeps its current end; the requester is told.`, LIMITS.confirmText),
    confirm: plain('Deny', LIMITS.confirmButton),
    deny: plain('Cancel', LIMITS.confirmButton),
    style: 'danger',
  };
}

/** What approving applies, as plain text (confirm dialogs do not render mrkdwn). */
function confirmText(request: AccessRequest): string {
  const lastStep = request.steps === undefined || request.step === request.steps.length;
  const counts = lastStep && approvalsInStep(request).length + 1 >= request.approvalsRequired;
  const effect = counts ? 'Your approval applies' : 'Your approval counts towards';
  return `${effect} ${plainChange(request)}.`;
}

function revokeText(request: AccessRequest): string {
  const when = request.expiresAt ? `instead of at ${plainDate(request.expiresAt)}` : 'instead of at expiry';
  return plainOf(kindOf(request.kind).describe.revoking(request, [when]));
}

/** The change in the kind's own words (src/kinds/<kind>/describe.ts). */
function plainChange(request: AccessRequest): string {
  return plainOf(kindOf(request.kind).describe.confirm(request));
}

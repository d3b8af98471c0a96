/**
 * Every Block Kit action id and block id runwarden uses, in one place, so the
 * views that draw the buttons and the listeners that handle the clicks agree.
 * Button values carry only the request id; everything else is read from the
 * store when a click arrives.
 */

/** Approve button on a pending approval message (value: request id). */
export const APPROVE_ACTION = 'runwarden_approve';
/** Deny button on a pending approval message (value: request id). */
export const DENY_ACTION = 'runwarden_deny';
/** The actions block holding Approve and Deny; present only while pending. */
export const DECISION_BLOCK = 'runwarden_decision';

/** "Revoke now" button on an active time-bound grant (value: request id). */
export const REVOKE_ACTION = 'runwarden_revoke';
/** The actions block holding "Revoke now"; present only while active. */
export const REVOKE_BLOCK = 'runwarden_revoke_block';

/** Every action id above, for listeners that register them all. */
export const ACTION_IDS = [APPROVE_ACTION, DENY_ACTION, REVOKE_ACTION] as const;
export type ActionId = (typeof ACTION_IDS)[number];

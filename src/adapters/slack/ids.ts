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

/** Review button on a break-glass announcement (value: request id); present until reviewed. */
export const REVIEW_ACTION = 'runwarden_review';
/** The actions block holding Review. */
export const REVIEW_BLOCK = 'runwarden_review_block';

/** Approve / Deny on an extension's own message (value: `<request id>.<extension n>`). */
export const EXTENSION_APPROVE_ACTION = 'runwarden_extension_approve';
export const EXTENSION_DENY_ACTION = 'runwarden_extension_deny';
/** The actions block holding them; present only while the extension is pending. */
export const EXTENSION_DECISION_BLOCK = 'runwarden_extension_decision';

/** "Extend" (App Home, expiry warning): opens the extend modal (value: request id). */
export const EXTEND_OPEN_ACTION = 'runwarden_extend_open';
/** "Cancel" on a pending request in App Home (value: request id). */
export const CANCEL_ACTION = 'runwarden_cancel';

/** The extend modal: its callback id, and its Duration and Reason inputs (block id = action id). */
export const EXTEND_VIEW = 'runwarden_extend_view';
export const EXTEND_DURATION_BLOCK = 'runwarden_extend_duration';
export const EXTEND_REASON_BLOCK = 'runwarden_extend_reason';

/** "Convert" on a convertible standing_access finding (App Home, `/warden posture`): opens the convert modal (value: finding id). */
export const CONVERT_OPEN_ACTION = 'runwarden_convert_open';
/** The convert modal: its callback id and its Reason input (block id = action id). */
export const CONVERT_VIEW = 'runwarden_convert_view';
export const CONVERT_REASON_BLOCK = 'runwarden_convert_reason';

/**
 * App Home's "Deny with reason…" (a request or an extension) and "End with
 * reason…": each opens the decision-reason modal, whose submission decides
 * (value: the request id, or `<request id>.<n>` for an extension). They sit
 * beside SPEC's buttons, which keep deciding on a click; the channel's
 * messages carry SPEC's buttons only (docs/decisions.md, "Deny and revoke reasons").
 */
export const DENY_WITH_REASON_ACTION = 'runwarden_deny_reason';
export const REVOKE_WITH_REASON_ACTION = 'runwarden_revoke_reason';
export const EXTENSION_DENY_WITH_REASON_ACTION = 'runwarden_extension_deny_reason';
/** The decision-reason modal: its callback id and its optional Reason input (block id = action id). */
export const DECISION_REASON_VIEW = 'runwarden_decision_reason_view';
export const DECISION_REASON_BLOCK = 'runwarden_decision_reason';

/** Every action id above, for listeners that register them all. */
export const ACTION_IDS = [
  APPROVE_ACTION,
  DENY_ACTION,
  REVOKE_ACTION,
  EXTENSION_APPROVE_ACTION,
  EXTENSION_DENY_ACTION,
  EXTEND_OPEN_ACTION,
  CANCEL_ACTION,
  REVIEW_ACTION,
  CONVERT_OPEN_ACTION,
  DENY_WITH_REASON_ACTION,
  REVOKE_WITH_REASON_ACTION,
  EXTENSION_DENY_WITH_REASON_ACTION,
] as const;

/** The request form (`/warden` with no arguments): its callback id, blocks and actions. */
export const FORM_VIEW = 'runwarden_request_form';
export const FORM_KIND_BLOCK = 'runwarden_form_kind';
export const FORM_KIND_ACTION = 'runwarden_form_kind_select';
export const FORM_TARGET_BLOCK = 'runwarden_form_target';
/** the Target external_select: its options come from block_suggestion payloads */
export const FORM_TARGET_ACTION = 'runwarden_form_target_select';
export const FORM_SETTING_BLOCK = 'runwarden_form_setting';
export const FORM_DURATION_BLOCK = 'runwarden_form_duration';
export const FORM_REASON_BLOCK = 'runwarden_form_reason';

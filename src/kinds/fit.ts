/**
 * Small pieces the kinds' rules share (src/kinds/<kind>/rules.ts): a
 * refusal as a Fit, and the refusals of fields a kind does not take. Pure.
 */
import type { Fit, KindDraft } from '../domain/authority/kindRules';
import type { Refusal } from '../domain/authority/refusal';

export const refused = (refusal: Refusal): Fit => ({ ok: false, refusal });

/** --role on a kind that grants no role. */
export function noRole(draft: KindDraft): Fit | undefined {
  return draft.role === undefined ? undefined : refused({ code: 'role_not_allowed', kind: draft.kind });
}

/** --start on a kind that cannot be scheduled. */
export function noStart(draft: KindDraft): Fit | undefined {
  return draft.startDelaySeconds === undefined ? undefined : refused({ code: 'start_not_allowed', kind: draft.kind });
}

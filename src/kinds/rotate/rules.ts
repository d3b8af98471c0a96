/**
 * How a key rotation fits its rule (the kind's part of the authority
 * decision): never time-bound, never break-glass; no role, no --start;
 * --rotation-period at most the rule's maxRotationPeriod. Pure.
 */
import type { KindRules } from '../../domain/authority/kindRules';
import { noRole, noStart, refused } from '../fit';

export const rotateRules: KindRules = {
  duration: 'none',
  breakGlass: false,
  fit(rule, draft) {
    const early = noRole(draft) ?? noStart(draft);
    if (early) return early;
    const max = rule.maxRotationPeriodSeconds;
    const seconds = draft.rotationPeriodSeconds;
    if (seconds !== undefined && max !== undefined && seconds > max)
      return refused({ code: 'rotation_period_too_long', seconds, limitSeconds: max });
    return { ok: true };
  },
};

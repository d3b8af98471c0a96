/**
 * How an `egress` or `ingress` request fits its rule (the kind's part of the
 * authority decision): permanent unless the rule sets maxDuration; no role,
 * no member, no --start. Pure.
 */
import type { KindRules } from '../../domain/authority/kindRules';
import { noRole, noStart } from '../fit';

export const settingRules: KindRules = {
  duration: 'optional',
  breakGlass: true,
  fit(_rule, draft) {
    return noRole(draft) ?? noStart(draft) ?? { ok: true };
  },
};

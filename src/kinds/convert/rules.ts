/**
 * How a `convert` request fits its rule (SPEC §11; the kind's part of the
 * authority decision, src/domain/authority): permanent, never break-glass;
 * its role and members come from the finding, not from the asker (no
 * --member, no --start). The members losing the binding are its subjects:
 * they never count as its approvers. Pure.
 */
import type { KindRules } from '../../domain/authority/kindRules';
import { conversionSubjects } from '../../domain/posture/subjects';
import { refused } from '../fit';

export const convertRules: KindRules = {
  duration: 'none',
  breakGlass: false,
  fit(_rule, draft) {
    return draft.member === undefined && draft.startDelaySeconds === undefined
      ? { ok: true }
      : refused({ code: 'member_not_allowed', member: draft.member, memberKinds: [] });
  },
  subjects: (request) => conversionSubjects(request.members ?? []),
};

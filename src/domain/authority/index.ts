/**
 * Who may do what, and when: the authority decision (decideAuthority.ts) and
 * the vocabulary it speaks — moments, facts, refusals, the per-kind hook.
 */
export { decideAuthority, type MomentOf } from './decideAuthority';
export { FactReader, NO_FACTS, approverIds, groupEntries, groupsToGather, type AuthorityFacts, type MissingFacts } from './facts';
export type { KindDraft, KindRules, KindRulesTable, Fit, FitContext } from './kindRules';
export type * from './moments';
export { MOMENTS } from './moments';
export { REFUSAL_CODES, auditReason, type Refusal, type RefusalCode } from './refusal';
export { findRule, modeOf } from './standing';
export { extendedExpiry, extensionsUsed, openExtension } from './extension';
export { windowEnd } from './apply';
export { dryRun, type DryRun, type DryRunInput, type DryRunRule, type DryRunStep } from './dryRun';

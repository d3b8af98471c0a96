/**
 * What the request form needs besides the command's own code: the Target
 * options typed letters match (block_suggestion), and the kind's hints from
 * the policy. Service listings (ListServices in the policy's default project,
 * every region) are cached briefly, so typing answers from memory.
 */
import { formatDuration } from '../../domain/duration';
import { eligibilityNeeds, eligibleRules } from '../../domain/authority/eligible';
import { matchGlob } from '../../domain/policy/glob';
import type { RequestKind } from '../../domain/request';
import { FORM_KINDS, formOf } from '../../kinds/registry';
import { resolveKeyName } from '../../domain/resourceNames';
import type { ServiceInfo } from '../../ports';
import type { FormHints } from '../../adapters/slack/views/requestForm';
import type { AppDeps } from '../deps';
import { withinAck } from '../../adapters/slack/listeners/viewState';
import { gatherFacts } from '../authorityFacts';

/** Slack's limits on an external_select's options (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element). */
export const MAX_OPTIONS = 100;
export const MAX_OPTION_VALUE = 150;
/** How long a service listing is reused. */
export const LISTING_TTL_MS = 30_000;
/** How long a block_suggestion waits for a listing (Slack allows 3 s for the whole answer). */
export const SUGGEST_BUDGET_MS = 2_000;

export interface TargetOption {
  /** what the menu shows (≤ 75 characters) */
  text: string;
  /** the full resource name */
  value: string;
}

export function createRequestForm(deps: AppDeps) {
  let cached: { at: number; services: Promise<ServiceInfo[]> } | undefined;

  function services(): Promise<ServiceInfo[]> {
    const now = Date.now();
    const project = deps.policy().defaults.project;
    if (!project) return Promise.resolve([]);
    if (!cached || now - cached.at > LISTING_TTL_MS) {
      const listing = deps.services.listServices(`projects/${project}/locations/-`);
      cached = { at: now, services: listing };
      // a failed listing is not kept
      listing.catch(() => {
        if (cached?.services === listing) cached = undefined;
      });
    }
    return cached.services;
  }

  /**
   * Targets of `kind` (or of any service kind when none is chosen yet)
   * matching `typed` that a rule lets `user` ask for: someone who may ask for
   * nothing (no identity in the domains, in no rule's requesters) gets none.
   */
  async function suggest(user: string, kind: RequestKind | undefined, typed: string): Promise<TargetOption[]> {
    const policy = deps.policy();
    const text = typed.trim().toLowerCase();
    // Before a kind is chosen: services any service kind's rules cover.
    const kinds: RequestKind[] = kind ? [kind] : FORM_KINDS.filter((k) => k.form.target === 'service').map((k) => k.kind);
    const facts = await gatherFacts(deps.directory, policy, eligibilityNeeds(policy, user));
    const eligible = eligibleRules(policy, facts, user, kinds);
    if (eligible.verdict === 'refused') return [];
    // the rule that would decide a target is the first of its kind that matches it (findRule): it must be one of the user's
    const covers = (k: RequestKind, name: string): boolean => {
      const first = policy.rules.findIndex((rule) => rule.kind === k && rule.resources.some((glob) => matchGlob(glob, name)));
      return eligible.rules.some((rule) => rule.index === first);
    };
    if (kind !== undefined && formOf(kind)?.target === 'key') {
      const key = resolveKeyName(typed.trim(), policy.defaults);
      return key.ok && covers(kind, key.name) ? [{ text: typed.trim().slice(0, 75), value: key.name }] : [];
    }
    const options: TargetOption[] = [];
    // Slack waits 3 s for options: a listing not ready by then answers nothing now and serves the next keystroke.
    const listed = await withinAck(services(), SUGGEST_BUDGET_MS);
    if (listed === undefined) deps.logger.info('service listing not ready for a block_suggestion; answering with no options', {});
    for (const service of listed ?? []) {
      const [, , , region = '', , short = ''] = service.name.split('/');
      if (!short.toLowerCase().includes(text) || service.name.length > MAX_OPTION_VALUE) continue;
      if (!kinds.some((k) => covers(k, service.name))) continue;
      options.push({ text: `${short} (${region})`.slice(0, 75), value: service.name });
      if (options.length === MAX_OPTIONS) break;
    }
    return options;
  }

  /** The rule's hints for `kind`: the longest duration allowed, whether permanent changes are, the reason hint. */
  function hints(kind: RequestKind): FormHints {
    const rules = deps.policy().rules.filter((r) => r.kind === kind);
    const max = Math.max(0, ...rules.map((r) => r.maxDurationSeconds ?? 0));
    return {
      maxDuration: max > 0 ? formatDuration(max) : undefined,
      permanentAllowed: rules.some((r) => r.maxDurationSeconds === undefined),
      reason: rules.find((r) => r.reason?.hint)?.reason?.hint,
    };
  }

  /** Starts a listing (when the form opens) so that the first keystroke is answered from memory; settles (never rejects) with it. */
  function warm(): Promise<void> {
    return services().then(
      () => undefined,
      (error: unknown) => deps.logger.warn('could not list services for the request form', { error: String(error) }),
    );
  }

  return { suggest, hints, warm };
}

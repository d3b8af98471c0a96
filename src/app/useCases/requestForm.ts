/**
 * What the request form needs besides the command's own code: the Target
 * options typed letters match (block_suggestion), and the kind's hints from
 * the policy. Targets come from every project the user's rules cover
 * (projectsToList: the projects their resource globs name, the default
 * project for a wildcard one; at most MAX_LISTED_PROJECTS), listed through
 * the service catalog (ListServices, every region, bounded, cached briefly)
 * so typing answers from memory; a full name (or a short one, with the
 * policy's defaults) typed exactly is looked up directly (GetService).
 * At most MAX_OPTIONS options (Slack's limit).
 */
import { formatDuration } from '../../domain/duration';
import { decidesTarget, projectsToList, type EligibleRule } from '../../domain/authority/eligible';
import type { RequestKind } from '../../domain/request';
import { FORM_KINDS, formOf } from '../../kinds/registry';
import { resolveKeyName, resolveServiceName } from '../../domain/resourceNames';
import type { FormHints } from '../../adapters/slack/views/requestForm';
import type { AppDeps } from '../deps';
import { withinAck } from '../../adapters/slack/listeners/viewState';
import type { Openness } from './eligible';
import type { ServiceCatalog } from '../serviceCatalog';

/** Slack's limits on an external_select's options (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element). */
export const MAX_OPTIONS = 100;
export const MAX_OPTION_VALUE = 150;
/** How long a block_suggestion waits for a listing (Slack allows 3 s for the whole answer). */
export const SUGGEST_BUDGET_MS = 2_000;
/** The least time an exact name's GetService is given (within Slack's 3 s with the listing's budget). */
export const EXACT_MIN_BUDGET_MS = 600;

/** The rules that let a person ask (src/app/useCases/eligible.ts openTo). */
type OpenTo = (user: string, kinds?: readonly RequestKind[]) => Promise<Openness>;

export interface TargetOption {
  /** what the menu shows (≤ 75 characters) */
  text: string;
  /** the full resource name */
  value: string;
}

export function createRequestForm(deps: AppDeps, catalog: ServiceCatalog, openTo: OpenTo) {
  /** The rules `user` may ask under (of `kinds`), or none. */
  async function openRules(user: string, kinds: readonly RequestKind[]): Promise<EligibleRule[]> {
    const open = await openTo(user, kinds);
    return open.open ? open.rules : [];
  }

  /**
   * When the form opens: why nothing is open to `user` in it (no form kind's
   * rule lets them ask), or undefined when something is.
   */
  async function closedTo(user: string): Promise<Extract<Openness, { open: false }> | undefined> {
    const open = await openTo(
      user,
      FORM_KINDS.map((k) => k.kind),
    );
    // a lookup that failed says nothing either way: the form opens, and submission decides
    return open.open || open.why === 'facts_missing' ? undefined : open;
  }

  /** The projects whose services the form offers `user`. */
  function projectsFor(rules: readonly EligibleRule[]): string[] {
    return projectsToList(
      deps.policy(),
      rules.filter((rule) => formOf(rule.rule.kind)?.target === 'service'),
    );
  }

  /** Whether service `name` exists: one GetService within `budgetMs` (a failure or a late answer reads as no). */
  async function exists(name: string, budgetMs: number): Promise<boolean> {
    const found = await withinAck(
      deps.services.getService(name).then(
        () => true,
        () => false,
      ),
      budgetMs,
    );
    return found === true;
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
    const rules = await openRules(user, kinds);
    if (rules.length === 0) return [];
    // the rule that would decide a target is the first of its kind that matches it (findRule): it must be one of the user's
    const covers = (k: RequestKind, name: string): boolean =>
      rules.some((rule) => rule.rule.kind === k && decidesTarget(policy, rule.index, name));
    if (kind !== undefined && formOf(kind)?.target === 'key') {
      const key = resolveKeyName(typed.trim(), policy.defaults);
      return key.ok && covers(kind, key.name) ? [{ text: typed.trim().slice(0, 75), value: key.name }] : [];
    }
    const options: TargetOption[] = [];
    const offer = (name: string, exact: boolean): void => {
      const [, project = '', , region = '', , short = ''] = name.split('/');
      if (options.length >= MAX_OPTIONS || name.length > MAX_OPTION_VALUE || options.some((o) => o.value === name)) return;
      if (!exact && !short.toLowerCase().includes(text) && !name.toLowerCase().includes(text)) return;
      if (!kinds.some((k) => covers(k, name))) return;
      const where = project === policy.defaults.project ? region : `${project}, ${region}`;
      options.push({ text: `${short} (${where})`.slice(0, 75), value: name });
    };
    // Slack waits 3 s for options: a listing not ready by then answers without it now and serves the next keystroke.
    const started = Date.now();
    const projects = projectsFor(rules);
    const listed = await catalog.list(projects, SUGGEST_BUDGET_MS);
    if (listed.missing.length > 0)
      deps.logger.info('service listing not ready for a block_suggestion; answering without it', { projects: listed.missing });
    const names = listed.services.map((service) => service.name).sort();
    // A full name typed exactly and not listed (newer than the listing, or in a project not listed) is looked up
    // directly; a short one (with the policy's defaults) only when its project was not listed — past the cap, covered
    // by a wildcard glob, or not ready — so that letters typed one by one do not each cost a GetService.
    // Only when a rule of the user's decides it.
    const typedName = text.length > 0 ? resolveServiceName(typed.trim(), {}, policy.defaults) : undefined;
    const listedHere = (project: string): boolean => projects.includes(project) && !listed.missing.includes(project);
    const full = typed.includes('/');
    if (
      typedName?.ok &&
      !names.includes(typedName.name) &&
      (full || !listedHere(typedName.project)) &&
      kinds.some((k) => covers(k, typedName.name))
    ) {
      const left = Math.max(EXACT_MIN_BUDGET_MS, SUGGEST_BUDGET_MS + EXACT_MIN_BUDGET_MS - (Date.now() - started));
      if (await exists(typedName.name, left)) offer(typedName.name, true);
    }
    for (const name of names) offer(name, false);
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

  /** Starts the listings of `user`'s projects (when the form opens) so that the first keystroke is answered from memory; never rejects. */
  async function warm(user: string): Promise<void> {
    const kinds = FORM_KINDS.filter((k) => k.form.target === 'service').map((k) => k.kind);
    try {
      await catalog.warm(projectsFor(await openRules(user, kinds)));
    } catch (error) {
      deps.logger.warn('could not list services for the request form', { error: String(error) });
    }
  }

  return { suggest, hints, warm, closedTo };
}

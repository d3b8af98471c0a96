/**
 * Redraws of an open modal in the order the user made their choices, so the
 * last choice always wins (choosing Kind three times within a second while the
 * first views.update is slow used to leave the older view on screen).
 *
 * Per view id: one views.update at a time; a choice that arrives while one is
 * in flight waits, and a newer choice replaces a waiting one (only the latest
 * is drawn once the slow call returns). Choices are ordered by Slack's
 * `action_ts` (when the user chose, "seconds.microseconds"), not by arrival:
 * a choice older than one already seen is dropped. Every update carries the
 * view's `hash` — the one returned by this process's previous update of the
 * view, else the payload's — so Slack refuses (`hash_conflict`) to overwrite
 * a version drawn elsewhere in the meantime (another instance, a submission);
 * then the choice is retried once with its own payload's hash when that
 * differs, and otherwise left alone (the newer version stays).
 *
 * The ordering lives in this process: with several Cloud Run instances, two
 * choices served by different instances are kept apart only by `hash`.
 * Entries are dropped once a view has been idle for IDLE_MS (and the map never
 * holds more than MAX_VIEWS views).
 */
import type { Logger, SlackSurface, ViewsPort } from '../../../ports';

/** How long the order of one view's choices is remembered after its last redraw. */
export const IDLE_MS = 10 * 60_000;
/** The most views remembered at once (the oldest are forgotten first). */
export const MAX_VIEWS = 5_000;

export interface Redraw {
  viewId: string;
  /** Slack's `action_ts` of the choice ("1700000000.123456"); undefined when the payload has none */
  actionTs: string | undefined;
  /** the view's `hash` in the choice's payload */
  hash: string | undefined;
  /** builds the view for this choice (called only if it is still the latest when its turn comes) */
  render: () => SlackSurface;
}

interface ViewOrder {
  newest: bigint;
  hash: string | undefined;
  waiting: Redraw | undefined;
  running: boolean;
  touchedAt: number;
}

/** `redraw` resolves once this choice has been drawn, superseded or given up (never rejects). */
export function createViewRedraws(deps: { views: ViewsPort; logger: Logger; nowMs?: () => number }): {
  redraw(choice: Redraw): Promise<void>;
} {
  const nowMs = deps.nowMs ?? Date.now;
  const views = new Map<string, ViewOrder>();

  const forgetIdle = (): void => {
    for (const [id, order] of views) {
      if (views.size <= MAX_VIEWS && nowMs() - order.touchedAt < IDLE_MS) break; // insertion order: oldest first
      if (!order.running) views.delete(id);
    }
  };

  const draw = async (viewId: string, order: ViewOrder, choice: Redraw): Promise<void> => {
    const tried = order.hash ?? choice.hash;
    let result = await deps.views.updateView(viewId, choice.render(), { hash: tried });
    if (result.outcome === 'hash_conflict' && choice.hash && choice.hash !== tried && !order.waiting) {
      result = await deps.views.updateView(viewId, choice.render(), { hash: choice.hash });
    }
    if (result.outcome === 'updated') order.hash = result.hash;
    else {
      order.hash = undefined;
      deps.logger.info('the form changed elsewhere since this choice; the newer version stays', { viewId });
    }
  };

  const pump = async (viewId: string, order: ViewOrder): Promise<void> => {
    order.running = true;
    try {
      for (let choice = order.waiting; choice; choice = order.waiting) {
        order.waiting = undefined;
        await draw(viewId, order, choice).catch((error: unknown) =>
          deps.logger.warn('could not redraw the request form', { viewId, error: String(error) }),
        );
      }
    } finally {
      order.running = false;
      order.touchedAt = nowMs();
    }
  };

  return {
    async redraw(choice) {
      forgetIdle();
      const at = choiceTime(choice.actionTs) ?? BigInt(Math.floor(nowMs())) * 1000n;
      const order = views.get(choice.viewId) ?? { newest: -1n, hash: undefined, waiting: undefined, running: false, touchedAt: nowMs() };
      views.delete(choice.viewId);
      views.set(choice.viewId, order); // most recently used last
      order.touchedAt = nowMs();
      if (at < order.newest) {
        deps.logger.debug('a form choice older than one already made is dropped', { viewId: choice.viewId });
        return;
      }
      order.newest = at;
      order.waiting = choice;
      if (!order.running) await pump(choice.viewId, order);
    },
  };
}

/** Slack's "seconds.microseconds" as microseconds, exactly (a float would round them); undefined if malformed. */
function choiceTime(ts: string | undefined): bigint | undefined {
  const match = ts === undefined ? null : /^(\d{1,12})(?:\.(\d{1,6})\d*)?$/.exec(ts);
  if (!match?.[1]) return undefined;
  return BigInt(match[1]) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
}

/**
 * Where runwarden's Slack listeners are registered: one Bolt listener per kind
 * of payload — the slash command, block actions, view submissions, options,
 * events — each dispatching by its id (action_id, view callback_id).
 *
 * Why not one Bolt listener per id: Bolt runs the middleware chain of EVERY
 * registered listener for EVERY request (App.processEvent maps over all of
 * them, each with its own promise chain and argument copies), so each listener
 * costs every slash command a few µs whether it matches or not. With fourteen
 * listeners that was a quarter of a `help` command's CPU (bench/README.md,
 * "Where a help command's time goes"). Routing by id keeps it at five.
 *
 * Matching is Bolt's own, by exact id: an action listener sees only
 * `block_actions` payloads whose `action_id` it registered (Bolt's string
 * `action_id` constraint matches block payloads only), a view listener only
 * `view_submission` payloads whose `view.callback_id` it registered. Anything
 * else is left unacknowledged, as with no listener at all.
 */
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';

type Listener<Args> = (args: Args & AllMiddlewareArgs) => Promise<void>;
export type ActionListener = Listener<SlackActionMiddlewareArgs<BlockAction>>;
export type ViewListener = Listener<SlackViewMiddlewareArgs<ViewSubmitAction>>;

export interface SlackListeners {
  /** the slash command `name` (e.g. `/warden`) */
  command(name: string, listener: Listener<SlackCommandMiddlewareArgs>): void;
  /** a block action (button, select) with this `action_id` */
  action(actionId: string, listener: ActionListener): void;
  /** a `view_submission` of the modal with this `callback_id` */
  view(callbackId: string, listener: ViewListener): void;
  /** a `block_suggestion` (external select options) for this `action_id` */
  options(actionId: string, listener: Listener<SlackOptionsMiddlewareArgs<'block_suggestion'>>): void;
  /** an Events API event; App Home is the only one runwarden subscribes to */
  event(type: 'app_home_opened', listener: Listener<SlackEventMiddlewareArgs<'app_home_opened'>>): void;
}

function registerOnce<L>(what: string, routes: Map<string, L>, id: string, listener: L): void {
  if (routes.has(id)) throw new Error(`two ${what} listeners for ${id}`);
  routes.set(id, listener);
}

/** Registers on `app`; the action and view routers are added to Bolt on their first route. */
export function createSlackListeners(app: App): SlackListeners {
  const actions = new Map<string, ActionListener>();
  const views = new Map<string, ViewListener>();
  return {
    command: (name, listener) => app.command(name, listener),
    options: (actionId, listener) => app.options(actionId, listener),
    event: (type, listener) => app.event(type, listener),
    action(actionId, listener) {
      if (actions.size === 0) {
        app.action<BlockAction>({ type: 'block_actions' }, async (args) => {
          const route = actions.get(args.action.action_id);
          if (route) await route(args);
        });
      }
      registerOnce('action', actions, actionId, listener);
    },
    view(callbackId, listener) {
      if (views.size === 0) {
        app.view<ViewSubmitAction>({ type: 'view_submission' }, async (args) => {
          const route = views.get(args.view.callback_id);
          if (route) await route(args);
        });
      }
      registerOnce('view', views, callbackId, listener);
    },
  };
}

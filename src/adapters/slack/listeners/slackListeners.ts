/**
 * Where runwarden's Slack listeners are registered: one Bolt listener per kind
 * of payload — the slash command, block actions, view submissions, options,
 * events — each dispatching by its id (action_id, view callback_id).
 *
 * Why not one Bolt listener per id: Bolt runs the middleware chain of EVERY
 * registered listener for EVERY request (App.processEvent maps over all of
 * them, each with its own promise chain and argument copies), so each listener
 * costs every request whether it matches or not (bench/README.md, "Where a
 * help command's time goes"). Routing by id keeps it at five, however many
 * buttons and modals runwarden has.
 *
 * Matching is by exact id, as with Bolt's string constraints: an action
 * listener sees only `block_actions` payloads whose `action_id` it registered,
 * a view listener only `view_submission` payloads whose `view.callback_id` it
 * registered, an options listener only `block_suggestion` payloads of its
 * `action_id`, a command listener only its command. Anything else is left
 * unacknowledged, as with no listener at all.
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

/**
 * Registers the five Bolt listeners on `app` at once; routes are added by id
 * afterwards. `ready` (optional) is awaited before every dispatch: runwarden
 * passes the first-use load of its request path (src/app/requestPath.ts),
 * which registers the routes, so nothing of it loads before the first Slack
 * request while no payload can arrive before its route.
 */
export function createSlackListeners(app: App, ready: () => Promise<unknown> = () => Promise.resolve()): SlackListeners {
  const commands = new Map<string, Listener<SlackCommandMiddlewareArgs>>();
  const actions = new Map<string, ActionListener>();
  const views = new Map<string, ViewListener>();
  const options = new Map<string, Listener<SlackOptionsMiddlewareArgs<'block_suggestion'>>>();
  const events = new Map<string, Listener<SlackEventMiddlewareArgs<'app_home_opened'>>>();
  const dispatch = async <A>(routes: Map<string, Listener<A>>, id: () => string, args: A & AllMiddlewareArgs): Promise<void> => {
    await ready();
    const route = routes.get(id());
    if (route) await route(args);
  };
  app.command(/^\//, (args) => dispatch(commands, () => args.command.command, args));
  app.action<BlockAction>({ type: 'block_actions' }, (args) => dispatch(actions, () => args.action.action_id, args));
  app.view<ViewSubmitAction>({ type: 'view_submission' }, (args) => dispatch(views, () => args.view.callback_id, args));
  app.options<'block_suggestion'>({ type: 'block_suggestion' }, (args) => dispatch(options, () => args.payload.action_id, args));
  app.event('app_home_opened', (args) => dispatch(events, () => args.event.type, args));
  return {
    command: (name, listener) => registerOnce('command', commands, name, listener),
    action: (actionId, listener) => registerOnce('action', actions, actionId, listener),
    view: (callbackId, listener) => registerOnce('view', views, callbackId, listener),
    options: (actionId, listener) => registerOnce('options', options, actionId, listener),
    event: (type, listener) => registerOnce('event', events, type, listener),
  };
}

/**
 * The Slack app manifest (https://docs.slack.dev/reference/app-manifest),
 * built from the one source of each of its parts:
 * - the slash command and its usage hint: the commands registry
 *   (commands/parse.ts SUBCOMMANDS);
 * - the OAuth scopes: WEB_API_SCOPES below, the scope of each Web API method
 *   the code calls (test/unit/deploy/slackManifest.test.ts derives the called
 *   methods from the code with the type checker and fails when they differ);
 * - the event subscriptions, interactivity and options-load URL: all on
 *   POST /slack/events, the one route Slack calls (SPEC §3).
 *
 * `npm run slack-manifest` prints it (or writes infra/slack-app-manifest.yaml);
 * the checked-in file is tested for drift.
 */
import { SUBCOMMANDS } from '../../../commands';
import { DEFAULT_SLASH_COMMAND } from '../../domain/grammar/slash';

/**
 * Scopes each Web API method needs (Slack's method reference, "Required
 * scopes"). views.open / views.publish / views.update and auth.test need none.
 * users.info needs users:read, and users:read.email for profile.email.
 */
export const WEB_API_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'chat.delete': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  // finding a post that timed out but reached Slack (its metadata marks it) in a public or private channel
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.open': ['im:write'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read', 'users:read.email'],
  // a conversion's members are told by DM: their Slack user found by their email (https://api.slack.com/methods/users.lookupByEmail)
  'users.lookupByEmail': ['users:read.email'],
  'views.open': [],
  'views.publish': [],
  'views.update': [],
};

/** Events runwarden subscribes to (SPEC §9: App Home). app_home_opened needs no scope. */
export const BOT_EVENTS: readonly string[] = ['app_home_opened'];

/** Placeholder for the service's host in the checked-in manifest. */
export const URL_PLACEHOLDER = 'https://RUNWARDEN_URL';

/** The route Slack calls for everything (SPEC §3). */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface ManifestOptions {
  /** the service URL (Terraform output service_url), default the placeholder */
  url?: string | undefined;
  /** WARDEN_SLASH_COMMAND, default /warden */
  slash?: string | undefined;
}

/** The manifest as a plain object (YAML- or JSON-serialisable). */
export function slackAppManifest(options: ManifestOptions = {}): Record<string, unknown> {
  const slash = options.slash ?? DEFAULT_SLASH_COMMAND;
  const requestUrl = `${(options.url ?? URL_PLACEHOLDER).replace(/\/+$/, '')}${SLACK_EVENTS_PATH}`;
  const scopes = [...new Set(['commands', ...Object.values(WEB_API_SCOPES).flat()])].sort();
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'runwarden',
      description: 'Just-in-time, approved, time-bound access to Google Cloud Run.',
      long_description:
        'runwarden grants engineers temporary, approved changes to the security posture of Cloud Run workloads: ' +
        'invoker access to a private service, egress and ingress changes, and rotation of the KMS keys that protect them. ' +
        'Every request is posted to an approval channel, decided by approvers with buttons, recorded with its full history, ' +
        `and undone automatically when it expires. Type ${slash} help to start.`,
      background_color: '#1d3557',
    },
    features: {
      app_home: {
        home_tab_enabled: true,
        // on for the bot's direct messages (outcome notices); runwarden does not read replies
        messages_tab_enabled: true,
        messages_tab_read_only_enabled: true,
      },
      bot_user: { display_name: 'runwarden', always_online: true },
      slash_commands: [
        {
          command: slash,
          url: requestUrl,
          description: 'Ask for, approve and review just-in-time Cloud Run access',
          usage_hint: usageHint(),
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: scopes } },
    settings: {
      event_subscriptions: { request_url: requestUrl, bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, request_url: requestUrl, message_menu_options_url: requestUrl },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

/** "invoker <service> … | … | status <id> | help": each subcommand with its first argument, "…" when more follow. */
function usageHint(): string {
  return SUBCOMMANDS.map((subcommand) => {
    const words = subcommand.usage('').trim().split(/\s+/);
    return words.length > 2 ? `${words.slice(0, 2).join(' ')} …` : words.join(' ');
  }).join(' | ');
}

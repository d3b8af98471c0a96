import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const manifestPath = join(__dirname, '../../../../infra/slack-app-manifest.yaml');
const URL = 'https://RUNWARDEN_URL/slack/events';

/** The part of Slack's manifest schema runwarden relies on, with its documented limits. */
const Manifest = z.object({
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().max(140),
    long_description: z.string().min(175).max(4000),
    background_color: z.string().regex(/^#[0-9a-f]{6}$/i),
  }),
  features: z.object({
    app_home: z.object({ home_tab_enabled: z.boolean(), messages_tab_enabled: z.boolean() }),
    bot_user: z.object({ display_name: z.string().regex(/^[a-z0-9._-]{1,80}$/), always_online: z.boolean() }),
    slash_commands: z.array(
      z.object({
        command: z.string().startsWith('/').max(32),
        url: z.string(),
        description: z.string().min(1).max(2000),
        usage_hint: z.string().max(1000),
        should_escape: z.boolean(),
      }),
    ),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }).strict() }),
  settings: z.object({
    event_subscriptions: z.object({ request_url: z.string(), bot_events: z.array(z.string()).max(100) }),
    interactivity: z.object({ is_enabled: z.boolean(), request_url: z.string(), message_menu_options_url: z.string() }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});

describe('infra/slack-app-manifest.yaml', () => {
  const manifest = Manifest.parse(parse(readFileSync(manifestPath, 'utf8')));

  // The scopes are derived from the code's Web API calls: test/unit/deploy/slackManifest.test.ts.

  it('sends the slash command, events, interactivity and option loads to /slack/events over HTTP mode', () => {
    expect(manifest.features.slash_commands).toEqual([expect.objectContaining({ command: '/warden', url: URL, should_escape: false })]);
    expect(manifest.settings).toEqual({
      event_subscriptions: { request_url: URL, bot_events: ['app_home_opened'] },
      interactivity: { is_enabled: true, request_url: URL, message_menu_options_url: URL },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    });
  });

  it('enables the Home tab (SPEC §9) and keeps the Messages tab on so direct messages reach the requester', () => {
    expect(manifest.features.app_home).toEqual({ home_tab_enabled: true, messages_tab_enabled: true });
  });
});

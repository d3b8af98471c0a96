/**
 * The Slack app manifest: the checked-in infra/slack-app-manifest.yaml is
 * exactly what the generator produces (no drift), and its scopes are exactly
 * those of the Web API methods the code calls (found with the type checker,
 * so a new call fails here until its scope is decided in WEB_API_SCOPES).
 */
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { BOT_EVENTS, slackAppManifest, WEB_API_SCOPES } from '../../../src/adapters/slack/appManifest';
import { renderSlackManifest } from '../../../dev/cli/renderSlackManifest';
import { SUBCOMMANDS } from '../../../commands/parse';
import { ROOT, sourceProgram } from '../../support/clientCalls';

interface Found {
  method: string;
  at: string;
}

/** Web API calls (client.chat.postMessage → "chat.postMessage") and Bolt app.event("…") registrations in src/ (by literal type). */
function slackUsage(): { webApi: Found[]; events: Found[] } {
  const program = sourceProgram();
  const checker = program.getTypeChecker();
  const webApi: Found[] = [];
  const events: Found[] = [];
  for (const file of program.getSourceFiles()) {
    const rel = relative(ROOT, file.fileName).split(sep).join('/');
    if (!rel.startsWith('src/')) continue;
    const at = (node: ts.Node): string => `${rel}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const declaredIn = checker.getSymbolAtLocation(node.expression.name)?.declarations?.[0]?.getSourceFile().fileName ?? '';
        if (/node_modules[\\/]@slack[\\/]web-api[\\/]/.test(declaredIn)) {
          const names: string[] = [];
          let expression: ts.Expression = node.expression;
          while (
            ts.isPropertyAccessExpression(expression) &&
            checker.getTypeAtLocation(expression.expression).getSymbol()?.getName() !== 'WebClient'
          ) {
            names.unshift(expression.name.text);
            expression = expression.expression;
          }
          if (ts.isPropertyAccessExpression(expression)) names.unshift(expression.name.text);
          webApi.push({ method: names.join('.'), at: at(node) });
        }
        if (node.expression.name.text === 'event' && /node_modules[\\/]@slack[\\/]bolt[\\/]/.test(declaredIn)) {
          // a literal, or a parameter typed as literals (the listener router's `event(type: 'app_home_opened', …)`)
          const first = node.arguments[0];
          const type = first && checker.getTypeAtLocation(first);
          const literals = type
            ? (type.isUnion() ? type.types : [type]).filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value)
            : [];
          if (literals.length === 0 || (type?.isUnion() && literals.length !== type.types.length))
            events.push({ method: '(not a literal)', at: at(node) });
          for (const method of literals) events.push({ method, at: at(node) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { webApi, events };
}

describe('the Slack app manifest', () => {
  const usage = slackUsage();
  const manifest = slackAppManifest() as {
    features: { app_home: Record<string, boolean>; slash_commands: Array<Record<string, string>> };
    oauth_config: { scopes: { bot: string[] } };
    settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: Record<string, string | boolean> };
  };

  it('the checked-in infra/slack-app-manifest.yaml is the generated one (run `npm run slack-manifest -- --write`)', () => {
    expect(readFileSync(join(ROOT, 'infra', 'slack-app-manifest.yaml'), 'utf8')).toBe(renderSlackManifest());
    expect(parse(renderSlackManifest())).toEqual(manifest);
  });

  it("finds the code's Web API calls at all (the analysis works)", () => {
    expect(usage.webApi.map((c) => c.method)).toEqual(expect.arrayContaining(['chat.postMessage', 'usergroups.users.list', 'users.info']));
  });

  it('every Web API method the code calls has its scopes decided in WEB_API_SCOPES', () => {
    expect(usage.webApi.filter((c) => !(c.method in WEB_API_SCOPES)).map((c) => `${c.method} at ${c.at}`)).toEqual([]);
  });

  it('asks exactly the scopes of the called methods, plus commands for the slash command', () => {
    const needed = new Set(['commands', ...usage.webApi.flatMap((c) => WEB_API_SCOPES[c.method] ?? [])]);
    expect(manifest.oauth_config.scopes.bot).toEqual([...needed].sort());
  });

  it('subscribes to every event the app listens to, and to app_home_opened for the App Home (SPEC §9)', () => {
    expect(usage.events.map((e) => e.method)).toContain('app_home_opened'); // the analysis finds the registration at all
    expect(usage.events.filter((e) => !BOT_EVENTS.includes(e.method)).map((e) => `${e.method} at ${e.at}`)).toEqual([]);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('sends commands, events, interactions and external_select option loads to POST /slack/events', () => {
    const url = slackAppManifest({ url: 'https://runwarden-1.us-central1.run.app/' }) as typeof manifest;
    const expected = 'https://runwarden-1.us-central1.run.app/slack/events';
    expect(url.features.slash_commands[0]?.url).toBe(expected);
    expect(url.settings.event_subscriptions.request_url).toBe(expected);
    expect(url.settings.interactivity).toMatchObject({ is_enabled: true, request_url: expected, message_menu_options_url: expected });
  });

  it('takes the command and the usage hint from the commands registry', () => {
    const command = slackAppManifest({ slash: '/warden-staging' }) as typeof manifest;
    expect(command.features.slash_commands[0]?.command).toBe('/warden-staging');
    const hint = String(manifest.features.slash_commands[0]?.usage_hint);
    for (const subcommand of SUBCOMMANDS) expect(hint).toContain(subcommand.name);
  });
});

/**
 * Slash-command text → a typed Command, or an error with the usage line to
 * show. Never throws: every malformed command gets a specific answer. The
 * request kinds' subcommands come from the kinds' registry
 * (src/kinds/registry.ts); the others are modules of this folder.
 */
import type { ParseArgsResult } from '../src/domain/grammar/args';
import { orList, splitWords, tokenizeWords, type Tokens } from '../src/domain/grammar/tokens';
import type { RequestKind } from '../src/domain/request';
import { isRequestKind, KINDS, type KindArgs } from '../src/kinds/registry';
import * as cancel from './cancel';
import * as eligible from './eligible';
import * as explain from './explain';
import * as extend from './extend';
import * as help from './help';
import * as list from './list';
import * as posture from './posture';
import * as revoke from './revoke';
import * as status from './status';
import { DEFAULT_SLASH_COMMAND } from '../src/domain/grammar/slash';

/** The subcommands that are not a request kind, in the order help lists them (after the kinds). */
const OTHERS = [list, status, revoke, cancel, extend, eligible, explain, posture, help] as const;

export type CommandName = RequestKind | (typeof OTHERS)[number]['name'];

/** What help and the app manifest show of a subcommand. */
export interface Subcommand {
  name: CommandName;
  usage(slash?: string): string;
  summary: string;
}

/** The subcommand of each request kind, from its module. */
const KIND_SUBCOMMANDS = Object.values(KINDS).map((kind): Subcommand => ({
  name: kind.kind,
  usage: (slash = DEFAULT_SLASH_COMMAND) => kind.command.usage(slash),
  summary: kind.command.summary,
}));

/** In the order help lists them: the request kinds first. */
export const SUBCOMMANDS: readonly Subcommand[] = [...KIND_SUBCOMMANDS, ...OTHERS];

/** A request kind's subcommand, parsed: the kind's name and its arguments. */
export type KindCommandOf = { [K in RequestKind]: { name: K } & KindArgs<K> }[RequestKind];

export type Command =
  | KindCommandOf
  | ({ name: 'list' } & list.ListArgs)
  | ({ name: 'status' } & status.StatusArgs)
  | ({ name: 'revoke' } & revoke.RevokeArgs)
  | ({ name: 'cancel' } & cancel.CancelArgs)
  | ({ name: 'extend' } & extend.ExtendArgs)
  | ({ name: 'eligible' } & eligible.EligibleArgs)
  | ({ name: 'explain' } & explain.ExplainArgs)
  | ({ name: 'posture' } & posture.PostureArgs)
  | ({ name: 'help' } & help.HelpArgs);

export type ParseCommandResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

const NAMES = SUBCOMMANDS.map((subcommand) => subcommand.name);

/** The one-line usage for a command runwarden did not recognise. */
export function overviewUsage(slash = DEFAULT_SLASH_COMMAND): string {
  return `${slash} <${NAMES.join('|')}> …`;
}

const HELP_TEXTS = new Map<string, string>();

/** Every usage line with its summary, for `/warden help`. */
export function helpText(slash = DEFAULT_SLASH_COMMAND): string {
  // the same text for a slash command every time: built once per slash command (the process has one)
  let text = HELP_TEXTS.get(slash);
  if (text === undefined) HELP_TEXTS.set(slash, (text = buildHelpText(slash)));
  return text;
}

function buildHelpText(slash: string): string {
  return [
    '*runwarden* — just-in-time, approved, time-bound changes to Cloud Run. Every request is approved in Slack and recorded.',
    ...SUBCOMMANDS.map((subcommand) => `• \`${subcommand.usage(slash)}\` — ${subcommand.summary}`),
    'Durations: 90s, 30m, 2h, 1d, 1h30m. Services: a short name (project and region from the policy or --project/--region) or projects/P/locations/L/services/S. Keys: ring/key or projects/P/locations/L/keyRings/R/cryptoKeys/K.',
  ].join('\n');
}

function named<N extends CommandName, A extends object>(name: N, result: ParseArgsResult<A>): ParseArgsResult<{ name: N } & A> {
  return result.ok ? { ok: true, args: { name, ...result.args } } : result;
}

/** Whether a parsed command makes a request of one of the kinds. */
export function isKindCommand(command: Command): command is KindCommandOf {
  return isRequestKind(command.name);
}

function parseArgsOf(name: CommandName, tokens: Tokens): ParseArgsResult<Command> {
  if (isRequestKind(name)) {
    const parsed = KINDS[name].command.parseArgs(tokens);
    // The kind's schema made these arguments: they are KindArgs of `name`.
    return parsed.ok ? { ok: true, args: { name, ...parsed.args } as KindCommandOf } : parsed;
  }
  switch (name) {
    case 'list':
      return named(name, list.parseArgs(tokens));
    case 'status':
      return named(name, status.parseArgs(tokens));
    case 'revoke':
      return named(name, revoke.parseArgs(tokens));
    case 'cancel':
      return named(name, cancel.parseArgs(tokens));
    case 'extend':
      return named(name, extend.parseArgs(tokens));
    case 'eligible':
      return named(name, eligible.parseArgs(tokens));
    case 'explain':
      return named(name, explain.parseArgs(tokens));
    case 'posture':
      return named(name, posture.parseArgs(tokens));
    case 'help':
      return named(name, help.parseArgs(tokens));
  }
}

export function parseCommand(text: string, slash = DEFAULT_SLASH_COMMAND): ParseCommandResult {
  const words = splitWords(text);
  // Tolerate the command itself in the text (as a CLI or a copy-paste may send it).
  if (words[0] !== undefined && words[0].toLowerCase() === slash.toLowerCase()) words.shift();
  const first = words[0]?.toLowerCase();
  if (first === undefined) return { ok: true, command: { name: 'help' } };
  const subcommand = SUBCOMMANDS.find((candidate) => candidate.name === first);
  if (!subcommand) {
    const what = first.startsWith('-') ? 'Start with a command' : `\`${words[0] ?? ''}\` is not a runwarden command`;
    return { ok: false, error: `${what}: use ${orList(NAMES)} (\`${slash} help\` explains them)`, usage: overviewUsage(slash) };
  }
  const usage = subcommand.usage(slash);
  const tokenized = tokenizeWords(words.slice(1));
  if (!tokenized.ok) return subcommand.name === 'help' ? { ok: true, command: { name: 'help' } } : { ...tokenized, usage };
  const parsed = parseArgsOf(subcommand.name, tokenized.tokens);
  return parsed.ok ? { ok: true, command: parsed.args } : { ok: false, error: parsed.error, usage };
}

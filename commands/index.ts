/**
 * The slash commands' face: what Slack's listeners (src/adapters/slack) and
 * the app manifest may use. Everything else under commands/ is internal to
 * the commands (the layer rule `adapters-use-the-command-face`,
 * .dependency-cruiser.cjs).
 */
export { helpText, overviewUsage, parseCommand, SUBCOMMANDS, type Command, type ParseCommandResult } from './parse';
export { runCommand } from './run';
export type { CommandContext, Problem, Reply } from './context';
export { argsSchema as extendArgsSchema, extensionReply } from './extend';
/** A request of a kind, submitted exactly as its subcommand does (the request form submits through it). */
export { submitKind } from './submit';

/**
 * The slash commands' face: what Slack's listeners (src/adapters/slack) and
 * the app manifest may use. Everything else under commands/ is internal to
 * the commands (the layer rule `adapters-use-the-command-face`,
 * .dependency-cruiser.cjs).
 */
export { helpText, overviewUsage, parseCommand, SUBCOMMANDS, type Command, type ParseCommandResult } from './parse';
export { runCommand } from './run';
export type { CommandContext, Reply } from './context';
export { argsSchema as extendArgsSchema, extensionReply } from './extend';
/** The request kinds' own subcommands, which the request form validates and submits through (formListener.ts). */
export * as egress from './egress';
export * as ingress from './ingress';
export * as invoker from './invoker';
export * as rotate from './rotate';

/**
 * The slash command runwarden answers when WARDEN_SLASH_COMMAND does not say
 * another (SPEC §2). Every text people read names the configured one: it
 * reaches the views and the commands as a parameter (Settings.slashCommand);
 * this default is for the configuration and for tools that run without one.
 */
export const DEFAULT_SLASH_COMMAND = '/warden';

/**
 * `npm run slack-manifest` — prints runwarden's Slack app manifest
 * (src/adapters/slack/appManifest.ts) as YAML, or writes the checked-in
 * infra/slack-app-manifest.yaml.
 *
 *   npm run --silent slack-manifest -- --url "$(terraform -chdir=infra output -raw service_url)" \
 *                                      --slash "$(terraform -chdir=infra output -raw slash_command)"
 *   npm run slack-manifest -- --write          # refresh the checked-in file (placeholder URL, /warden)
 *   npm run slack-manifest -- --help
 *
 * Bad arguments never end in a stack trace: the problem and the usage go to
 * stderr and the exit code is 2 (0 for --help and success).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderSlackManifest } from './renderSlackManifest';

export const USAGE = `usage: npm run --silent slack-manifest -- [--url URL] [--slash /COMMAND] [--write]
  --url URL         the service's https:// URL: terraform -chdir=infra output -raw service_url
                    (default: the placeholder https://RUNWARDEN_URL)
  --slash /COMMAND  the slash command, the same as WARDEN_SLASH_COMMAND:
                    terraform -chdir=infra output -raw slash_command (default: /warden)
  --write           write infra/slack-app-manifest.yaml (placeholder URL, /warden) instead of printing
  --help, -h        print this help`;

/** The checked-in manifest that `--write` refreshes. */
export const CHECKED_IN_MANIFEST = join(__dirname, '..', '..', '..', 'infra', 'slack-app-manifest.yaml');

/** Where the CLI writes: stdout, stderr, and the file `--write` refreshes. */
export interface SlackManifestIo {
  out(text: string): void;
  err(text: string): void;
  writeFile(path: string, text: string): void;
}

/** The same rule as WARDEN_SLASH_COMMAND (src/app/config.ts): a slash, then 1–31 of a-z 0-9 _ -. */
const SLASH_COMMAND = /^\/[a-z0-9_-]{1,31}$/;

const OPTIONS = {
  url: { type: 'string' },
  slash: { type: 'string' },
  write: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Parsed = { help: true } | { help: false; url?: string; slash?: string; write: boolean };

/**
 * Runs the CLI on `argv` (the arguments after the script name) and returns
 * the exit code: 0 on success or --help, 2 on a bad argument (unknown option,
 * missing value, stray argument, a URL that is not https://, a malformed
 * slash command, --write with --url or --slash).
 */
export function slackManifest(argv: readonly string[], io: SlackManifestIo): number {
  const parsed = parse(argv);
  if (typeof parsed === 'string') {
    io.err(`slack-manifest: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const yaml = renderSlackManifest({ url: parsed.url, slash: parsed.slash });
  if (parsed.write) {
    io.writeFile(CHECKED_IN_MANIFEST, yaml);
    io.out(`wrote ${CHECKED_IN_MANIFEST}\n`);
  } else {
    io.out(yaml);
  }
  return 0;
}

/** The options, or the first problem with them as a sentence. */
function parse(argv: readonly string[]): Parsed | string {
  // strict: false so that every problem is ours to word; the tokens say what was typed.
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values: { url?: string; slash?: string; write: boolean; help: boolean } = { write: false, help: false };
  for (const token of tokens) {
    if (token.kind === 'positional') return `unexpected argument "${token.value}" (options only)`;
    if (token.kind !== 'option') continue;
    switch (token.name) {
      case 'url':
      case 'slash':
        if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) return `${token.rawName} needs a value`;
        values[token.name] = token.value;
        break;
      case 'write':
      case 'help':
        if (token.value !== undefined) return `${token.rawName} takes no value`;
        values[token.name] = true;
        break;
      default:
        return `unknown option ${token.rawName}`;
    }
  }
  if (values.help) return { help: true };
  if (values.url !== undefined && !isHttpsUrl(values.url)) {
    return values.url === ''
      ? '--url is empty (has `terraform apply` run? terraform -chdir=infra output -raw service_url prints the URL)'
      : `--url must be the service's https:// URL, got "${values.url}"`;
  }
  if (values.slash !== undefined && !SLASH_COMMAND.test(values.slash)) {
    return `--slash must look like /warden (a slash, then 1 to 31 lowercase letters, digits, - or _), got "${values.slash}"`;
  }
  if (values.write && (values.url !== undefined || values.slash !== undefined)) {
    return '--write refreshes the checked-in manifest, which keeps the placeholder URL and /warden; leave out --write to print one with --url or --slash';
  }
  return { help: false, url: values.url, slash: values.slash, write: values.write };
}

function isHttpsUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname !== '' && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

if (require.main === module) {
  process.exitCode = slackManifest(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    writeFile: (path, text) => writeFileSync(path, text),
  });
}

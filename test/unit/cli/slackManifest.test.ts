/**
 * `npm run slack-manifest`: --help prints the usage, every bad argument is a
 * clear one-line message plus the usage on stderr with exit code 2 (before,
 * --help and any unknown option crashed with Node's ERR_PARSE_ARGS_* stack
 * trace), and --url / --slash reach the manifest.
 */
import { parse } from 'yaml';
import { CHECKED_IN_MANIFEST, slackManifest, USAGE } from '../../../dev/cli/slackManifest';
import { renderSlackManifest } from '../../../dev/cli/renderSlackManifest';

interface Run {
  code: number;
  out: string;
  err: string;
  written: Array<{ path: string; text: string }>;
}

function run(...argv: string[]): Run {
  const result: Run = { code: -1, out: '', err: '', written: [] };
  result.code = slackManifest(argv, {
    out: (text) => (result.out += text),
    err: (text) => (result.err += text),
    writeFile: (path, text) => result.written.push({ path, text }),
  });
  return result;
}

type Manifest = {
  features: { slash_commands: Array<{ command: string; url: string }> };
  settings: { event_subscriptions: { request_url: string } };
};

describe('npm run slack-manifest', () => {
  it.each([['--help'], ['-h']])('%s prints the usage on stdout and exits 0', (flag) => {
    const result = run(flag);
    expect(result).toMatchObject({ code: 0, err: '', written: [] });
    expect(result.out).toBe(`${USAGE}\n`);
    for (const option of ['--url', '--slash', '--write', '--help']) expect(USAGE).toContain(option);
  });

  it('--help wins over other options (the usage, nothing rendered)', () => {
    expect(run('--url', 'https://runwarden-1.us-central1.run.app', '--help')).toMatchObject({ code: 0, out: `${USAGE}\n` });
  });

  it.each([
    { argv: ['--bogus'], message: 'unknown option --bogus' },
    { argv: ['-x'], message: 'unknown option -x' },
    { argv: ['--URL', 'https://a.run.app'], message: 'unknown option --URL' },
    { argv: ['--url'], message: '--url needs a value' },
    { argv: ['--url', '--slash', '/warden'], message: '--url needs a value' },
    { argv: ['--slash'], message: '--slash needs a value' },
    { argv: ['--url='], message: '--url is empty' },
    { argv: ['--url', ''], message: '--url is empty' },
    {
      argv: ['--url', 'runwarden-1.us-central1.run.app'],
      message: `--url must be the service's https:// URL, got "runwarden-1.us-central1.run.app"`,
    },
    { argv: ['--url', 'http://runwarden-1.us-central1.run.app'], message: `--url must be the service's https:// URL` },
    { argv: ['--slash', 'warden'], message: '--slash must look like /warden' },
    { argv: ['--slash', '/Warden'], message: '--slash must look like /warden' },
    { argv: ['--slash', '/warden now'], message: '--slash must look like /warden' },
    { argv: ['--write=yes'], message: '--write takes no value' },
    { argv: ['--write', '--url', 'https://a.run.app'], message: '--write refreshes the checked-in manifest' },
    { argv: ['--write', '--slash', '/warden-staging'], message: '--write refreshes the checked-in manifest' },
    { argv: ['https://a.run.app'], message: 'unexpected argument "https://a.run.app"' },
    { argv: ['--', '--url'], message: 'unexpected argument "--url"' },
  ])('$argv: "$message" and the usage on stderr, exit 2, nothing printed or written', ({ argv, message }) => {
    const result = run(...argv);
    expect(result).toMatchObject({ code: 2, out: '', written: [] });
    expect(result.err.startsWith(`slack-manifest: ${message}`)).toBe(true);
    expect(result.err.endsWith(`${USAGE}\n`)).toBe(true);
    expect(result.err).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
  });

  it('without options prints the checked-in manifest (placeholder URL, /warden)', () => {
    expect(run()).toEqual({ code: 0, out: renderSlackManifest(), err: '', written: [] });
  });

  it('--url and --slash (= and space forms) reach every request URL and the command', () => {
    for (const argv of [
      ['--url', 'https://runwarden-123.europe-west1.run.app', '--slash', '/warden-staging'],
      ['--url=https://runwarden-123.europe-west1.run.app/', '--slash=/warden-staging'],
    ]) {
      const result = run(...argv);
      expect(result).toMatchObject({ code: 0, err: '', written: [] });
      const manifest = parse(result.out) as Manifest;
      expect(manifest.features.slash_commands[0]).toMatchObject({
        command: '/warden-staging',
        url: 'https://runwarden-123.europe-west1.run.app/slack/events',
      });
      expect(manifest.settings.event_subscriptions.request_url).toBe('https://runwarden-123.europe-west1.run.app/slack/events');
    }
  });

  it('--write writes the generated manifest to infra/slack-app-manifest.yaml and says so', () => {
    const result = run('--write');
    expect(result.code).toBe(0);
    expect(result.written).toEqual([{ path: CHECKED_IN_MANIFEST, text: renderSlackManifest() }]);
    expect(CHECKED_IN_MANIFEST.replace(/\\/g, '/')).toMatch(/\/infra\/slack-app-manifest\.yaml$/);
    expect(result.out).toBe(`wrote ${CHECKED_IN_MANIFEST}\n`);
  });
});

/**
 * `npm run -s warden -- …` runs the sandbox CLI and prints nothing of npm's
 * own (no "> runwarden@… warden" header), passes every argument through and
 * keeps the CLI's exit code; before the CLI is built it says how to build it
 * (it used to end in Node's module-not-found trace). The real npm runs the
 * project's `warden` script (dev/bin/warden.js) in a copy of the project's
 * layout whose compiled CLI is a stand-in, so the test needs no build.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(60_000);

const root = resolve(__dirname, '../../..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'warden-script-'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; scripts: Record<string, string> };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: pkg.name, version: '0.0.0', private: true, scripts: { warden: pkg.scripts.warden } }),
  );
  mkdirSync(join(dir, 'dev/bin'), { recursive: true });
  cpSync(join(root, 'dev/bin/warden.js'), join(dir, 'dev/bin/warden.js'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const warden = (...args: string[]) =>
  spawnSync('npm', ['run', '-s', 'warden', '--', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

it('prints only what the CLI prints, passes every argument through, and keeps its exit code', () => {
  mkdirSync(join(dir, 'dist/dev/cli'), { recursive: true });
  writeFileSync(
    join(dir, 'dist/dev/cli/warden-cli.js'),
    'exports.main = async (argv) => { console.log("cli got " + JSON.stringify(argv)); return argv.includes("--fail") ? 3 : 0; };',
  );
  const ok = warden('invoker hello 2m x', '--user', 'U0ALICE', '--help');
  expect(ok.stdout).toBe('cli got ["invoker hello 2m x","--user","U0ALICE","--help"]\n');
  expect(ok.stderr).toBe('');
  expect(ok.status).toBe(0);
  expect(warden('--fail').status).toBe(3);
});

it('says how to build the CLI when it is not built yet', () => {
  const missing = warden('messages');
  expect(missing.status).toBe(1);
  expect(missing.stdout).toBe('');
  expect(missing.stderr).toBe(
    'warden: the CLI is not built yet: start the sandbox first (`npm start`, which compiles it), or run `npm run build:dev`\n',
  );
});

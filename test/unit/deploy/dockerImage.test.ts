/**
 * The production image's inputs (no Docker engine here, so the image itself
 * is not built): the Dockerfile, parsed with dockerfile-ast, builds its start
 * file from the compiled entry (image/bundle.mjs: everything the entry
 * loads in one file, the Google client libraries left in node_modules),
 * installs production dependencies from the lock file, runs as a non-root
 * user that cannot write the application, warms the compile cache as that
 * user, sizes the V8 heap for the container's memory in infra/run.tf, and
 * carries nothing that only the sandbox, the emulator or the tests need.
 * test/integration/deploy/imageEntry.test.ts builds and runs the start file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import dockerignore from '@balena/dockerignore';
import { ROOT } from '../../support/clientCalls';
import { importGraph, type ImportGraph } from '../../support/importGraph';

const dockerfile = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const instructions = dockerfile.getInstructions();
const args = (i: Instruction): string[] => i.getArguments().map((a) => a.getValue());
const flag = (i: Instruction, name: string): string | undefined =>
  'getFlags' in i
    ? ((i as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> })
        .getFlags()
        .find((f) => f.getName() === name)
        ?.getValue() ?? undefined)
    : undefined;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Instructions of the last stage (the image that runs). */
function finalStage(): Instruction[] {
  const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

/** ENV values of a stage (`ENV NAME=value` or `ENV NAME="value"`), later ones winning. */
function envOf(stage: Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const i of stage.filter((x) => x.getKeyword() === 'ENV')) {
    for (const match of (i.getArgumentsContent() ?? '').matchAll(/(\w+)=(?:"([^"]*)"|(\S+))/g))
      env.set(match[1] as string, match[2] ?? match[3] ?? '');
  }
  return env;
}

/** Instructions of the stage named `name` (FROM … AS name). */
function stageNamed(name: string): Instruction[] {
  const start = instructions.findIndex((i) => i.getKeyword() === 'FROM' && args(i).at(-1) === name);
  const end = instructions.findIndex((i, n) => n > start && i.getKeyword() === 'FROM');
  return instructions.slice(start, end === -1 ? undefined : end);
}

const bundleScript = readFileSync(join(ROOT, 'image/bundle.mjs'), 'utf8');
const constantOf = (name: string): string => new RegExp(`export const ${name} = '([^']+)'`).exec(bundleScript)?.[1] ?? '';

/** The start command, from CMD's JSON form. */
function startCommand(): string[] {
  const cmd = finalStage().find((i) => i.getKeyword() === 'CMD');
  if (!cmd) throw new Error('no CMD in the final stage');
  return JSON.parse(cmd.getArgumentsContent() ?? '[]') as string[];
}

describe('the production image (Dockerfile)', () => {
  let graph: ImportGraph;
  beforeAll(() => {
    const [runtime, script] = startCommand();
    expect(runtime).toBe('node');
    // the start file is image/bundle.mjs's OUTFILE, bundled from its ENTRY: dist/src/main.js, compiled from src/main.ts
    expect(script).toBe(constantOf('OUTFILE'));
    expect(constantOf('ENTRY')).toBe('dist/src/main.js');
    graph = importGraph(
      constantOf('ENTRY')
        .replace(/^dist\//, '')
        .replace(/\.js$/, '.ts'),
      ['dev/'],
    );
  }, 120_000);

  it('is built FROM node:24-slim in every stage, without HEALTHCHECK', () => {
    expect(dockerfile.getFROMs().map((f) => `${f.getImageName()}:${f.getImageTag()}`)).toEqual(expect.arrayContaining(['node:24-slim']));
    expect(new Set(dockerfile.getFROMs().map((f) => `${f.getImageName()}:${f.getImageTag()}`))).toEqual(new Set(['node:24-slim']));
    expect(instructions.filter((i) => i.getKeyword() === 'HEALTHCHECK')).toEqual([]);
  });

  it('runs as the non-root node user, and root owns every file it copies (no --chown, no chmod)', () => {
    const stage = finalStage();
    const users = stage.filter((i) => i.getKeyword() === 'USER').map((i) => args(i)[0]);
    expect(users.at(-1)).toBe('node');
    expect(
      stage.filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD').map((i) => flag(i, 'chown') ?? flag(i, 'chmod')),
    ).toEqual(stage.filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD').map(() => undefined));
    expect(stage.filter((i) => i.getKeyword() === 'RUN')).toEqual([]);
  });

  it('installs dependencies from the lock file, production only in the image', () => {
    const runs = instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => args(i).join(' '));
    expect(runs.some((r) => /npm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runs.some((r) => /npm install\b/.test(r))).toBe(false);
    const copies = instructions.filter((i) => i.getKeyword() === 'COPY').map(args);
    expect(copies.some((c) => c.includes('package-lock.json'))).toBe(true);
    const nodeModules = finalStage().find((i) => i.getKeyword() === 'COPY' && args(i)[1] === './node_modules');
    const stageOf = nodeModules ? flag(nodeModules, 'from') : undefined;
    const depsStage = instructions.slice(instructions.findIndex((i) => i.getKeyword() === 'FROM' && args(i).at(-1) === stageOf));
    expect(depsStage.find((i) => i.getKeyword() === 'RUN')?.getArgumentsContent()).toMatch(/npm ci --omit=dev/);
  });

  it('the start command loads only src/ and commands/ files, none of the development tooling (dev/) or tests', () => {
    expect(graph.files).toContain('src/main.ts');
    expect(graph.files.filter((f) => !/^(src|commands)\//.test(f))).toEqual([]);
  });

  it('builds the start file from the compiled sources and copies it, with its compile cache, into the image', () => {
    const build = stageNamed('build');
    const runs = build.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
    // tsc compiles src/ and commands/ (what the tests run), then the bundle is made from that output
    const compile = runs.findIndex((r) => /tsc -p tsconfig\.build\.json/.test(r));
    const bundle = runs.findIndex((r) => /node image\/bundle\.mjs/.test(r));
    expect(compile).toBeGreaterThanOrEqual(0);
    expect(bundle).toBeGreaterThanOrEqual(compile);
    const sourcesCopied = build.filter((i) => i.getKeyword() === 'COPY').flatMap(args);
    expect(sourcesCopied).toEqual(expect.arrayContaining(['src', 'commands', 'image', 'tsconfig.json', 'tsconfig.build.json']));
    // the final stage takes the bundle's folder (start file, source map, compile cache) from that stage
    const outDir = constantOf('OUTFILE').replace(/\/[^/]+$/, '');
    const copied = finalStage().filter((i) => i.getKeyword() === 'COPY' && flag(i, 'from') === 'build');
    expect(copied.map((i) => [String(args(i)[0]).replace(/^\/app\//, ''), String(args(i)[1]).replace(/^\.\//, '')])).toContainEqual([
      outDir,
      outDir,
    ]);
  });

  it('warms the compile cache as the user that runs the image, in the folder NODE_COMPILE_CACHE names', () => {
    const build = stageNamed('build');
    const warm = build.findIndex(
      (i) => i.getKeyword() === 'RUN' && /node image\/warmCompileCache\.mjs/.test(i.getArgumentsContent() ?? ''),
    );
    expect(warm).toBeGreaterThan(0);
    // Node keeps the cache per user id: the warm-up runs as the runtime's USER
    const runtimeUser = finalStage()
      .filter((i) => i.getKeyword() === 'USER')
      .map((i) => args(i)[0])
      .at(-1);
    const warmUser = build
      .slice(0, warm)
      .filter((i) => i.getKeyword() === 'USER')
      .map((i) => args(i)[0])
      .at(-1);
    expect(warmUser).toBe(runtimeUser);
    const cacheDir = envOf(finalStage()).get('NODE_COMPILE_CACHE');
    expect(cacheDir).toBeDefined();
    expect(args(build[warm] as Instruction)).toContain(cacheDir);
    const workdir = args(finalStage().find((i) => i.getKeyword() === 'WORKDIR') as Instruction)[0];
    expect(cacheDir?.startsWith(`${workdir}/${constantOf('OUTFILE').replace(/\/[^/]+$/, '')}/`)).toBe(true);
    // same paths at warm-up and at run time (the cache is keyed by the file's path)
    expect(args(build.find((i) => i.getKeyword() === 'WORKDIR') as Instruction)[0]).toBe(workdir);
  });

  it('sizes the V8 heap for the container: old space plus young generation at most half the memory infra/run.tf gives it', () => {
    const nodeOptions = envOf(finalStage()).get('NODE_OPTIONS') ?? '';
    const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    const semiSpace = Number(/--max-semi-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    expect(oldSpace).toBeGreaterThan(0);
    expect(semiSpace).toBeGreaterThan(0);
    const memory = /memory\s*=\s*"(\d+)Mi"/.exec(readFileSync(join(ROOT, 'infra/run.tf'), 'utf8'))?.[1];
    expect(memory).toBeDefined();
    // the rest of the container is for code, Node's own and native memory, and garbage awaiting collection
    // (bench/README.md, Memory: peak RSS ≈ heap limit + ~70 MiB); a young generation is three semi-spaces
    expect(oldSpace + 3 * semiSpace).toBeLessThanOrEqual(Number(memory) / 2);
  });

  it('leaves in node_modules only production dependencies, each installed by the deps stage', () => {
    const external = [...bundleScript.matchAll(/^\s+'([^']+)',$/gm)].map((m) => m[1] as string);
    expect(external.length).toBeGreaterThan(0);
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    for (const pattern of external) {
      const name = pattern.replace(/\/\*$/, '');
      if (name.startsWith('@') && !name.includes('/')) {
        // a whole scope (@google-cloud/*): runwarden depends on packages of it
        expect({ scope: name, used: Object.keys(pkg.dependencies).some((d) => d.startsWith(`${name}/`)) }).toEqual({
          scope: name,
          used: true,
        });
        continue;
      }
      // every named one is a production package of the lock file (a direct or transitive dependency)
      const entry = lock.packages[`node_modules/${name}`];
      expect({ name, installed: entry !== undefined, dev: entry?.dev === true }).toEqual({ name, installed: true, dev: false });
    }
  });

  it('needs no dev dependency at run time', () => {
    const undeclared = graph.packages.filter((p) => !(p in pkg.dependencies));
    expect(undeclared).toEqual([]);
    expect(graph.packages.filter((p) => p in pkg.devDependencies)).toEqual([]);
  });

  it('never reaches the development tooling, not even through a dynamic import', () => {
    expect(graph.dynamic).toEqual([]);
  });

  it('.dockerignore keeps tests, git, local state and infra out, and lets the build inputs in', () => {
    const ignore = dockerignore().add(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
    for (const kept of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src/main.ts',
      'commands/help.ts',
      'image/bundle.mjs',
      'image/warmCompileCache.mjs',
    ]) {
      expect({ kept, ignored: ignore.ignores(kept) }).toEqual({ kept, ignored: false });
    }
    for (const dropped of [
      'test/unit/x.test.ts',
      '.git/HEAD',
      'node_modules/x/index.js',
      'dist/src/main.js',
      '.sandbox/state',
      'infra/run.tf',
      'policy.yaml',
      'coverage/lcov.info',
      '.env',
    ]) {
      expect({ dropped, ignored: ignore.ignores(dropped) }).toEqual({ dropped, ignored: true });
    }
  });
});

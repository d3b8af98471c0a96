/**
 * The production image's inputs (no Docker engine here, so the image itself
 * is not built): the Dockerfile, parsed with dockerfile-ast, copies every
 * file its start command loads, installs production dependencies from the
 * lock file, runs as a non-root user that cannot write the application, and
 * carries nothing that only the sandbox, the emulator or the tests need.
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
  'getFlags' in i ? (i as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> }).getFlags().find((f) => f.getName() === name)?.getValue() ?? undefined : undefined;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Instructions of the last stage (the image that runs). */
function finalStage(): Instruction[] {
  const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

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
    // dist/src/main.js is compiled from src/main.ts (tsconfig.build.json: rootDir ".", outDir "dist")
    graph = importGraph(String(script).replace(/^dist\//, '').replace(/\.js$/, '.ts'), ['dev/']);
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
    expect(stage.filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD').map((i) => flag(i, 'chown') ?? flag(i, 'chmod'))).toEqual(
      stage.filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD').map(() => undefined),
    );
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

  it('copies the compiled form of every file the start command loads', () => {
    const compiledDirs = finalStage()
      .filter((i) => i.getKeyword() === 'COPY' && flag(i, 'from') === 'build')
      .map((i) => String(args(i)[1]).replace(/^\.\//, '').replace(/^dist\//, ''));
    const removed = instructions
      .filter((i) => i.getKeyword() === 'RUN')
      .flatMap((i) => (i.getArgumentsContent() ?? '').match(/dist\/[\w/.-]+/g) ?? [])
      .filter((p) => !/\.json$/.test(p))
      .map((p) => p.replace(/^dist\//, ''));
    const missing = graph.files.filter(
      (f) => !compiledDirs.some((d) => f.startsWith(`${d}/`)) || removed.some((r) => f.startsWith(`${r}/`)),
    );
    expect(missing).toEqual([]);
    const sourcesCopied = instructions.filter((i) => i.getKeyword() === 'COPY' && !flag(i, 'from')).flatMap(args);
    expect(sourcesCopied).toEqual(expect.arrayContaining(['src', 'commands', 'tsconfig.json', 'tsconfig.build.json']));
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
    for (const kept of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src/main.ts', 'commands/help.ts']) {
      expect({ kept, ignored: ignore.ignores(kept) }).toEqual({ kept, ignored: false });
    }
    for (const dropped of ['test/unit/x.test.ts', '.git/HEAD', 'node_modules/x/index.js', 'dist/src/main.js', '.sandbox/state', 'infra/run.tf', 'policy.yaml', 'coverage/lcov.info', '.env']) {
      expect({ dropped, ignored: ignore.ignores(dropped) }).toEqual({ dropped, ignored: true });
    }
  });
});

/**
 * How the image runs runwarden, read from the repository so a benchmark runs
 * the bot the same way: the start file of the Dockerfile's CMD
 * (dist/image/main.js, built by image/bundle.mjs), NODE_OPTIONS from its
 * `ENV` (the heap the deployment gives it), NODE_COMPILE_CACHE from its `ENV`
 * mapped from the image's WORKDIR onto this checkout (warmed by `npm run
 * bench` with image/warmCompileCache.mjs, as the image build does), and the
 * container's memory limit from infra/run.tf.
 * RUNWARDEN_BENCH_NODE_OPTIONS replaces the Dockerfile's NODE_OPTIONS
 * (experiments: `RUNWARDEN_BENCH_NODE_OPTIONS=""` runs without a heap limit).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The last stage of a Dockerfile (the image that runs). */
function finalStage(dockerfile: string): string[] {
  const lines = dockerfile.split('\n').map((line) => line.trim());
  const from = lines.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  return lines.slice(from);
}

/** `ENV NAME=value` / `ENV NAME="value"` of the Dockerfile's last stage, later ones winning. */
export function dockerfileEnv(dockerfile: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of finalStage(dockerfile).filter((l) => /^ENV\s/i.test(l))) {
    for (const match of line.matchAll(/(\w+)=(?:"([^"]*)"|(\S+))/g)) env.set(match[1] as string, match[2] ?? match[3] ?? '');
  }
  return env;
}

/** CMD's JSON form and WORKDIR of the Dockerfile's last stage. */
export function dockerfileStart(dockerfile: string): { command: string[]; workdir: string } {
  const stage = finalStage(dockerfile);
  const cmd = stage.find((l) => /^CMD\s/i.test(l));
  const workdir = stage.find((l) => /^WORKDIR\s/i.test(l))?.replace(/^WORKDIR\s+/i, '') ?? '/';
  return { command: cmd ? (JSON.parse(cmd.replace(/^CMD\s+/i, '')) as string[]) : [], workdir };
}

/** The memory limit of the Cloud Run container (`memory = "512Mi"` in infra/run.tf), MiB; undefined if not found. */
export function containerMemoryMiB(runTf: string): number | undefined {
  const match = /memory\s*=\s*"(\d+)(Mi|Gi)"/.exec(runTf);
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

export interface DeployedNode {
  /** the start file, absolute (the image's CMD script, in this checkout) */
  script: string;
  /** NODE_OPTIONS the bot process gets */
  nodeOptions: string;
  /** the environment the image sets for Node: NODE_OPTIONS and NODE_COMPILE_CACHE */
  env: NodeJS.ProcessEnv;
  /** where NODE_OPTIONS came from, for the printed header */
  source: string;
  containerMiB: number | undefined;
}

export function deployedNode(root: string, env: NodeJS.ProcessEnv = process.env): DeployedNode {
  const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
  const containerMiB = containerMemoryMiB(readFileSync(resolve(root, 'infra/run.tf'), 'utf8'));
  const imageEnv = dockerfileEnv(dockerfile);
  const { command, workdir } = dockerfileStart(dockerfile);
  const inCheckout = (path: string): string => resolve(root, path.startsWith(`${workdir}/`) ? path.slice(workdir.length + 1) : path);
  const script = inCheckout(command[command.length - 1] ?? 'dist/src/main.js');
  const override = env.RUNWARDEN_BENCH_NODE_OPTIONS;
  const nodeOptions = override ?? imageEnv.get('NODE_OPTIONS') ?? '';
  const cache = imageEnv.get('NODE_COMPILE_CACHE');
  return {
    script,
    nodeOptions,
    env: { NODE_OPTIONS: nodeOptions, ...(cache ? { NODE_COMPILE_CACHE: inCheckout(cache) } : {}) },
    source: override !== undefined ? 'RUNWARDEN_BENCH_NODE_OPTIONS' : 'Dockerfile',
    containerMiB,
  };
}

/** One line saying how the bot is started, for a benchmark's header. */
export function describeDeployedNode(node: DeployedNode, root: string): string {
  const cache = node.env.NODE_COMPILE_CACHE ? `, compile cache ${node.env.NODE_COMPILE_CACHE.replace(`${root}/`, '')}` : '';
  return `bot: node ${node.script.replace(`${root}/`, '')} with NODE_OPTIONS=${JSON.stringify(node.nodeOptions)} (${node.source})${cache}; the container has ${node.containerMiB ?? '?'} MiB (infra/run.tf)`;
}

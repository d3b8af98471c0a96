/**
 * How the deployment runs Node, read from the repository so a benchmark runs
 * the bot the same way: NODE_OPTIONS from the Dockerfile's `ENV` (the image's
 * heap limit) and the container's memory limit from infra/run.tf.
 * RUNWARDEN_BENCH_NODE_OPTIONS replaces the Dockerfile's value (experiments:
 * `RUNWARDEN_BENCH_NODE_OPTIONS=""` runs without a heap limit).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The value of `ENV NODE_OPTIONS=…` (or `ENV NODE_OPTIONS …`) in the Dockerfile's last stage; '' when it sets none. */
export function dockerfileNodeOptions(dockerfile: string): string {
  const stages = dockerfile.split(/^FROM\s/im);
  const last = stages[stages.length - 1] ?? '';
  let value = '';
  for (const line of last.split('\n')) {
    const match = /^ENV\s+NODE_OPTIONS(?:=|\s+)(?:"([^"]*)"|(\S+))/i.exec(line.trim());
    if (match) value = match[1] ?? match[2] ?? '';
  }
  return value;
}

/** The memory limit of the Cloud Run container (`memory = "512Mi"` in infra/run.tf), MiB; undefined if not found. */
export function containerMemoryMiB(runTf: string): number | undefined {
  const match = /memory\s*=\s*"(\d+)(Mi|Gi)"/.exec(runTf);
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

export interface DeployedNode {
  /** NODE_OPTIONS the bot process gets */
  nodeOptions: string;
  /** where they came from, for the printed header */
  source: string;
  containerMiB: number | undefined;
}

export function deployedNode(root: string, env: NodeJS.ProcessEnv = process.env): DeployedNode {
  const containerMiB = containerMemoryMiB(readFileSync(resolve(root, 'infra/run.tf'), 'utf8'));
  const override = env.RUNWARDEN_BENCH_NODE_OPTIONS;
  if (override !== undefined) return { nodeOptions: override, source: 'RUNWARDEN_BENCH_NODE_OPTIONS', containerMiB };
  return { nodeOptions: dockerfileNodeOptions(readFileSync(resolve(root, 'Dockerfile'), 'utf8')), source: 'Dockerfile', containerMiB };
}

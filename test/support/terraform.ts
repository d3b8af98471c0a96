/**
 * Reads infra/*.tf with HashiCorp's own HCL parser (hcl2json, compiled to
 * WebAssembly, from npm) — never regular expressions — and merges the files
 * into one JSON view: `resource.<type>.<name>` → list of blocks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';

export const INFRA_DIR = join(__dirname, '..', '..', 'infra');

type Block = Record<string, unknown>;

export interface TerraformModule {
  /** resources of one type: name → its (single) block */
  resources(type: string): Record<string, Block>;
  variables(): Record<string, Block>;
  outputs(): Record<string, Block>;
  /** every `locals` block of every file, merged: name → its (parsed) expression */
  locals(): Record<string, unknown>;
}

function first(value: unknown): Block {
  return (Array.isArray(value) ? value[0] : value) as Block;
}

export async function readTerraform(dir = INFRA_DIR): Promise<TerraformModule> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  const parsed = await Promise.all(files.map((f) => parse(f, readFileSync(join(dir, f), 'utf8')) as Promise<Record<string, unknown>>));
  const section = (key: string): Record<string, unknown> =>
    Object.assign({}, ...parsed.map((p) => (p[key] ?? {}) as Record<string, unknown>));
  const resources: Record<string, Record<string, unknown>> = {};
  for (const p of parsed) {
    for (const [type, byName] of Object.entries((p.resource ?? {}) as Record<string, Record<string, unknown>>)) {
      resources[type] = { ...(resources[type] ?? {}), ...byName };
    }
  }
  const blocks = (entries: Record<string, unknown>): Record<string, Block> =>
    Object.fromEntries(Object.entries(entries).map(([name, value]) => [name, first(value)]));
  return {
    resources: (type) => blocks(resources[type] ?? {}),
    variables: () => blocks(section('variable')),
    outputs: () => blocks(section('output')),
    locals: () =>
      Object.assign({}, ...parsed.flatMap((p) => (Array.isArray(p.locals) ? p.locals : p.locals ? [p.locals] : []) as Record<string, unknown>[])) as Record<string, unknown>,
  };
}

/** a nested block (parsed as a list of one) */
export function nested(block: Block, key: string): Block {
  return first(block[key]);
}

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
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort();
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
      Object.assign(
        {},
        ...parsed.flatMap((p) => (Array.isArray(p.locals) ? p.locals : p.locals ? [p.locals] : []) as Record<string, unknown>[]),
      ) as Record<string, unknown>,
  };
}

/**
 * Resolves the interpolations of a string attribute as Terraform would, for
 * the simple forms infra/ uses in filters and names: `${var.X}` (the
 * variable's default, or `vars[X]`), `${local.X}` (recursively), `${each.key}`
 * / `${each.value}` (given), and arithmetic of whole numbers (`${24 * 3600}`).
 * Anything else throws: the test then says what it could not read.
 */
export function resolve(
  tf: TerraformModule,
  text: string,
  options: { vars?: Record<string, unknown>; each?: { key: string; value: unknown } } = {},
): string {
  const variables = tf.variables();
  const locals = tf.locals();
  const value = (expression: string): string => {
    const path = expression.trim();
    let m = /^var\.(\w+)$/.exec(path);
    if (m?.[1]) {
      const given = options.vars?.[m[1]] ?? variables[m[1]]?.default;
      if (given === undefined || given === null) throw new Error(`variable ${m[1]} has no value`);
      return String(given);
    }
    m = /^local\.(\w+)$/.exec(path);
    if (m?.[1]) {
      const local = locals[m[1]];
      if (typeof local !== 'string') throw new Error(`local ${m[1]} is not a string`);
      return resolve(tf, local, options);
    }
    if (path === 'each.key' && options.each) return options.each.key;
    if (path === 'each.value' && options.each) return String(options.each.value);
    const arithmetic = path.replace(/var\.(\w+)/g, (_all, name: string) => value(`var.${name}`));
    if (/^[\d\s*+]+$/.test(arithmetic)) {
      return String(
        arithmetic
          .split('+')
          .reduce((sum, term) => sum + term.split('*').reduce((product, factor) => product * Number(factor.trim()), 1), 0),
      );
    }
    throw new Error(`cannot resolve \${${expression}}`);
  };
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, start);
    let depth = 1;
    let j = start + 2;
    while (j < text.length && depth > 0) {
      if (text.charAt(j) === '{') depth += 1;
      else if (text.charAt(j) === '}') depth -= 1;
      j += 1;
    }
    out += value(text.slice(start + 2, j - 1));
    i = j;
  }
  return out;
}

/** a nested block (parsed as a list of one) */
export function nested(block: Block, key: string): Block {
  return first(block[key]);
}

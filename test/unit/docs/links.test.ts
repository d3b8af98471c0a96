/**
 * The repository reads completely on its own (issue 19): every relative link
 * of README.md and docs/*.md leads to a file of the repository, and nothing
 * sends the reader to ../shared (which a clone does not have).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const pages = [
  'README.md',
  'bench/README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

it.each(pages)('%s: every relative link resolves, none leaves the repository', (page) => {
  const text = readFileSync(join(root, page), 'utf8');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
  const broken = links.filter((target) => {
    const file = resolve(dirname(join(root, page)), target.replace(/#.*$/, ''));
    return !file.startsWith(`${root}/`) || !existsSync(file);
  });
  expect(broken).toEqual([]);
  expect(text).not.toMatch(/\.\.\/shared|shared\/SPEC\.md/);
});

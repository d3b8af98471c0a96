/**
 * The module graph of runwarden's own code from an entry file, resolved with
 * the TypeScript compiler's module resolution: the source files a start
 * command loads (static imports, re-exports and dynamic import()s; `import
 * type` is erased and not followed), the npm packages they import, and the
 * dynamic import()s into `notFollowed` folders (listed, not followed).
 */
import { dirname, join, relative, sep } from 'node:path';
import * as ts from 'typescript';
import { ROOT, sourceProgram } from './clientCalls';

export interface ImportGraph {
  /** repo-relative source files loaded by static imports, the entry included */
  files: string[];
  /** npm package names imported by those files (node: builtins left out) */
  packages: string[];
  /** repo-relative targets of dynamic import() calls that were not followed */
  dynamic: string[];
}

const rel = (file: string): string => relative(ROOT, file).split(sep).join('/');

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

export function importGraph(entry: string, notFollowed: readonly string[] = []): ImportGraph {
  const program = sourceProgram();
  const options = program.getCompilerOptions();
  const files = new Set<string>();
  const packages = new Set<string>();
  const dynamic = new Set<string>();
  const resolve = (specifier: string, from: string): string | undefined =>
    ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule?.resolvedFileName;

  const visit = (fileName: string): void => {
    if (files.has(rel(fileName))) return;
    files.add(rel(fileName));
    const source = program.getSourceFile(fileName);
    if (!source) throw new Error(`not in the program: ${fileName}`);
    const follow = (specifier: string): void => {
      if (specifier.startsWith('node:')) return;
      if (!specifier.startsWith('.')) {
        packages.add(packageName(specifier));
        return;
      }
      const target = resolve(specifier, fileName) ?? join(dirname(fileName), specifier);
      visit(target);
    };
    const walk = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && !node.importClause?.isTypeOnly) {
        follow(node.moduleSpecifier.text);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
        follow(node.moduleSpecifier.text);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const arg = node.arguments[0];
        if (arg && ts.isStringLiteral(arg)) {
          const target = rel(resolve(arg.text, fileName) ?? arg.text);
          if (notFollowed.some((folder) => target.startsWith(folder))) dynamic.add(target);
          else follow(arg.text);
        }
      }
      ts.forEachChild(node, walk);
    };
    walk(source);
  };
  visit(join(ROOT, entry));
  return { files: [...files].sort(), packages: [...packages].sort(), dynamic: [...dynamic].sort() };
}

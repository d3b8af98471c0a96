/**
 * Every call runwarden's code makes to a Google client library method, found
 * with the TypeScript type checker (not by name): a call counts when the
 * called method is declared in @google-cloud/run, @google-cloud/kms,
 * @google-cloud/asset or google-gax, or on one of the narrow client interfaces the gcp adapters
 * declare for themselves ("the part of ServicesClient this adapter uses").
 */
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';

export const ROOT = join(__dirname, '..', '..');

export interface ClientCall {
  /** the declaring class or interface, e.g. ServicesClient, IamPolicyClient, LROperation */
  owner: string;
  method: string;
  /** repo-relative file and line of the call */
  at: string;
}

const LIBRARY = /node_modules[\\/](@google-cloud[\\/](run|kms|asset)|google-gax)[\\/]/;
const ADAPTER_CLIENT_TYPES = join(ROOT, 'src', 'adapters', 'gcp') + sep;

let program: ts.Program | undefined;

/** One type-checked program over the production sources (src/, commands/) with tsconfig.json's options. */
export function sourceProgram(): ts.Program {
  if (program) return program;
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const production = parsed.fileNames.filter((f) => /^(src|commands)\//.test(relative(ROOT, f).split(sep).join('/')));
  program = ts.createProgram({ rootNames: production, options: { ...parsed.options, noEmit: true } });
  return program;
}

function ownerName(declaration: ts.Declaration): string | undefined {
  const parent = declaration.parent;
  if (ts.isClassDeclaration(parent) || ts.isInterfaceDeclaration(parent)) return parent.name?.text;
  if (ts.isTypeLiteralNode(parent) && ts.isTypeAliasDeclaration(parent.parent)) return parent.parent.name.text;
  return undefined;
}

/** Calls in files under `under` (repo-relative folders), excluding `exclude`. */
export function googleClientCalls(under: readonly string[], exclude: readonly string[] = []): ClientCall[] {
  const prog = sourceProgram();
  const checker = prog.getTypeChecker();
  const calls: ClientCall[] = [];
  for (const file of prog.getSourceFiles()) {
    const rel = relative(ROOT, file.fileName).split(sep).join('/');
    if (!under.some((u) => rel.startsWith(u)) || exclude.some((e) => rel.startsWith(e))) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const symbol = checker.getSymbolAtLocation(node.expression.name);
        const declaration = symbol?.declarations?.[0];
        if (declaration) {
          const declaredIn = declaration.getSourceFile().fileName;
          const fromLibrary = LIBRARY.test(declaredIn);
          const fromAdapterType = declaredIn.startsWith(ADAPTER_CLIENT_TYPES) && /Client$/.test(ownerName(declaration) ?? '');
          if (fromLibrary || fromAdapterType) {
            const { line } = file.getLineAndCharacterOfPosition(node.getStart());
            calls.push({ owner: ownerName(declaration) ?? '?', method: node.expression.name.text, at: `${rel}:${line + 1}` });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return calls;
}

/**
 * The import graph of a source tree, as architecture.test.ts checks it: every static import and
 * export-from, dynamic `import()` and `import('...')` type, type-only ones included, read with
 * the TypeScript parser; relative specifiers resolved to files.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One import of one file; paths are relative to the source root, with `/` separators. */
export interface ImportEdge {
  /** The importing file. */
  readonly from: string;
  readonly specifier: string;
  /** The imported file for a relative specifier; undefined for a package. */
  readonly to: string | undefined;
  readonly typeOnly: boolean;
}

/** Paths relative to the source root, or package names; `**` spans folders, `*` stays within one name. */
export type Glob = string;

function globToRegExp(glob: Glob): RegExp {
  const source = glob
    .split('**')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*'))
    .join('.*');
  return new RegExp(`^${source.replaceAll('.*/', '(?:.*/)?')}$`);
}

/** Whether a path or package name matches one of the globs. */
export function matchesAny(file: string, globs: readonly Glob[]): boolean {
  return globs.some((glob) => globToRegExp(glob).test(file));
}

/** Tests and their helpers: they may import anything and are not part of the graph. */
export function isTestCode(file: string): boolean {
  return file.endsWith('.test.ts') || file.split('/').includes('test-support');
}

/** Every .ts file under root (no dist, no declarations), relative to root, sorted. */
export function listSourceFiles(root: string, dir = root): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'dist' && entry.name !== 'node_modules') files.push(...listSourceFiles(root, full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      files.push(path.relative(root, full).split(path.sep).join('/'));
    }
  }
  return files.sort();
}

/** Every module specifier a source text names, with whether it only brings in types. */
export function findSpecifiers(text: string): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile('source.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The file a relative specifier names (NodeNext: `./x.js` is `./x.ts`), relative to root. */
function resolveRelative(root: string, from: string, specifier: string): string {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [joined, joined.replace(/\.js$/, '.ts'), `${joined}.ts`, `${joined}/index.ts`];
  const hit = candidates.find((candidate) => existsSync(path.join(root, candidate)));
  return hit ?? joined;
}

/** Every import of the given files (relative to root). */
export function readEdges(root: string, files: readonly string[]): ImportEdge[] {
  return files.flatMap((from) =>
    findSpecifiers(readFileSync(path.join(root, from), 'utf8')).map(({ specifier, typeOnly }) => ({
      from,
      specifier,
      to: specifier.startsWith('.') ? resolveRelative(root, from, specifier) : undefined,
      typeOnly,
    })),
  );
}

/** `from → to`, marked when type-only, for failure messages. */
export function describeEdge(edge: ImportEdge): string {
  return `${edge.from} → ${edge.to ?? edge.specifier}${edge.typeOnly ? ' (type-only)' : ''}`;
}

/** Tarjan's strongly connected components; every component of two or more files is a cycle. */
export function findCycles(nodes: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>(nodes.map((node) => [node, new Set<string>()]));
  for (const edge of edges) if (edge.to !== undefined && next.has(edge.to)) next.get(edge.from)?.add(edge.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || next.get(node)?.has(node)) components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) connect(node);
  return components;
}

// Bundles the CLI (with core and its dependencies) into one CommonJS file, dist/ci-connect.cjs.
// Why one file: Node spends most of a short command's start-up resolving and loading hundreds of
// small modules; one file starts in about half the time (see bench/startup.js).
// Why CommonJS: bin/run.js compiles it with a V8 code cache (src/bundle-loader.ts), which Node 20
// offers for scripts (vm.Script) but not, without flags, for ES modules.
// What only some commands need (axios, listr2, gitbeaker) goes into files of its own, dist/vendor/*.mjs, and
// the licences of all of it into dist/THIRD-PARTY-NOTICES.txt: the package needs nothing else.
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { writeThirdPartyNotices } from './third-party-notices.js';

const outfile = 'dist/ci-connect.cjs';
/**
 * Imported lazily, so bundled apart: each into a file of its own, dist/vendor/<name>.mjs, which the
 * bundle's import() of the package name loads. The published package has no dependencies at all:
 * nothing to fetch from a registry at install (bench/install.js).
 */
const VENDORED = ['axios', 'listr2', '@gitbeaker/rest'];
/** A package's file in dist/vendor: `@gitbeaker/rest` → gitbeaker-rest.mjs. */
const vendorFile = (name) => name.replace(/^@/, '').replace(/\//g, '-');
// The loader names its code cache by this line (src/bundle-loader.ts): filled in below.
const buildLine = `// ci-connect build ${'0'.repeat(16)}`;

/**
 * oclif sorts the command list with localeCompare on every run; the first call builds an ICU
 * collator, 5-10 ms of start-up on Node 20 and ~20 ms on Node 24. Command ids are lower-case
 * ASCII, which a plain comparison orders the same way (the surface snapshot test would show a
 * change). The build fails if oclif's code changes, rather than silently keep the cost.
 */
const plainCommandSort = {
  name: 'plain-command-sort',
  setup(bundle) {
    bundle.onLoad({ filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const sort = '.sort((a, b) => a.id.localeCompare(b.id))';
      if (!source.includes(sort)) throw new Error(`${args.path}: oclif no longer sorts with ${sort}`);
      return { contents: source.replace(sort, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))') };
    });
  },
};

/** The bundle's import() of a vendored package loads its file; the path is relative to dist/. */
const vendoredImports = {
  name: 'vendored-imports',
  setup(bundle) {
    const names = new RegExp(`^(${VENDORED.join('|')})$`);
    bundle.onResolve({ filter: names }, (args) =>
      args.kind === 'dynamic-import'
        ? { path: `./vendor/${vendorFile(args.path)}.mjs`, external: true }
        : {
            errors: [
              { text: `${args.path} is vendored to be loaded on demand: import() it, not ${args.kind}` },
            ],
          },
    );
    // Core loads axios' proxy rules from axios' installation; here they come with the vendored axios.
    bundle.onResolve({ filter: /[\\/]axios-proxy-rules\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}core${path.sep}dist${path.sep}`)
        ? { path: path.resolve('scripts/vendor/axios-proxy-rules.js') }
        : undefined,
    );
  },
};

await rm('dist/vendor', { recursive: true, force: true });
const vendorBuild = await build({
  entryPoints: Object.fromEntries(
    VENDORED.map((name) => [vendorFile(name), `scripts/vendor/${vendorFile(name)}.js`]),
  ),
  outdir: 'dist/vendor',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Third-party code, read by no one here: minified, it is 45% smaller to install and to parse.
  minify: true,
  // axios' and listr2's CommonJS dependencies (form-data, follow-redirects, ...) require Node's
  // modules, which an ES module can do only through a require of its own.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  metafile: true,
  logLevel: 'warning',
});

const cliBuild = await build({
  entryPoints: ['src/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // oclif can load TypeScript plugins through `typescript` when it is installed; we have none.
  // axios is imported only when a monitoring API is called: in a file of its own (VENDORED), it
  // (and the Node modules it loads, http2 among them) costs nothing to a gate that calls none.
  // listr2 draws the task list of a stage run on a terminal only: imported then, never at start-up.
  // gitbeaker (about 12% of the bundle) is imported by `ci-connect comment` on GitLab only.
  // pg (the postgres:// history) is bundled but imported by the store's first operation only;
  // pg-native is its optional libpq binding, which ci-connect never asks for (pg.native).
  external: ['typescript', 'pg-native'],
  // The sources are ES modules; in a CommonJS bundle import.meta.url is the bundle's file URL.
  define: { 'import.meta.url': '__bundleUrl' },
  // __cliImport: see renameDynamicImports. Loaded by Node's own loader (--enable-source-maps), the
  // bundle imports for itself.
  banner: {
    js: [
      buildLine,
      "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;",
      "const __impt = typeof __cliImport === 'function' ? __cliImport : (specifier) => import(specifier);",
    ].join('\n'),
  },
  plugins: [plainCommandSort, vendoredImports],
  metafile: true,
  logLevel: 'warning',
});
await writeThirdPartyNotices([vendorBuild.metafile, cliBuild.metafile], 'dist/THIRD-PARTY-NOTICES.txt');

// esbuild escapes non-ASCII text in strings but not in regular expressions and comments. Escaped
// there too, the bundle is ASCII, which the loader decodes as latin1: 2 ms less than UTF-8 on
// Node 20. (A non-ASCII character after a backslash would change meaning: refused.)
let text = await readFile(outfile, 'utf8');
if (/\\\P{ASCII}/u.test(text)) throw new Error(`${outfile}: a non-ASCII character follows a backslash`);
const escapeUnits = (char) =>
  Array.from(
    { length: char.length },
    (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`,
  ).join('');
text = text.replace(/\P{ASCII}/gu, escapeUnits);
/**
 * Node 20 loses a vm script's dynamic import() callback when the script comes from cached data
 * ("A dynamic import callback was not specified"), and Node 22+ warns that the callback is
 * experimental. So the bundle's import() expressions (axios, listr2, node:https, ...) call __impt,
 * the loader's import() (src/bundle-loader.ts), instead: renamed in place, same length, so the
 * source map still fits. TypeScript's parser finds them, not a text search (strings say "import(").
 */
function renameDynamicImports(code) {
  const bannerEnd = code.indexOf('\n', code.indexOf('const __impt')) + 1;
  const file = ts.createSourceFile(outfile, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const starts = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const start = node.expression.getStart(file);
      if (start >= bannerEnd) starts.push(start);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let renamed = code;
  for (const start of starts) {
    if (renamed.slice(start, start + 6) !== 'import') throw new Error(`${outfile}: no import() at ${start}`);
    renamed = `${renamed.slice(0, start)}__impt${renamed.slice(start + 6)}`;
  }
  return renamed;
}
text = renameDynamicImports(text);
const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
await writeFile(outfile, text.replace(buildLine, `// ci-connect build ${id}`));

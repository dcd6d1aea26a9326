// Bundles the CLI (with core and its dependencies) into one ESM file, dist/ci-connect.js.
// Why: Node spends most of a short command's start-up resolving and loading hundreds of small
// modules; one file starts in about half the time (see bench/startup.js).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/ci-connect.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // oclif can load TypeScript plugins through `typescript` when it is installed; we have none.
  // axios is imported only when a monitoring API is called: left outside the bundle, it (and the
  // Node modules it loads, http2 among them) costs nothing to a gate that calls none.
  // listr2 draws the task list of a stage run on a terminal only: imported then, never at start-up.
  external: ['typescript', 'axios', 'listr2'],
  // Bundled CommonJS dependencies still call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

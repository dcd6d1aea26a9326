// Bundles the action (with core and every dependency) into one ES module, dist/index.js, which
// is committed: a runner runs it as it is, with no install step (action.yml `runs.main`).
// The same inputs give the same bytes: test/github-action-dist.test.ts rebuilds it into a
// temporary directory and fails when the committed file differs (a stale dist).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = process.argv[2] ?? path.join(here, '..', 'dist', 'index.js');

/**
 * @actions/core's OIDC client (getIDToken) and platform details pull in its HTTP client, undici
 * and @actions/exec: most of the bundle, for functions the action never calls. Stubs take their
 * place; calling one throws.
 */
const unusedActionsParts = {
  name: 'unused-actions-parts',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\/(oidc-utils|platform)\.js$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]/.test(args.importer) ? { path: args.path, namespace: 'stub' } : undefined,
    );
    bundle.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
      contents: args.path.includes('oidc')
        ? 'export class OidcClient { static getIDToken() { throw new Error("getIDToken is not bundled"); } }'
        : 'export function getDetails() { throw new Error("platform details are not bundled"); }',
      loader: 'js',
    }));
  },
};

/**
 * Core finds axios' proxy rules (to name the proxy in errors) through axios' installation, which a
 * runner does not have: the bundle takes them from the bundled axios instead.
 */
const bundledAxiosProxyRules = {
  name: 'bundled-axios-proxy-rules',
  setup(bundle) {
    bundle.onResolve({ filter: /[\\/]axios-proxy-rules\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}core${path.sep}src${path.sep}`)
        ? { path: path.join(here, 'axios-proxy-rules.js') }
        : undefined,
    );
  },
};

await build({
  absWorkingDir: path.join(here, '..'),
  entryPoints: ['src/index.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  // License comments of the bundled packages, at the end of the file.
  legalComments: 'eof',
  // The CommonJS packages inside (pg, yaml, ajv's runtime) call require() for Node's modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  // pg-native: pg's optional libpq binding, which ci-connect never asks for (pg.native).
  external: ['pg-native'],
  // Core from its sources, not its build output: the bundle is what the sources say today.
  alias: { '@ci-connect/core': path.join(here, '..', '..', 'core', 'src', 'index.ts') },
  plugins: [unusedActionsParts, bundledAxiosProxyRules],
  logLevel: 'warning',
});

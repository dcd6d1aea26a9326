#!/usr/bin/env node
// The ci-connect CLI. dist/ci-connect.cjs is the bundled CLI (npm run build), loaded with a V8 code
// cache (src/bundle-loader.ts); oclif reads the commands from its COMMANDS export (package.json
// oclif.commands), without a directory scan.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22.1+ keeps compiled code between runs (in the OS temp dir) for the modules it loads
// itself: this file, the loader and, when a command needs them, axios and listr2.
module.enableCompileCache?.();
const { compileCacheFor, loadBundle } = await import('../dist/bundle-loader.js');
const bundle = fileURLToPath(new URL('../dist/ci-connect.cjs', import.meta.url));
await loadBundle(bundle, compileCacheFor(process.env, process.argv.slice(2))).main(import.meta.url);

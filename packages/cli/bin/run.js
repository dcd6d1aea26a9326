#!/usr/bin/env node
// The ci-connect CLI. dist/ci-connect.js is the bundled CLI (npm run build); oclif reads the
// commands from its COMMANDS export (package.json oclif.commands), without a directory scan.
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (in the OS temp dir): a pipeline runs ci-connect
// several times, and compiling the bundle is a large part of a short command's start-up.
module.enableCompileCache?.();
const { main } = await import('../dist/ci-connect.js');
await main(import.meta.url);

#!/usr/bin/env node
// The ci-connect CLI. dist/ci-connect.js is the bundled CLI (npm run build); oclif reads the
// commands from its COMMANDS export (package.json oclif.commands), without a directory scan.
import { main } from '../dist/ci-connect.js';

await main(import.meta.url);

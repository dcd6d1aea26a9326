// The action's entry point (action.yml `runs.main`, bundled into dist/index.js).
import { run } from './run.js';

await run();

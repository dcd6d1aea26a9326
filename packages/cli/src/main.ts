import { execute } from '@oclif/core/execute';
import { settings } from '@oclif/core/settings';

export { COMMANDS } from './commands/index.js';

/** Runs the CLI; `dir` is bin/run.js's URL, from which oclif finds package.json. */
export async function main(dir: string): Promise<void> {
  // With NODE_ENV=test or development (common in CI jobs) oclif would look for the commands'
  // TypeScript sources and a TypeScript to run them with, and warn on every run when an
  // installed package has neither. The CLI only ever runs its bundle.
  settings.enableAutoTranspile = false;
  await execute({ dir });
}

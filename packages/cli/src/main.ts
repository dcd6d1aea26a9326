import { execute } from '@oclif/core/execute';

export { COMMANDS } from './commands/index.js';
export { commandNotFound } from './usage-mistakes.js';

/** Runs the CLI; `dir` is bin/run.js's URL, from which oclif finds package.json. */
export async function main(dir: string): Promise<void> {
  await execute({ dir });
}

import { execute } from '@oclif/core/execute';
import { settings } from '@oclif/core/settings';

export { COMMANDS } from './commands/index.js';
export { commandNotFound } from './usage-mistakes.js';

/** Runs the CLI; `dir` is bin/run.js's URL, from which oclif finds package.json. */
export async function main(dir: string): Promise<void> {
  // With NODE_ENV=test or development (common in CI jobs) oclif would look for the commands'
  // TypeScript sources and a TypeScript to run them with, and warn on every run when an
  // installed package has neither. The CLI only ever runs its bundle.
  settings.enableAutoTranspile = false;
  await execute({ dir, args: helpAsFlag(process.argv.slice(2)) });
}

/**
 * `ci-connect help [topic or command]`, as git and npm take it, is `ci-connect [...] --help`:
 * oclif has no `help` command without its help plugin, and answered "command help not found".
 */
export function helpAsFlag(args: readonly string[]): string[] {
  return args[0] === 'help' ? [...args.slice(1), '--help'] : [...args];
}

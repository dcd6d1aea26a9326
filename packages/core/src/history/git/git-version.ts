/**
 * The oldest git the store works with: 2.31 (March 2021) passes configuration in the
 * environment (GIT_CONFIG_COUNT), which keeps a token out of every command line.
 */

import { ConfigError } from '../../errors.js';
import { runGit, type GitContext } from './git-command.js';
import { describeOutput } from './git-failures.js';

const MINIMUM: readonly [number, number] = [2, 31];

/** ConfigError (exit 2) when git is older than 2.31; the runner's ConfigError when it is missing. */
export async function checkGitVersion(context: GitContext): Promise<void> {
  const output = await runGit(context, { args: ['version'], timeoutMs: 30_000 });
  const match = /git version (\d+)\.(\d+)/.exec(output.stdout);
  if (output.exitCode !== 0 || match === null)
    throw new ConfigError(`git does not run as expected: ${describeOutput(output)}`, {
      hint: 'the git: history store needs git 2.31 or newer on PATH',
    });
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])) return;
  throw new ConfigError(
    `git ${major}.${minor} is too old for the git: history store, which needs 2.31 or newer`,
    {
      hint: 'install a newer git on the runner, or use --history file:...',
    },
  );
}

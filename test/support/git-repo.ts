// A throwaway git repository for tests of what ci-connect records about commits (release
// manifests, promote): `git` runs in `root` as a fixed author, without the user's config.
import { execFileSync } from 'node:child_process';

export type Git = (...args: string[]) => string;

/** `git init` in `root`, commits everything in it, and returns a runner for more commands. */
export function commitAll(root: string, message: string): Git {
  const git: Git = (...args) =>
    execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git;
}

// Real git repositories for the `git:` history store's tests: a bare repository standing in for
// the CI system's remote (GitHub, GitLab), and job clones of it with a dirty working tree and
// staged changes that the store must leave exactly as they were. git runs without the user's
// or the system's configuration.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createMemoryLogger } from '../../packages/core/src/environment.js';
import type { HistoryStore } from '../../packages/core/src/history/history-store.js';
import { openHistoryStore } from '../../packages/core/src/history/open-store.js';
import type { Redactor } from '../../packages/core/src/redaction/redaction.js';
import { defineRealComponent, detectCommand, type Detection } from './real-components.js';

/** Real git, 2.31 or newer (what the store needs). */
export const git = defineRealComponent({
  name: 'git',
  installHint: 'apt-get install -y git (2.31 or newer)',
  detect: (): Detection => {
    const found = detectCommand('git');
    if (!found.available) return found;
    const version = /git version (\d+)\.(\d+)/.exec(execFileSync('git', ['version'], { encoding: 'utf8' }));
    const [major, minor] = [Number(version?.[1] ?? 0), Number(version?.[2] ?? 0)];
    if (major < 2 || (major === 2 && minor < 31))
      return { available: false, reason: `git ${major}.${minor} is older than 2.31` };
    return found;
  },
});

/** The environment git runs with in these tests: no user or system configuration. */
export function gitEnvironment(home: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('GIT_') && !name.startsWith('CI_CONNECT_'),
    ),
  );
  return { ...env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1' };
}

/** Runs git in `cwd` and returns its stdout. */
export function gitIn(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A remote with a main branch, and what tests need to reach it. */
export interface GitWorld {
  root: string;
  env: NodeJS.ProcessEnv;
  /** The bare repository. */
  remote: string;
  /** Makes a job's clone of the remote, with a dirty working tree and a staged change. */
  clone: (name: string) => string;
  /** git in the bare repository. */
  inRemote: (...args: string[]) => string;
}

/**
 * A bare remote with one commit on main, under `root`. Like GitHub and GitLab it lets clients
 * fetch without file contents (`uploadpack.allowFilter`), unless `filters` is false.
 */
export function createGitWorld(root: string, options: { filters?: boolean } = {}): GitWorld {
  const env = gitEnvironment(path.join(root, 'home'));
  const remote = path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  gitIn(root, env, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  if (options.filters !== false) gitIn(remote, env, 'config', 'uploadpack.allowFilter', 'true');
  mkdirSync(seed);
  writeFileSync(path.join(seed, 'README.md'), '# shop\n');
  writeFileSync(path.join(seed, 'app.txt'), 'version 1\n');
  gitIn(seed, env, 'init', '--quiet', '--initial-branch=main');
  gitIn(seed, env, 'add', '.');
  gitIn(
    seed,
    env,
    '-c',
    'user.name=dev',
    '-c',
    'user.email=dev@example.com',
    'commit',
    '--quiet',
    '-m',
    'app',
  );
  gitIn(seed, env, 'push', '--quiet', remote, 'main');
  return {
    root,
    env,
    remote,
    inRemote: (...args) => gitIn(remote, env, ...args),
    clone: (name) => {
      const dir = path.join(root, name);
      gitIn(root, env, 'clone', '--quiet', remote, dir);
      gitIn(dir, env, 'config', 'user.name', 'Job User');
      gitIn(dir, env, 'config', 'user.email', 'job@example.com');
      writeFileSync(path.join(dir, 'app.txt'), 'version 2, not committed\n');
      writeFileSync(path.join(dir, 'staged.txt'), 'staged\n');
      gitIn(dir, env, 'add', 'staged.txt');
      writeFileSync(path.join(dir, 'untracked.txt'), 'untracked\n');
      return dir;
    },
  };
}

/** What a job's clone looks like to its own git: compared before and after using the store. */
export function jobState(dir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    status: gitIn(dir, env, 'status', '--porcelain=v1', '--untracked-files=all'),
    head: gitIn(dir, env, 'rev-parse', 'HEAD'),
    symbolicHead: gitIn(dir, env, 'symbolic-ref', 'HEAD'),
    index: readFileSync(path.join(dir, '.git/index')).toString('base64'),
    stagedDiff: gitIn(dir, env, 'diff', '--cached'),
    refs: gitIn(dir, env, 'for-each-ref', '--format=%(refname) %(objectname)'),
    config: readFileSync(path.join(dir, '.git/config'), 'utf8'),
    shallow: gitIn(dir, env, 'rev-parse', '--is-shallow-repository'),
    objects: gitIn(dir, env, 'count-objects', '-v'),
    files: ['app.txt', 'staged.txt', 'untracked.txt']
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('|'),
  };
}

/** Opens `git:<branch>[@remote]` for a job clone, with the test's git environment. */
export function openGitStore(
  url: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  extra: { redactor?: Redactor; logger?: ReturnType<typeof createMemoryLogger> } = {},
): HistoryStore {
  return openHistoryStore(url, {
    baseDir,
    logger: extra.logger ?? createMemoryLogger(),
    env,
    ...(extra.redactor === undefined ? {} : { redactor: extra.redactor }),
  });
}

/**
 * The job's own repository, only ever read: the remote a `git:` history names, its fetch and
 * push URLs, and the settings that carry the job's credentials for it.
 */

import { ConfigError } from '../../errors.js';
import { LOCAL_TIMEOUT_MS, runGit, type GitContext, type GitOutput } from './git-command.js';
import { describeOutput } from './git-failures.js';
import type { GitHistoryUrl } from './git-history-url.js';

/** Where the job runs and which remote it names. */
export interface JobRepositoryOptions {
  baseDir: string;
  url: GitHistoryUrl;
  context: GitContext;
}

/**
 * The job's settings that say how to reach and log in to a remote. Only these are carried over:
 * the rest of a working repository's configuration (worktree, hooks, extensions) would bend a
 * bare one. `credential.*` and `http.*` cover actions/checkout's token (also when v6 keeps it
 * in a file the job's config includes) and every credential helper.
 */
const CARRIED_SETTING =
  /^(http\.|credential\.|url\.|protocol\.|core\.sshcommand$|core\.askpass$|ssh\.variant$)/i;

/** The job's own repository, read only: where the remote and the credential settings come from. */
export class JobRepository {
  private constructor(
    private readonly options: JobRepositoryOptions,
    /** undefined when the working directory is in no repository and the remote is a URL. */
    private readonly root: string | undefined,
  ) {}

  static async find(options: JobRepositoryOptions): Promise<JobRepository> {
    const output = await runGit(options.context, {
      args: ['rev-parse', '--show-toplevel'],
      cwd: options.baseDir,
      timeoutMs: LOCAL_TIMEOUT_MS,
    });
    if (output.exitCode === 0) return new JobRepository(options, output.stdout.trim());
    if (options.url.remote.kind === 'url') return new JobRepository(options, undefined);
    throw new ConfigError(
      `${options.url.shown} keeps history on a branch of the job's repository, but ${options.baseDir} is not in a git repository (${describeOutput(output)})`,
      {
        hint: "run ci-connect in the job's checkout, name the remote by URL (git:<branch>@https://host/repo.git), or use --history file:...",
      },
    );
  }

  /** The URL git fetches from or pushes to for a remote name; ConfigError for an unknown one. */
  async remoteUrl(name: string, direction: 'fetch' | 'push'): Promise<string> {
    const args = ['remote', 'get-url', ...(direction === 'push' ? ['--push'] : []), '--', name];
    const output = await this.git(args);
    if (output.exitCode === 0 && output.stdout.trim() !== '') return output.stdout.trim();
    const known = (await this.git(['remote'])).stdout.split('\n').filter((line) => line !== '');
    throw new ConfigError(
      `the repository at ${this.root ?? this.options.baseDir} has no remote "${name}" for ${this.options.url.shown}` +
        (known.length === 0 ? ' (it has no remotes)' : ` (its remotes: ${known.join(', ')})`),
      {
        hint: 'write git:<branch>@<remote> with one of its remotes, or a URL: git:<branch>@https://host/repo.git',
      },
    );
  }

  /** The job repository's settings that reach and log in to remotes, its includes followed. */
  async credentialSettings(): Promise<[string, string][]> {
    if (this.root === undefined) return [];
    const output = await this.git(['config', '--local', '--includes', '--null', '--list']);
    if (output.exitCode !== 0) return [];
    return output.stdout
      .split('\0')
      .filter((entry) => entry !== '')
      .map((entry): [string, string] => {
        const newline = entry.indexOf('\n');
        return newline < 0 ? [entry, 'true'] : [entry.slice(0, newline), entry.slice(newline + 1)];
      })
      .filter(([key]) => CARRIED_SETTING.test(key));
  }

  private async git(args: readonly string[]): Promise<GitOutput> {
    return runGit(this.options.context, {
      args,
      cwd: this.root ?? this.options.baseDir,
      timeoutMs: LOCAL_TIMEOUT_MS,
    });
  }
}

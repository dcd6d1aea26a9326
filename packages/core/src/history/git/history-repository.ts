/**
 * The private repository a `git:` store works in. The job's repository gives the remote, its
 * URLs and the settings that carry credentials (actions/checkout's extraheader, credential
 * helpers, insteadOf); everything else happens in a bare repository in a temporary directory:
 * a shallow, partial fetch of the branch (its newest commit and trees; file contents only as
 * they are read) and the commits written with plumbing. So the job's working tree, index, HEAD,
 * branches, remote-tracking refs, objects and `.git/shallow` are never touched.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../environment.js';
import { ConfigError, InternalError } from '../../errors.js';
import { JobRepository } from './job-repository.js';
import { registerUrlsIn } from '../../redaction/credential-sources.js';
import { decodeSafely } from '../../redaction/redaction.js';
import {
  configEnvironment,
  LOCAL_TIMEOUT_MS,
  runGit,
  type GitCall,
  type GitContext,
  type GitOutput,
} from './git-command.js';
import { describeOutput, type GitPlace } from './git-failures.js';
import { withoutCredentials, type GitHistoryUrl } from './git-history-url.js';
import { checkGitVersion } from './git-version.js';

/** What opening the private repository needs. */
export interface HistoryRepositoryOptions {
  /** The job's working directory: its repository has the remote. */
  baseDir: string;
  url: GitHistoryUrl;
  context: GitContext;
  logger: Logger;
  /** Where the private repository is made; the system's temp directory by default. */
  tempDir?: string;
  /** How long a fetch or push may take; 120 s by default. */
  networkTimeoutMs?: number;
}

/** The remote as git's configuration in the private repository names it. */
export const REMOTE = 'history';
/** A fetch or push: slow networks and big first fetches included. */
const NETWORK_TIMEOUT_MS = 120_000;

/** The committer of every history commit, whatever the job's git configuration says. */
const IDENTITY = {
  GIT_AUTHOR_NAME: 'ci-connect',
  GIT_AUTHOR_EMAIL: 'ci-connect@localhost',
  GIT_COMMITTER_NAME: 'ci-connect',
  GIT_COMMITTER_EMAIL: 'ci-connect@localhost',
  GIT_AUTHOR_DATE: undefined,
  GIT_COMMITTER_DATE: undefined,
};

/** Variables that would point git at the job's repository (or bend it) instead of ours. */
const REPOSITORY_VARIABLES = [
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_SHALLOW_FILE',
  'GIT_REPLACE_REF_BASE',
  'GIT_QUARANTINE_PATH',
];

/** A bare repository in a temporary directory, configured to fetch from and push to the remote. */
export class HistoryRepository {
  private constructor(
    readonly place: GitPlace,
    /** How long a call that reaches the remote may take. */
    readonly networkTimeoutMs: number,
    private readonly dir: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly context: GitContext,
  ) {}

  /** Checks git, the branch name, the job's repository and remote, then makes the repository. */
  static async open(options: HistoryRepositoryOptions): Promise<HistoryRepository> {
    const { context, url } = options;
    await checkGitVersion(context);
    await checkBranchName(context, url.branch);
    const job = await JobRepository.find(options);
    const fetchUrl =
      url.remote.kind === 'url' ? url.remote.url : await job.remoteUrl(url.remote.name, 'fetch');
    const pushUrl = url.remote.kind === 'url' ? url.remote.url : await job.remoteUrl(url.remote.name, 'push');
    const carried = await job.credentialSettings();
    for (const text of [url.remote.kind === 'url' ? url.remote.url : '', fetchUrl, pushUrl])
      registerUrlCredentials(context, text);
    for (const [key, value] of carried) if (/extraheader$/i.test(key)) registerHeader(context, value);

    const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'ci-connect-git-history-'));
    const place: GitPlace = {
      location: url.shown,
      branch: url.branch,
      remote: withoutCredentials(pushUrl),
    };
    const env = {
      GIT_DIR: dir,
      ...Object.fromEntries(REPOSITORY_VARIABLES.map((name) => [name, undefined])),
      GIT_NO_REPLACE_OBJECTS: '1',
      ...IDENTITY,
      ...configEnvironment(context.env, [
        ...carried,
        [`remote.${REMOTE}.url`, fetchUrl],
        [`remote.${REMOTE}.pushurl`, pushUrl],
        // No hook of the job's global configuration runs on our push.
        ['core.hooksPath', join(dir, 'no-hooks')],
      ]),
    };
    const timeout = options.networkTimeoutMs ?? NETWORK_TIMEOUT_MS;
    const repository = new HistoryRepository(place, timeout, dir, env, context);
    try {
      await repository.initialise();
    } catch (error) {
      await repository.dispose();
      throw error;
    }
    return repository;
  }

  /** Runs git in the private repository; the caller decides what a failure means. */
  async run(args: readonly string[], options: Partial<Omit<GitCall, 'args'>> = {}): Promise<GitOutput> {
    return runGit(this.context, {
      timeoutMs: LOCAL_TIMEOUT_MS,
      ...options,
      args,
      cwd: this.dir,
      env: { ...this.env, ...options.env },
    });
  }

  /** Runs a local git command that should not fail, and returns its stdout. */
  async output(args: readonly string[], options: Partial<Omit<GitCall, 'args'>> = {}): Promise<string> {
    const output = await this.run(args, options);
    if (output.exitCode === 0) return output.stdout;
    throw new InternalError(
      `${output.command} failed in the history store's repository: ${describeOutput(output)}`,
    );
  }

  /** Removes the private repository. */
  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async initialise(): Promise<void> {
    await this.output(['init', '--bare', '--quiet', '--template=', this.dir]);
    // A partial clone of the remote: blobs are fetched when read. No background maintenance:
    // the repository lives for one store.
    await writeFile(
      join(this.dir, 'config'),
      [
        '[core]',
        '\trepositoryformatversion = 1',
        '\tbare = true',
        '[extensions]',
        `\tpartialClone = ${REMOTE}`,
        `[remote "${REMOTE}"]`,
        '\tpromisor = true',
        '\tpartialCloneFilter = blob:none',
        '[gc]',
        '\tauto = 0',
        '[maintenance]',
        '\tauto = false',
        '[fetch]',
        '\twriteCommitGraph = false',
        '',
      ].join('\n'),
    );
  }
}

/** ConfigError (exit 2) for a name git would not take as a branch. */
async function checkBranchName(context: GitContext, branch: string): Promise<void> {
  const output = await runGit(context, {
    args: ['check-ref-format', `refs/heads/${branch}`],
    timeoutMs: LOCAL_TIMEOUT_MS,
  });
  if (output.exitCode === 0 && !branch.startsWith('-')) return;
  throw new ConfigError(`"${branch}" is not a valid branch name for the history (git check-ref-format)`, {
    hint: 'name a branch such as ci-connect-history: no spaces, "..", "~", "^", ":", "?", "*", "[" or "\\"',
  });
}

/** A remote URL's user-info, so that no message or git output can show it. */
function registerUrlCredentials(context: GitContext, url: string): void {
  registerUrlsIn(context.redactor, url);
  // git sends any user name of an http(s) URL as a credential (https://TOKEN@host): masked
  // from 8 characters, where registerUrlsIn waits for 16.
  const user = /^https?:\/\/([^/@:\s]{8,})@/i.exec(url)?.[1];
  if (user !== undefined) context.redactor.add(user, decodeSafely(user));
}

/** An `http.extraheader` value such as `AUTHORIZATION: basic <base64>`: its credential part. */
function registerHeader(context: GitContext, value: string): void {
  const credential = value.slice(value.indexOf(':') + 1).trim();
  const token = credential.includes(' ') ? credential.slice(credential.indexOf(' ') + 1).trim() : credential;
  context.redactor.add(value, credential, token);
}

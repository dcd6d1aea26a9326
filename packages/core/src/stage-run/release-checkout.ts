/**
 * The files a deployment recorded, taken out of its git commit for `promote`: the chart and values
 * files into a temp directory, checked against the digests of the release manifest. The user's
 * working tree and index are never touched.
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, sep } from 'node:path';
import { ConfigError } from '../errors.js';
import type { ProcessRunner } from '../tools/process.js';
import type { StageSetup } from './run-stage.js';
import {
  digestDirectory,
  digestFile,
  type DeploymentRecord,
  type PromotedRelease,
} from './runners/release-manifest.js';

const GIT_TIMEOUT_MS = 60_000;
// `git ls-files` lists every file of the chart; its output must not be cut to the default tail.
const LIST_TAIL_BYTES = 16 * 1024 * 1024;

/** What running git needs from the run. */
export interface GitDependencies {
  runProcess: ProcessRunner;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  /** Where the files are checked out; default the system's temp directory. */
  tempDir?: string;
}

/**
 * Checks the recorded chart and values out of the commit into a temp dir, then verifies their
 * digests. Git writes them through a private index (GIT_INDEX_FILE): `read-tree` fills it from
 * the commit and `checkout-index --prefix` writes the files, byte for byte and with the same
 * filters a checkout applies, while the user's working tree and index stay untouched. (`git show`
 * would go through the process runner's text output; `git archive` would need tar.)
 */
export async function checkOutRelease(
  source: DeploymentRecord,
  setup: StageSetup,
  deps: GitDependencies,
): Promise<{ dir: string; release: PromotedRelease }> {
  const commit = source.gitCommit!;
  const chart = source.chart!;
  const inConfigDir = gitRunner(setup.configDir, deps);
  const root = (await inConfigDir(['rev-parse', '--show-toplevel'], 'find the repository')).trim();
  if (!(await gitRunner(root, deps).succeeds(['cat-file', '-e', `${commit}^{commit}`])))
    throw new ConfigError(
      `commit ${commit}, recorded for deployment ${source.id}, is not in the repository at ${root}`,
      {
        hint: 'a shallow CI clone lacks older commits: fetch the full history (GitLab GIT_DEPTH: 0, GitHub fetch-depth: 0, git fetch --unshallow)',
      },
    );
  const dir = await mkdtemp(join(deps.tempDir ?? tmpdir(), 'ci-connect-promote-'));
  try {
    const index = join(dir, 'index');
    const treeDir = join(dir, 'tree');
    // git's own answer, not path.relative: the temp or checkout path may be reached via a symlink.
    const configPath = (
      await inConfigDir(['rev-parse', '--show-prefix'], 'find the config directory')
    ).trim();
    const stageValuesPath = posix.join(configPath, 'stages', setup.stage, setup.service, 'values.yaml');
    const paths = [chart.path, ...source.values.map((v) => v.path), stageValuesPath];
    const withIndex = gitRunner(root, deps, { GIT_INDEX_FILE: index });
    await withIndex(['read-tree', commit], 'read the commit');
    const files = (
      await withIndex(
        ['--literal-pathspecs', 'ls-files', '-z', '--', ...paths.map((p) => (p === '' ? '.' : p))],
        'list the files',
      )
    )
      .split('\0')
      .filter((f) => f !== '');
    if (files.length > 0)
      await withIndex(
        ['checkout-index', '-f', `--prefix=${treeDir}${sep}`, '--', ...files],
        'check out the files',
      );
    const release: PromotedRelease = {
      fromDeploymentId: source.id,
      gitCommit: commit,
      treeDir,
      chartDir: join(treeDir, chart.path),
    };
    await verifyDigests(source, release);
    const stageValues = join(treeDir, stageValuesPath);
    if (existsSync(stageValues)) release.stageValuesFile = stageValues;
    return { dir, release };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The files at the commit must be the ones the deployment digested; a mismatch names both digests. */
async function verifyDigests(source: DeploymentRecord, release: PromotedRelease): Promise<void> {
  const recorded = [
    { path: source.chart!.path, digest: source.chart!.digest, read: digestDirectory },
    ...source.values.map((v) => ({ ...v, read: digestFile })),
  ];
  for (const { path, digest, read } of recorded) {
    const file = join(release.treeDir, path);
    const found = existsSync(file) ? await read(file) : 'nothing (missing at that commit)';
    if (found !== digest)
      throw new ConfigError(
        `${path || '.'} at commit ${release.gitCommit} does not match deployment ${source.id}: recorded ${digest}, found ${found}`,
        {
          hint:
            'the history record or the repository changed since the deployment (a rewritten commit, or files git ignores such as charts/*.tgz that were in the chart directory); ' +
            'deploy the earlier stage again, then promote',
        },
      );
  }
}

type Git = (args: string[], purpose: string) => Promise<string>;

/** git with argv and a timeout in `cwd`; a failure is a ConfigError quoting git's own message. */
function gitRunner(
  cwd: string,
  deps: GitDependencies,
  extraEnv: Record<string, string> = {},
): Git & { succeeds: (args: string[]) => Promise<boolean> } {
  const run = (args: string[]) =>
    deps.runProcess({
      argv: ['git', ...args],
      cwd,
      env: { ...deps.env, ...extraEnv },
      timeoutMs: GIT_TIMEOUT_MS,
      signal: deps.signal,
      tailBytes: LIST_TAIL_BYTES,
      notFoundHint: 'promote reads the recorded commit with git: install git and put it on PATH',
    });
  const git = async (args: string[], purpose: string) => {
    const result = await run(args);
    if (result.exitCode === 0) return result.stdoutTail;
    const why = result.timedOut
      ? 'timed out'
      : result.aborted
        ? 'stopped'
        : result.stderrTail.trim() || `exit code ${String(result.exitCode)}`;
    throw new ConfigError(`promote could not ${purpose} with git in ${cwd}: ${why}`, {
      hint: 'run promote in a clone of the repository that holds the config directory',
    });
  };
  return Object.assign(git, { succeeds: async (args: string[]) => (await run(args)).exitCode === 0 });
}

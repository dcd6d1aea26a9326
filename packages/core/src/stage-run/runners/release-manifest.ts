/**
 * The release manifest every deployment records (DESIGN.md section 6): which chart and values
 * went out for a version, by content digest and git commit, so `promote` can deploy exactly that
 * to the next stage instead of whatever the chart is at HEAD.
 */

import { createHash, type Hash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { openRegularFile } from '../../files/regular-file.js';
import type { DeploymentStrategy } from '../../shipyard/types.js';
import type { ProcessRunner } from '../../tools/process.js';

/** The `deployment` history record. */
export interface DeploymentRecord {
  schemaVersion: 1;
  id: string;
  kind: 'deployment';
  project: string;
  stage: string;
  service: string;
  version: string;
  image?: string;
  strategy: DeploymentStrategy;
  release: string | null;
  namespace: string | null;
  revision?: number;
  sequenceRunId: string;
  /** The commit of the config directory's repository; absent outside git. */
  gitCommit?: string;
  /** True when the chart or values differed from that commit (promote refuses such a record). */
  gitDirty?: boolean;
  /** Paths relative to the repository root (or the config directory outside git). */
  chart?: { path: string; digest: string };
  values: { path: string; digest: string }[];
  deployedAt: string;
  /** promote: the id of the deployment record (an earlier stage's) whose chart and values this deployed. */
  promotedFrom?: string;
  invalidated: false;
}

/**
 * What `promote` deploys instead of the config directory's chart and stage values: the files of
 * a recorded commit, checked out outside the working tree in the repository's own layout.
 */
export interface PromotedRelease {
  /** The id of the deployment record being promoted. */
  fromDeploymentId: string;
  /** Its commit; the new record carries it too, since every file deployed comes from it. */
  gitCommit: string;
  /** The checked-out files, laid out as in the repository (record paths are relative to it). */
  treeDir: string;
  /** The recorded chart, inside treeDir. */
  chartDir: string;
  /** The target stage's values.yaml as it was at that commit, inside treeDir; absent if it had none. */
  stageValuesFile?: string;
}

/** sha256 over every file of a directory: sorted relative paths and contents. */
export async function digestDirectory(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listFiles(dir)) {
    hash.update(relative(dir, file).split(sep).join('/'));
    hash.update('\0');
    await hashFile(hash, file);
    hash.update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}

export async function digestFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await hashFile(hash, file);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Feeds a file to `hash` in chunks, through the shared guard: a values file that is a FIFO or a
 * device is refused instead of hanging the deployment, and memory does not grow with the file.
 */
async function hashFile(hash: Hash, file: string): Promise<void> {
  const handle = await openRegularFile(file);
  try {
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return;
      hash.update(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

/** Every regular file under `dir`, sorted; helm's own `charts/` cache and `.git` left out. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '.git') continue;
      out.push(...(await listFiles(path)));
    } else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** The repository a directory is in: its root, HEAD, and whether `paths` differ from HEAD. */
export async function gitState(
  dir: string,
  paths: readonly string[],
  runProcess: ProcessRunner,
): Promise<{ root: string; commit: string; dirty: boolean } | undefined> {
  const git = async (args: string[]) => {
    try {
      const result = await runProcess({ argv: ['git', ...args], cwd: dir, timeoutMs: 15_000 });
      return result.exitCode === 0 ? result.stdoutTail.trim() : undefined;
    } catch {
      return undefined; // no git installed: a manifest without a commit
    }
  };
  const root = await git(['rev-parse', '--show-toplevel']);
  const commit = await git(['rev-parse', 'HEAD']);
  if (root === undefined || commit === undefined || commit === '') return undefined;
  const status = await git(['status', '--porcelain', '--untracked-files=all', '--', ...paths]);
  return { root, commit, dirty: status === undefined || status !== '' };
}

/**
 * The history store check: the URL a gate would use resolves to a store, and for `file:` the
 * file (if there) and its directory can be written: appends take a lock file beside it. Nothing
 * is created or changed: a directory that is not there yet only has to be creatable.
 */

import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { defaultHistoryUrl } from '../config/project-context.js';
import { describeFileType, formatBytes } from '../files/regular-file.js';
import { resolveFileHistoryPath } from '../history/file/open-file-history-store.js';
import { openHistoryStore, redactCredentials } from '../history/open-store.js';
import { failedCheck } from './check-errors.js';
import { checkResult } from './types.js';
import type { CheckResult, DoctorDependencies } from './types.js';

export const HISTORY_CHECK = 'history';
// No record has this id: looking it up reads the whole file, as a gate's baseline query does.
const PROBE_ID = 'ci-connect-doctor-probe';
const HINT =
  'point --history (env CI_CONNECT_HISTORY) or ci-connect.yaml `history` at a file the job can write';

/** Where the history URL comes from, in the order evaluate uses. */
export interface HistorySource {
  /** `--history`; relative `file:` paths are relative to the working directory. */
  flag?: string;
  /** ci-connect.yaml `history` (already absolute). */
  configured?: string;
  configDir: string;
}

/** Checks the history store a gate would write to. */
export async function checkHistory(
  source: HistorySource,
  deps: Pick<DoctorDependencies, 'cwd' | 'logger' | 'redactor'> & Partial<Pick<DoctorDependencies, 'env'>>,
): Promise<CheckResult> {
  const url = source.flag ?? source.configured ?? defaultHistoryUrl(source.configDir);
  const shown = redactCredentials(url);
  try {
    // With the environment: a postgres:// URL may leave its user or settings to PGUSER, PGSSLMODE, ...
    const store = openHistoryStore(url, { baseDir: deps.cwd, logger: deps.logger, env: deps.env ?? {} });
    try {
      if (!url.trim().toLowerCase().startsWith('file:'))
        return checkResult(HISTORY_CHECK, 'skipped', `${shown}: no check for this kind of store yet`);
      const result = await checkHistoryFile(resolveFileHistoryPath(url.trim(), deps.cwd));
      // Read as evaluate reads it: a file that is no history is refused here as it is there.
      if (result.status === 'ok') await store.get(PROBE_ID);
      return result;
    } finally {
      await store.close();
    }
  } catch (error) {
    return failedCheck(HISTORY_CHECK, error, deps.redactor);
  }
}

async function checkHistoryFile(path: string): Promise<CheckResult> {
  const shown = `file:${path}`;
  // lstat: the store refuses a link (it never appends through one), so doctor must say so too.
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR')
      return failed(`${shown}: cannot be read (${info.code})`);
    return checkFutureFile(path);
  }
  if (info.isSymbolicLink()) return failed(`${shown} is a symbolic link; name the history file itself`);
  if (!info.isFile()) return failed(`${shown} is ${describeFileType(info)}`);
  const problem =
    (await accessProblem(path, constants.R_OK | constants.W_OK)) ??
    (await accessProblem(dirname(path), constants.W_OK));
  if (problem !== undefined) return failed(`${shown}: ${problem}`);
  return checkResult(HISTORY_CHECK, 'ok', `${shown}: ${formatBytes(info.size)}, readable and writable`);
}

/** The file is not there yet: its nearest existing ancestor must be a directory we may write. */
async function checkFutureFile(path: string): Promise<CheckResult> {
  const shown = `file:${path}`;
  const dir = dirname(path);
  let ancestor = dir;
  let info: Stats | undefined;
  for (;;) {
    info = await stat(ancestor).catch(() => undefined);
    if (info !== undefined || dirname(ancestor) === ancestor) break;
    ancestor = dirname(ancestor);
  }
  if (info === undefined || !info.isDirectory()) return failed(`${shown}: ${ancestor} is not a directory`);
  const problem = await accessProblem(ancestor, constants.W_OK);
  if (problem !== undefined) return failed(`${shown}: ${problem}`);
  const where =
    ancestor === dir ? `will be created in ${dir}` : `${dir} and the file will be created (in ${ancestor})`;
  return checkResult(HISTORY_CHECK, 'ok', `${shown}: no history yet; ${where}`);
}

async function accessProblem(path: string, mode: number): Promise<string | undefined> {
  try {
    await access(path, mode);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return `${path} cannot be ${mode === constants.W_OK ? 'written' : 'read and written'} (${code})`;
  }
}

function failed(detail: string): CheckResult {
  return checkResult(HISTORY_CHECK, 'fail', detail, { hint: HINT, failure: 'config' });
}

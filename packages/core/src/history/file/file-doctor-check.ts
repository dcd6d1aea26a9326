/**
 * The `file:` store's part of the doctor's history check: the file (if there) and its directory
 * can be written, since appends take a lock file beside it. Nothing is created or changed: a
 * directory that is not there yet only has to be creatable.
 */

import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { access, lstat, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CheckFinding } from '../../doctor/types.js';
import { describeFileType, formatBytes } from '../../files/regular-file.js';
import type { HistoryStoreCheck } from '../store-definition.js';
import { resolveFileHistoryPath } from './open-file-history-store.js';

const HINT =
  'point --history (env CI_CONNECT_HISTORY) or ci-connect.yaml `history` at a file the job can write';

/** Checks the history file a `file:` URL names; relative paths are relative to `cwd`. */
export const checkHistoryFile: HistoryStoreCheck = (url, deps) =>
  checkPath(resolveFileHistoryPath(url, deps.cwd));

async function checkPath(path: string): Promise<CheckFinding> {
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
  return { status: 'ok', detail: `${shown}: ${formatBytes(info.size)}, readable and writable` };
}

/** The file is not there yet: its nearest existing ancestor must be a directory we may write. */
async function checkFutureFile(path: string): Promise<CheckFinding> {
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
  return { status: 'ok', detail: `${shown}: no history yet; ${where}` };
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

function failed(detail: string): CheckFinding {
  return { status: 'fail', detail, hint: HINT, failure: 'config' };
}

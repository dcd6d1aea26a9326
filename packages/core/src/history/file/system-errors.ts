/**
 * Turns file-system errors of the history file into messages for the user: a path that can
 * never work is a ConfigError (exit 2), a full or failing disk an ExternalSystemError (exit 3).
 */

import { CiConnectError, ConfigError, errorCode, ExternalSystemError } from '../../errors.js';
import { FileRefusedError } from '../../files/regular-file.js';

const FLAG_HINT =
  'point --history (or CI_CONNECT_HISTORY) at a writable file, e.g. --history file:path/to/history.jsonl';

/** What went wrong, for path-related codes that retrying will not fix. */
const CONFIG_PROBLEMS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EISDIR: 'the path is a directory, not a regular file',
  ENOTDIR: 'a parent of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  // Only a write gets here (reading a missing file is an empty history): the directories were
  // just created, so a part of the path is a symbolic link that points nowhere.
  ENOENT: 'a directory on the path cannot be created (is it a symbolic link that points nowhere?)',
};

const SPACE_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** Wraps `error` from reading or writing the history file at `path`; other errors pass through. */
export function toHistoryFileError(error: unknown, path: string, operation: 'read' | 'write'): unknown {
  if (error instanceof FileRefusedError) return refusedHistoryFile(error, path, operation);
  if (error instanceof CiConnectError) return error;
  const code = errorCode(error);
  if (code === undefined) return error;
  const problem = CONFIG_PROBLEMS[code];
  if (problem !== undefined) {
    return new ConfigError(`cannot ${operation} the history file ${path}: ${problem}`, {
      hint: FLAG_HINT,
      cause: error,
    });
  }
  if (SPACE_CODES.has(code)) {
    return new ExternalSystemError(`cannot append to the history file ${path}: no space left on the device`, {
      hint: 'free disk space and run again; the records already in the file are unchanged',
      cause: error,
    });
  }
  return new ExternalSystemError(
    `cannot ${operation} the history file ${path}: ${(error as Error).message}`,
    { hint: 'retrying may help; the records already in the file are unchanged', cause: error },
  );
}

/** The shared file guard's refusal, said as the history's: which operation, and --history. */
function refusedHistoryFile(error: FileRefusedError, path: string, operation: 'read' | 'write'): ConfigError {
  const { problem } = error;
  const what =
    problem.kind === 'not-regular'
      ? `the path is ${problem.fileType}, not a regular file`
      : problem.kind === 'symbolic-link'
        ? 'the path is a symbolic link, and ci-connect does not follow links for its history'
        : error.message;
  return new ConfigError(`cannot ${operation} the history file ${path}: ${what}`, {
    hint:
      problem.kind === 'symbolic-link'
        ? 'point --history (or CI_CONNECT_HISTORY) at the history file itself, not at a link to it'
        : FLAG_HINT,
    cause: error,
  });
}

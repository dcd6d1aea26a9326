/**
 * Refuses history paths that are not regular files before they are opened: reading /dev/zero
 * never ends (no "\n", so the line buffer grows until memory runs out), opening a FIFO waits
 * for a writer forever, and appending to either sends the record nowhere.
 */

import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ConfigError } from '../../errors.js';
import { errorCode } from './system-errors.js';

const HINT =
  'point --history (or CI_CONNECT_HISTORY) at a regular file, e.g. --history file:path/to/history.jsonl';

/**
 * Throws a ConfigError when `path` (after symbolic links) exists and is not a regular file; a
 * missing file is fine. Other errors of stat are thrown as they are, for the caller to wrap.
 */
export async function refuseIrregularFile(path: string, operation: 'read' | 'write'): Promise<void> {
  let stats: Stats;
  try {
    // stat, not open: it does not block on a FIFO. The path could change before it is opened,
    // but that takes someone replacing the history file on purpose.
    stats = await stat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  if (stats.isFile()) return;
  throw new ConfigError(
    `cannot ${operation} the history file ${path}: the path is ${describeFileType(stats)}, not a regular file`,
    { hint: HINT },
  );
}

function describeFileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'of an unknown type';
}

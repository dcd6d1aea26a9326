/**
 * The registry's factory for `file:` URLs. `file:<path>` takes the path literally, relative to
 * the caller's base directory unless absolute; `file:///abs/path` is a standard file URL.
 */

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../errors.js';
import type { HistoryStore, OpenHistoryStoreOptions } from '../history-store.js';
import { FileHistoryStore } from './file-history-store.js';

const HINT = 'write e.g. --history file:path/to/history.jsonl (or set CI_CONNECT_HISTORY)';

/** The absolute path a `file:` history URL names. */
export function resolveFileHistoryPath(url: string, baseDir: string): string {
  const rest = url.slice(url.indexOf(':') + 1);
  if (rest.startsWith('//')) {
    try {
      return fileURLToPath(url);
    } catch (error) {
      throw new ConfigError(`the history URL "${url}" is not a local file URL: ${(error as Error).message}`, {
        hint: HINT,
        cause: error,
      });
    }
  }
  if (rest.trim() === '') throw new ConfigError(`the history URL "${url}" names no file`, { hint: HINT });
  return resolve(baseDir, rest);
}

/** Opens the JSON Lines store a `file:` URL names. */
export function openFileHistoryStore(url: string, options: OpenHistoryStoreOptions): HistoryStore {
  return new FileHistoryStore({
    path: resolveFileHistoryPath(url, options.baseDir),
    logger: options.logger,
    clock: options.clock,
  });
}

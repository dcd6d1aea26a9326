/**
 * The registry's factory for `git:` URLs (`git:<branch>` or `git:<branch>@<remote>`). Opening
 * checks only the URL's form: git, the job's repository and the remote are looked at on first
 * use, as a database store connects on first use.
 */

import { registerUrlsIn } from '../../redaction/credential-sources.js';
import { createRedactor } from '../../redaction/redaction.js';
import { runProcess } from '../../tools/process.js';
import type { HistoryStore, OpenHistoryStoreOptions } from '../history-store.js';
import { GitHistoryStore } from './git-history-store.js';
import { parseGitHistoryUrl } from './git-history-url.js';

/** Opens the store a `git:` URL names, in the repository of `options.baseDir`. */
export function openGitHistoryStore(url: string, options: OpenHistoryStoreOptions): HistoryStore {
  // Where the URL enters: any credential in it is masked before anything could quote it.
  if (options.redactor !== undefined) registerUrlsIn(options.redactor, url);
  return new GitHistoryStore({
    url: parseGitHistoryUrl(url),
    baseDir: options.baseDir,
    // Without the run's redactor, one of its own: a token in the remote URL never shows either way.
    context:
      options.env === undefined
        ? undefined
        : {
            env: options.env,
            runProcess: options.runProcess ?? runProcess,
            redactor: options.redactor ?? createRedactor(),
            ...(options.signal === undefined ? {} : { signal: options.signal }),
          },
    logger: options.logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}

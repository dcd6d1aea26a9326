/**
 * The `git:` store's part of the doctor's history check: git, the job's repository, its remote
 * and the branch name are usable, the branch can be fetched, and the remote would accept a push
 * from this job (`git push --dry-run`, which logs in as a push does). Nothing is pushed.
 */

import { silentLogger } from '../../environment.js';
import { createRedactor } from '../../redaction/redaction.js';
import { runProcess } from '../../tools/process.js';
import type { HistoryStoreCheck } from '../store-definition.js';
import { GitHistoryStore } from './git-history-store.js';
import { parseGitHistoryUrl } from './git-history-url.js';

/** Checks the branch a `git:` URL names, from the repository of `cwd`. */
export const checkGitHistory: HistoryStoreCheck = async (url, deps) => {
  const store = new GitHistoryStore({
    url: parseGitHistoryUrl(url),
    baseDir: deps.cwd,
    context: {
      env: deps.env,
      runProcess: deps.runProcess ?? runProcess,
      redactor: deps.redactor ?? createRedactor(),
    },
    logger: silentLogger,
  });
  try {
    return { status: 'ok', detail: await store.check() };
  } finally {
    await store.close();
  }
};

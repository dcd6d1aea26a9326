/** The `git:` history store (JSON Lines on a branch of the job's repository) and its registry entry. */
import type { HistoryStoreDefinition } from '../store-definition.js';
import { checkGitHistory } from './git-doctor-check.js';
import { openGitHistoryStore } from './open-git-history-store.js';

/** `git:<branch>[@<remote>]`, for CI with no database (DESIGN.md section 4). */
export const gitHistoryStore: HistoryStoreDefinition = {
  scheme: 'git',
  open: openGitHistoryStore,
  doctorCheck: checkGitHistory,
  docs: 'history-stores.md#git-a-branch-of-the-jobs-repository',
};

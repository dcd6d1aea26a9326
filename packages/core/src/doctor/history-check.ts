/**
 * The history store check: the URL a gate would use resolves to a store, the store's own check
 * (its registry entry's, e.g. for `file:` that the file and its directory can be written) finds
 * nothing wrong, and the store can be read as a gate reads it. Nothing is created or changed.
 */

import { defaultHistoryUrl } from '../config/project-context.js';
import { historyStoreOf, openHistoryStore } from '../history/open-store.js';
import { failedCheck } from './check-errors.js';
import { checkResult } from './types.js';
import type { CheckResult, DoctorDependencies } from './types.js';

export const HISTORY_CHECK = 'history';
// No record has this id: looking it up reads the whole file, as a gate's baseline query does.
const PROBE_ID = 'ci-connect-doctor-probe';

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
  deps: Pick<DoctorDependencies, 'cwd' | 'logger' | 'redactor' | 'env' | 'runProcess'>,
): Promise<CheckResult> {
  const url = source.flag ?? source.configured ?? defaultHistoryUrl(source.configDir);
  try {
    const store = openHistoryStore(url, {
      baseDir: deps.cwd,
      logger: deps.logger,
      env: deps.env,
      ...(deps.runProcess === undefined ? {} : { runProcess: deps.runProcess }),
    });
    try {
      const finding = await historyStoreOf(url).doctorCheck(url.trim(), deps);
      const result = checkResult(HISTORY_CHECK, finding.status, finding.detail, finding);
      // Read as evaluate reads it: a store that holds no history is refused here as it is there.
      if (result.status === 'ok') await store.get(PROBE_ID);
      return result;
    } finally {
      await store.close();
    }
  } catch (error) {
    return failedCheck(HISTORY_CHECK, error, deps.redactor);
  }
}

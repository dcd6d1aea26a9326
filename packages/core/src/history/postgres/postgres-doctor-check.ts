/**
 * The `postgres://` store's part of the doctor's history check: the database is reached with the
 * gate's settings and password, and its history schema is current. Like the first gate, this
 * creates the history's tables when the database has none yet; it adds no record.
 */

import { silentLogger } from '../../environment.js';
import type { HistoryStoreCheck } from '../store-definition.js';
import { openPostgresHistoryStore } from './open-postgres-history-store.js';

/** Connects as a gate would; a refusal or an unreachable server throws, and fails the check. */
export const checkPostgresHistory: HistoryStoreCheck = async (url, deps) => {
  const store = openPostgresHistoryStore(url, {
    baseDir: deps.cwd,
    logger: deps.logger ?? silentLogger,
    env: deps.env ?? {},
    ...(deps.redactor === undefined ? {} : { redactor: deps.redactor }),
  });
  try {
    await store.ready();
  } finally {
    await store.close();
  }
  return { status: 'ok', detail: `${store.location}: reachable, history tables ready` };
};

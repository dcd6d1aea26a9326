/**
 * The registry's factory for `postgres://` and `postgresql://` URLs. Nothing connects here: the
 * store connects on its first operation. The password (from the URL or PGPASSWORD) is registered
 * with the run's redactor where it enters, so no message, log line or record can show it.
 */

import { createRedactor } from '../../redaction/redaction.js';
import { registerUrlsIn } from '../../redaction/credential-sources.js';
import type { HistoryStore, OpenHistoryStoreOptions } from '../history-store.js';
import { resolvePostgresSettings } from './connection-settings.js';
import { PostgresHistoryStore } from './postgres-history-store.js';

/** Opens the store a `postgres://` URL names, with the libpq variables of `options.env`. */
export function openPostgresHistoryStore(url: string, options: OpenHistoryStoreOptions): HistoryStore {
  const redactor = options.redactor ?? createRedactor();
  registerUrlsIn(redactor, url);
  const settings = resolvePostgresSettings(url, options.env ?? {});
  redactor.add(settings.password);
  return new PostgresHistoryStore({
    settings,
    logger: options.logger,
    redactor,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}

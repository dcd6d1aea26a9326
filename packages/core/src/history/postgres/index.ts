/** The `postgres://` history store (PostgreSQL) and its registry entries. */
import type { HistoryStoreDefinition } from '../store-definition.js';
import { checkPostgresHistory } from './postgres-doctor-check.js';
import { openPostgresHistoryStore } from './open-postgres-history-store.js';

/** `postgres://user@host:port/database?sslmode=...` (DESIGN.md section 4). */
export const postgresHistoryStore: HistoryStoreDefinition = {
  scheme: 'postgres',
  open: openPostgresHistoryStore,
  doctorCheck: checkPostgresHistory,
  docs: 'config-reference.md#history-in-postgresql',
};

/** `postgresql://...`, libpq's other spelling of the same URL. */
export const postgresqlHistoryStore: HistoryStoreDefinition = {
  ...postgresHistoryStore,
  scheme: 'postgresql',
};

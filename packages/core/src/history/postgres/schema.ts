/**
 * The history's tables, created and migrated on first use. Twenty jobs may start on a fresh
 * database at once: each migrates inside a transaction holding one advisory lock, so one creates
 * and the others find the version current. A database migrated by a newer ci-connect is refused.
 */

import type { PoolClient } from 'pg';
import { ConfigError } from '../../errors.js';

/** The records table: one row per record, in append order (`seq`). */
export const RECORDS_TABLE = 'ci_connect_history';
/** One row per migration applied. */
export const VERSION_TABLE = 'ci_connect_schema_version';
/** The schema this ci-connect creates and reads. */
export const SCHEMA_VERSION = 1;

// Any constant does, as long as it is the same in every ci-connect: pg_advisory_xact_lock(bigint).
const MIGRATION_LOCK = 7_131_001_001;

/**
 * The statements of each version, in order. The header fields are columns, for the indexes;
 * `record` keeps the record's JSON text exactly as appended (the `json` type, unlike `jsonb`,
 * keeps key order, number spelling and any "\u0000"), and SQL can still read it (`record->>'score'`).
 * `target` is set on bookkeeping only (invalidations, pins), so `target IS NULL` means "a record".
 */
const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE IF NOT EXISTS ${RECORDS_TABLE} (
      seq bigserial PRIMARY KEY,
      id text NOT NULL UNIQUE,
      schema_version integer NOT NULL,
      kind text NOT NULL,
      project text,
      stage text,
      service text,
      result text,
      at timestamptz,
      target text,
      record json NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS ${RECORDS_TABLE}_service ON ${RECORDS_TABLE} (project, stage, service, seq)`,
    `CREATE INDEX IF NOT EXISTS ${RECORDS_TABLE}_kind ON ${RECORDS_TABLE} (kind, seq)`,
    `CREATE INDEX IF NOT EXISTS ${RECORDS_TABLE}_at ON ${RECORDS_TABLE} (at)`,
    `CREATE INDEX IF NOT EXISTS ${RECORDS_TABLE}_target ON ${RECORDS_TABLE} (target) WHERE target IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS ${RECORDS_TABLE}_pins ON ${RECORDS_TABLE} (project, stage, service, seq)
      WHERE target IS NOT NULL AND kind IN ('pin', 'unpin')`,
  ],
];

/**
 * Brings the schema to SCHEMA_VERSION: a quick check first (one query once the tables exist),
 * then, when needed, the migration under the lock.
 */
export async function migrateSchema(client: PoolClient, location: string): Promise<void> {
  const current = await readVersion(client).catch((error: unknown) => {
    // 42P01 undefined_table: a database ci-connect has not used yet.
    if ((error as { code?: unknown }).code === '42P01') return 0;
    throw error;
  });
  refuseNewer(current, location);
  if (current === SCHEMA_VERSION) return;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version integer PRIMARY KEY, migrated_at timestamptz NOT NULL DEFAULT now())`,
    );
    const locked = await readVersion(client);
    refuseNewer(locked, location);
    for (let version = locked + 1; version <= SCHEMA_VERSION; version += 1) {
      for (const statement of MIGRATIONS[version - 1] ?? []) await client.query(statement);
      await client.query(`INSERT INTO ${VERSION_TABLE} (version) VALUES ($1)`, [version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function readVersion(client: PoolClient): Promise<number> {
  const result = await client.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${VERSION_TABLE}`,
  );
  return result.rows[0]?.version ?? 0;
}

function refuseNewer(version: number, location: string): void {
  if (version <= SCHEMA_VERSION) return;
  throw new ConfigError(
    `the history ${location} has schema version ${version}, written by a newer ci-connect; this one knows version ${SCHEMA_VERSION}`,
    { hint: 'upgrade ci-connect in this pipeline to the version the other jobs use' },
  );
}

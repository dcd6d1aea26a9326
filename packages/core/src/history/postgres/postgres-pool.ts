/**
 * The connection pool of a `postgres://` history: node-postgres imported here, on first use (so
 * commands that never touch PostgreSQL do not load it), connected with libpq's sslmode (falling
 * back to no TLS only for prefer and allow, as libpq does), and the schema migrated before the
 * pool is handed out. Timeouts everywhere: nothing waits for a dead database for long.
 */

import type { Pool, PoolConfig } from 'pg';
import type { Logger } from '../../environment.js';
import type { Redactor } from '../../redaction/redaction.js';
import type { PostgresSettings } from './connection-settings.js';
import { PasswordMissing } from './postgres-errors.js';
import { migrateSchema } from './schema.js';
import { postgresTlsOptions, type PostgresTls } from './tls-options.js';

/** Connections at once: a job appends one record at a time; a few cover overlapping calls. */
const POOL_SIZE = 3;
/** No statement runs longer (server side); the client gives up a little later. */
const STATEMENT_TIMEOUT_MS = 30_000;
const QUERY_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 5_000;

/** A pool whose first connection worked and whose schema is current; errors as node-postgres throws them. */
export async function connectPostgresPool(
  settings: PostgresSettings,
  logger: Logger,
  redactor: Redactor,
): Promise<Pool> {
  const { default: pg } = await import('pg');
  const open = (tls: PostgresTls) =>
    // A connection the server drops while idle is replaced by the next query; an unheard
    // 'error' event would end the process.
    new pg.Pool(poolConfig(settings, tls)).on('error', (error) =>
      logger.debug(redactor.redact(`${settings.location}: an idle connection failed: ${error.message}`)),
    );
  const pool = open(await postgresTlsOptions(settings, redactor));
  try {
    await migrate(pool, settings.location);
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    // sslmode prefer and allow (libpq): encrypt when the server can, else talk in the clear.
    const optional = settings.sslMode === 'prefer' || settings.sslMode === 'allow';
    if (!(optional && /does not support SSL/i.test((error as Error).message))) throw error;
  }
  logger.debug(
    `${settings.location}: the server does not accept TLS; connecting without (sslmode ${settings.sslMode})`,
  );
  const clear = open(false);
  try {
    await migrate(clear, settings.location);
    return clear;
  } catch (error) {
    await clear.end().catch(() => undefined);
    throw error;
  }
}

async function migrate(pool: Pool, location: string): Promise<void> {
  const client = await pool.connect();
  try {
    await migrateSchema(client, location);
  } finally {
    client.release();
  }
}

function poolConfig(settings: PostgresSettings, ssl: PostgresTls): PoolConfig {
  return {
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    // Asked for only when the server wants one, so a missing password is said in words.
    password: () => {
      if (settings.password === undefined) throw new PasswordMissing();
      return settings.password;
    },
    ssl,
    application_name: settings.applicationName,
    ...(settings.options === undefined ? {} : { options: settings.options }),
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
    max: POOL_SIZE,
    idleTimeoutMillis: 10_000,
    // An idle connection must not keep a finished job's process alive.
    allowExitOnIdle: true,
  };
}

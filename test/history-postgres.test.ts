// The postgres:// history store against a real PostgreSQL server started for this file
// (DESIGN.md section 8): the contract every store passes, first use by 20 jobs at once, records
// kept to the byte, the indexes a baseline query uses, and what a refusing database says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger, silentLogger } from '../packages/core/src/environment.js';
import { CiConnectError, ConfigError, ExternalSystemError } from '../packages/core/src/errors.js';
import type { HistoryStore } from '../packages/core/src/history/history-store.js';
import { openHistoryStore } from '../packages/core/src/history/open-store.js';
import { selectNewestPin, selectPage } from '../packages/core/src/history/postgres/record-rows.js';
import {
  describeHistoryStoreContract,
  sampleEvaluation,
} from '../packages/core/src/history/test-support/history-store-contract.js';
import { createRedactor } from '../packages/core/src/redaction/redaction.js';
import { findFreePort } from './support/free-port.js';
import { CI_PASSWORD, postgresql, startPostgres, type PostgresServer } from './support/postgres-server.js';
import { describeWithReal } from './support/real-components.js';

const carts = { project: 'shop', stage: 'hardening', service: 'carts' } as const;

function open(url: string, env: Record<string, string> = {}): HistoryStore {
  return openHistoryStore(url, { baseDir: '/', logger: silentLogger, env });
}

async function failureOf(work: Promise<unknown>): Promise<CiConnectError> {
  const error: unknown = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CiConnectError))
    throw new Error(`expected a ci-connect error, got ${String(error)}`);
  return error;
}

describeWithReal(postgresql, 'postgres:// history store', (found) => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres(found.bin);
  });
  afterAll(async () => {
    await server?.stop();
  });

  let database = '';
  describeHistoryStoreContract('postgres', {
    setup: async () => {
      database = await server.createDatabase();
    },
    open: () => open(server.url(database), { PGPASSWORD: CI_PASSWORD }),
    teardown: async () => {
      // Databases stay until the server is removed: a store of the test may still be open.
    },
  });

  it('creates the schema once when 20 jobs start on a fresh database at once, and loses nothing', async () => {
    const fresh = await server.createDatabase();
    const stores = Array.from({ length: 20 }, () => open(server.url(fresh, { password: CI_PASSWORD })));
    try {
      await Promise.all(
        stores.map(async (store, job) => {
          for (let i = 0; i < 5; i += 1) await store.append(sampleEvaluation(`job${job}-${i}`));
        }),
      );
      expect(await stores[0]!.query({ ...carts })).toHaveLength(100);
      const versions = await server.admin('SELECT version FROM ci_connect_schema_version', [], fresh);
      expect(versions.rows).toEqual([{ version: 1 }]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('exports one snapshot: records written while the export runs are not in it, and nothing is skipped', async () => {
    const name = await server.createDatabase();
    const store = open(server.url(name, { password: CI_PASSWORD }));
    const writer = open(server.url(name, { password: CI_PASSWORD }));
    try {
      // More than one page (1000 rows), so that the export reads on after the writes.
      await store.import(Array.from({ length: 1500 }, (_, i) => sampleEvaluation(`before-${i}`)));
      const exported: string[] = [];
      for await (const record of store.entries()) {
        exported.push(record.id);
        if (exported.length === 1) await writer.append(sampleEvaluation('during'));
      }
      expect(exported).toHaveLength(1500);
      expect(exported).not.toContain('during');
      expect(new Set(exported).size).toBe(1500);
      // A reader that stops early ends its transaction: the connection is usable afterwards.
      for await (const record of store.entries()) if (record.id !== '') break;
      expect(await store.get('during')).toMatchObject({ id: 'during' });
    } finally {
      await store.close();
      await writer.close();
    }
  });

  it('answers a baseline query through the indexes, newest first, whatever the history holds', async () => {
    const name = await server.createDatabase();
    const store = open(server.url(name, { password: CI_PASSWORD }));
    try {
      // 40 services: carts is every 40th record.
      const service = (i: number) => (i % 40 === 0 ? 'carts' : `service-${i % 40}`);
      await store.import(
        Array.from({ length: 20_000 }, (_, i) =>
          sampleEvaluation(`r${i}`, { service: service(i), result: i % 3 === 0 ? 'fail' : 'pass' }),
        ),
      );
      await store.invalidate('r19960');
      await store.pin('r80');
      await server.admin('ANALYZE', [], name);
      const baseline = selectPage(
        { kind: 'evaluation', ...carts, results: ['pass', 'warning'], limit: 3 },
        3,
      );
      const plan = await server.admin<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${baseline.text}`,
        baseline.values,
        name,
      );
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Scan Backward using ci_connect_history_service on ci_connect_history r/);
      expect(text).toMatch(/Index Scan using ci_connect_history_(target|kind) on ci_connect_history i/);
      expect(text).toMatch(/Index Scan Backward using ci_connect_history_pins/);
      expect(text).not.toMatch(/Seq Scan/);
      const pin = selectNewestPin(carts);
      const pinPlan = await server.admin<{ 'QUERY PLAN': string }>(`EXPLAIN ${pin.text}`, pin.values, name);
      expect(pinPlan.rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/ci_connect_history_pins/);
      const newest = await store.query({
        kind: 'evaluation',
        ...carts,
        results: ['pass', 'warning'],
        limit: 3,
      });
      // r19960 is invalidated; r19920 and r19800 failed (every third record fails).
      expect(newest.map((r) => r.id)).toEqual(['r19880', 'r19840', 'r19760']);
      expect(await store.pinned(carts)).toMatchObject({ id: 'r80', pinned: true });
    } finally {
      await store.close();
    }
  });

  it('takes the password from the URL or from PGPASSWORD, and says which to fix', async () => {
    const name = await server.createDatabase();
    for (const store of [
      open(server.url(name, { password: CI_PASSWORD })),
      open(server.url(name), { PGPASSWORD: CI_PASSWORD }),
    ]) {
      await store.ready();
      await store.close();
    }
    const redactor = createRedactor();
    const wrong = openHistoryStore(server.url(name), {
      baseDir: '/',
      logger: silentLogger,
      env: { PGPASSWORD: 'not-the-Password-42' },
      redactor,
    });
    const refused = await failureOf(wrong.ready());
    await wrong.close();
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused.message).toContain('password authentication failed for user "ci_gate"');
    expect(refused.hint).toContain('PGPASSWORD');
    expect(redactor.redact('not-the-Password-42')).toBe('***');
    const none = open(server.url(name));
    const missing = await failureOf(none.ready());
    await none.close();
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toContain('asks for a password');
  });

  it('is a configuration error with a fix when the database is missing or the role may not create tables', async () => {
    const store = open(server.url('no_such_database', { password: CI_PASSWORD }));
    const missing = await failureOf(store.ready());
    await store.close();
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toContain('database "no_such_database" does not exist');
    expect(missing.hint).toContain('CREATE DATABASE no_such_database OWNER ci_gate');

    // PostgreSQL 15: only the owner of a database (and of its public schema) may create tables in it.
    const foreign = `foreign_${Date.now()}`;
    await server.admin(`CREATE DATABASE ${foreign}`);
    const denied = open(server.url(foreign, { password: CI_PASSWORD }));
    const refused = await failureOf(denied.ready());
    await denied.close();
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused.message).toContain('permission denied');
    expect(refused.hint).toContain('GRANT CREATE ON SCHEMA public TO ci_gate');
  });

  it('refuses a database whose schema a newer ci-connect wrote', async () => {
    const name = await server.createDatabase();
    const store = open(server.url(name, { password: CI_PASSWORD }));
    await store.ready();
    await server.admin('INSERT INTO ci_connect_schema_version (version) VALUES (2)', [], name);
    const later = open(server.url(name, { password: CI_PASSWORD }));
    const refused = await failureOf(later.ready());
    await Promise.all([store.close(), later.close()]);
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused.message).toContain('schema version 2, written by a newer ci-connect');
    expect(refused.hint).toContain('upgrade ci-connect');
  });

  it('talks in the clear to a server without TLS only when sslmode allows it', async () => {
    const name = await server.createDatabase();
    const logger = createMemoryLogger();
    const prefer = openHistoryStore(server.url(name, { password: CI_PASSWORD }), {
      baseDir: '/',
      logger,
      env: {},
    });
    await prefer.ready();
    await prefer.close();
    expect(logger.lines.map((l) => l.message).join('\n')).toContain('does not accept TLS');
    const require = open(server.url(name, { password: CI_PASSWORD, params: { sslmode: 'require' } }));
    const refused = await failureOf(require.ready());
    await require.close();
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused.message).toContain('does not accept TLS, and sslmode is require (sslmode in the URL)');
  });
});

describe('postgres:// history store without a server', () => {
  it('is exit 3 when nothing listens on the port, and fast', async () => {
    const port = await findFreePort();
    const store = open(`postgres://ci@127.0.0.1:${port}/history`, { PGPASSWORD: CI_PASSWORD });
    const started = Date.now();
    const error = await failureOf(store.ready());
    await store.close();
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(
      `the history postgres://127.0.0.1:${port}/history: cannot be reached (ECONNREFUSED)`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('is exit 3 when the host name does not resolve', async () => {
    const store = open('postgres://ci@no-such-host.invalid/history', { PGPASSWORD: CI_PASSWORD });
    const error = await failureOf(store.ready());
    await store.close();
    expect(error).toBeInstanceOf(ExternalSystemError);
    expect(error.message).toMatch(/cannot be reached \((ENOTFOUND|EAI_AGAIN)\)/);
  });
});

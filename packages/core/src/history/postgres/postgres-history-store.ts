/**
 * The `postgres://` history store (DESIGN.md section 4): the same records as the `file:` store,
 * one row each, for pipelines whose jobs run on many throwaway runners. The first operation
 * connects and migrates the schema (postgres-pool.ts); `close()` ends the pool.
 */

import type { Pool, PoolClient } from 'pg';
import { systemClock, type Clock, type Logger } from '../../environment.js';
import type { Redactor } from '../../redaction/redaction.js';
import { matchesQuery, viewRecord } from '../bookkeeping.js';
import { parseRecordLine } from '../parse-record.js';
import type {
  HistoryQuery,
  HistoryRecord,
  HistoryStore,
  HistoryTarget,
  ImportTally,
} from '../history-store.js';
import {
  findPinned,
  invalidateRecord,
  pinRecord,
  unpinService,
  type BookkeepingStore,
} from '../store-bookkeeping.js';
import type { PostgresSettings } from './connection-settings.js';
import { toPostgresHistoryError } from './postgres-errors.js';
import { connectPostgresPool } from './postgres-pool.js';
import {
  insertRows,
  selectById,
  selectEntries,
  selectNewestPin,
  selectPage,
  toRecordRow,
  type ReadRow,
  type RecordRow,
} from './record-rows.js';

export interface PostgresHistoryStoreOptions {
  settings: PostgresSettings;
  logger: Logger;
  /** Every error message passes through it; the password is registered in it already. */
  redactor: Redactor;
  clock?: Clock;
}

/** Rows per statement while importing, and per page while reading. */
const BATCH = 1000;

/** A history kept in a PostgreSQL database. */
export class PostgresHistoryStore implements HistoryStore {
  readonly location: string;
  private readonly settings: PostgresSettings;
  private readonly logger: Logger;
  private readonly redactor: Redactor;
  private readonly clock: Clock;
  private pool: Promise<Pool> | undefined;
  private closed = false;
  /** Records already warned about as unreadable, so a listing does not repeat itself. */
  private readonly warned = new Set<string>();
  private readonly bookkeeping: BookkeepingStore;

  constructor(options: PostgresHistoryStoreOptions) {
    this.settings = options.settings;
    this.location = options.settings.location;
    this.logger = options.logger;
    this.redactor = options.redactor;
    this.clock = options.clock ?? systemClock;
    this.bookkeeping = {
      location: this.location,
      clock: this.clock,
      get: (id) => this.get(id),
      append: (record) => this.append(record),
      newestPin: (service) => this.newestPin(service),
    };
  }

  async append(record: HistoryRecord): Promise<void> {
    const row = toRecordRow(record);
    await this.run((pool) => pool.query(insertRows([row])));
  }

  async query(query: HistoryQuery): Promise<HistoryRecord[]> {
    const found: HistoryRecord[] = [];
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return found;
    await this.run(async (pool) => {
      let before: string | undefined;
      // Pages, in case some rows are unreadable (a newer layout, a damaged evaluation) or need
      // matchesQuery to say no: usually the first page answers.
      for (;;) {
        const pageSize = Math.min(BATCH, Math.max(limit - found.length, 1));
        const rows = (await pool.query<ReadRow>(selectPage(query, pageSize, before))).rows;
        for (const row of rows) {
          const record = this.readRow(row);
          if (record !== undefined && this.answers(record, row, query)) found.push(record);
          if (found.length >= limit) return;
        }
        if (rows.length < pageSize) return;
        before = rows.at(-1)?.seq;
      }
    });
    return found;
  }

  async get(id: string): Promise<HistoryRecord | undefined> {
    const rows = await this.run(async (pool) => (await pool.query<ReadRow>(selectById(id))).rows);
    return rows[0] === undefined ? undefined : this.readRow(rows[0]);
  }

  invalidate(id: string, reason?: string): Promise<HistoryRecord> {
    return invalidateRecord(this.bookkeeping, id, reason);
  }

  pin(id: string, reason?: string): Promise<HistoryRecord> {
    return pinRecord(this.bookkeeping, id, reason);
  }

  unpin(service: HistoryTarget, reason?: string): Promise<HistoryRecord | undefined> {
    return unpinService(this.bookkeeping, service, reason);
  }

  pinned(service: HistoryTarget): Promise<HistoryRecord | undefined> {
    return findPinned(this.bookkeeping, service);
  }

  /**
   * Every record, oldest first, as one snapshot (a read-only REPEATABLE READ transaction): pages
   * read apart would miss the rows of an import that took lower `seq` numbers and committed
   * after the export had read past them, and would mix records from before and after it.
   */
  async *entries(): AsyncIterable<HistoryRecord> {
    const client = await this.run((pool) => pool.connect());
    let finished = false;
    try {
      await this.guarded(() => client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'));
      let after = '0';
      for (;;) {
        const rows = await this.guarded(
          async () => (await client.query<ReadRow>(selectEntries(after, BATCH))).rows,
        );
        for (const row of rows) {
          const record = this.readRow(row);
          if (record !== undefined) yield record;
        }
        if (rows.length < BATCH) break;
        after = rows.at(-1)?.seq ?? after;
      }
      await this.guarded(() => client.query('COMMIT'));
      finished = true;
    } finally {
      // A reader that stopped early (or a failure) leaves the transaction open: end it.
      if (!finished) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async import(records: AsyncIterable<HistoryRecord> | Iterable<HistoryRecord>): Promise<ImportTally> {
    const tally: ImportTally = { added: 0, present: 0 };
    await this.transaction(async (client) => {
      let batch: RecordRow[] = [];
      const flush = async () => {
        const added = (await client.query(insertRows(batch))).rowCount ?? 0;
        tally.added += added;
        tally.present += batch.length - added;
        batch = [];
      };
      for await (const record of records) {
        batch.push(toRecordRow(record));
        if (batch.length >= BATCH) await flush();
      }
      if (batch.length > 0) await flush();
    });
    return tally;
  }

  async ready(): Promise<void> {
    await this.run(() => Promise.resolve());
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    if (pool !== undefined) await (await pool.catch(() => undefined))?.end();
  }

  /** The id of the evaluation the newest pin of `service` names, unless an unpin came after it. */
  private async newestPin(service: HistoryTarget): Promise<string | undefined> {
    const rows = await this.run(
      async (pool) => (await pool.query<{ kind: string; target: string }>(selectNewestPin(service))).rows,
    );
    return rows[0]?.kind === 'pin' ? rows[0].target : undefined;
  }

  /** The record of a row as readers see it; undefined (with a warning) when this version cannot read it. */
  private readRow(row: Partial<ReadRow> & Pick<ReadRow, 'body'>): HistoryRecord | undefined {
    const parsed = parseRecordLine(row.body);
    if (parsed.status === 'record')
      return row.invalidated === undefined
        ? parsed.record
        : viewRecord(parsed.record, row.invalidated, row.pinned === true);
    if (parsed.status === 'skipped' && !this.warned.has(row.body)) {
      this.warned.add(row.body);
      this.logger.warn(`${this.location}: ${parsed.reason}`);
    }
    return undefined;
  }

  /** The query's filters, applied as every store applies them (the SQL only narrowed). */
  private answers(record: HistoryRecord, row: ReadRow, query: HistoryQuery): boolean {
    const invalidated = row.invalidated || record.invalidated === true;
    return matchesQuery(record, query) && (query.includeInvalidated === true || !invalidated);
  }

  /** Runs `work` with a ready pool; every failure becomes a ci-connect error, redacted. */
  private async run<T>(work: (pool: Pool) => Promise<T>): Promise<T> {
    return this.guarded(async () => work(await this.readyPool()));
  }

  /** Runs `work`; every failure becomes a ci-connect error, redacted. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toPostgresHistoryError(error, this.settings, this.redactor);
    }
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.run(async (pool) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
  }

  /** The pool, connected once and the schema migrated; a failure is tried again by the next call. */
  private readyPool(): Promise<Pool> {
    if (this.closed) throw new Error('the history store was used after close()');
    this.pool ??= connectPostgresPool(this.settings, this.logger, this.redactor).catch((error: unknown) => {
      this.pool = undefined;
      throw error;
    });
    return this.pool;
  }
}

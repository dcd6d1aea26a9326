/**
 * Records as rows and queries as SQL. The SQL narrows with the indexes (service, kind, result,
 * time, not invalidated, newest first, limit); the store then applies `matchesQuery` and the
 * reading rules of every store to what comes back, so both agree with the `file:` store exactly.
 */

import { isBookkeeping, recordTime } from '../bookkeeping.js';
import type { HistoryQuery, HistoryRecord, HistoryTarget } from '../history-store.js';
import { serialiseRecord, SUPPORTED_SCHEMA_VERSION } from '../parse-record.js';
import { RECORDS_TABLE as H } from './schema.js';

/** The columns of one record, in the order of `INSERT_COLUMNS`. */
export type RecordRow = [
  id: string,
  schemaVersion: number,
  kind: string,
  project: string | null,
  stage: string | null,
  service: string | null,
  result: string | null,
  at: string | null,
  target: string | null,
  record: string,
];

const INSERT_COLUMNS = 'id, schema_version, kind, project, stage, service, result, at, target, record';
const COLUMN_TYPES = ['text', 'int', 'text', 'text', 'text', 'text', 'text', 'timestamptz', 'text', 'json'];

/** The row of a record; refuses what is no record (a bug in the caller), as every store does. */
export function toRecordRow(record: HistoryRecord): RecordRow {
  const json = serialiseRecord(record);
  const fields = record as unknown as Record<string, unknown>;
  const time = recordTime(record);
  const instant = time === undefined ? Number.NaN : Date.parse(time);
  return [
    record.id,
    record.schemaVersion,
    record.kind,
    text(fields.project),
    text(fields.stage),
    text(fields.service),
    text(fields.result),
    Number.isNaN(instant) ? null : new Date(instant).toISOString(),
    isBookkeeping(record) ? record.target : null,
    json,
  ];
}

/** A statement and its parameters. */
export interface Sql {
  text: string;
  values: unknown[];
}

/** Appends rows in order, skipping ids already stored; returns the ids it added. */
export function insertRows(rows: readonly RecordRow[]): Sql {
  const columns = COLUMN_TYPES.map((type, i) => `$${i + 1}::${type === 'json' ? 'text' : type}[]`);
  const names = INSERT_COLUMNS.split(', ');
  const select = names.map((name, i) => (COLUMN_TYPES[i] === 'json' ? `${name}::json` : name)).join(', ');
  return {
    // unnest WITH ORDINALITY ... ORDER BY keeps the given order in the sequence numbers.
    text:
      `INSERT INTO ${H} (${INSERT_COLUMNS}) SELECT ${select} FROM unnest(${columns.join(', ')}) ` +
      `WITH ORDINALITY AS given(${INSERT_COLUMNS}, position) ORDER BY position ` +
      'ON CONFLICT (id) DO NOTHING RETURNING id',
    values: COLUMN_TYPES.map((_, i) => rows.map((row) => row[i])),
  };
}

/** What a read returns per record: its JSON text and what the bookkeeping says of it. */
export interface ReadRow {
  seq: string;
  body: string;
  invalidated: boolean;
  pinned: boolean;
}

const READABLE = `schema_version <= ${SUPPORTED_SCHEMA_VERSION}`;
const INVALIDATED = `EXISTS (SELECT 1 FROM ${H} i WHERE i.target = r.id AND i.kind = 'invalidation' AND i.${READABLE})`;
/** The newest pin or unpin of a service decides; an unpin names the evaluation it ends. */
const NEWEST_PIN = `SELECT p.kind, p.target FROM ${H} p
  WHERE p.target IS NOT NULL AND p.kind IN ('pin', 'unpin') AND p.${READABLE}
    AND p.project = $1 AND p.stage = $2 AND p.service = $3
  ORDER BY p.seq DESC LIMIT 1`;
const PINNED = `COALESCE((SELECT p.kind = 'pin' AND p.target = r.id FROM ${H} p
  WHERE p.target IS NOT NULL AND p.kind IN ('pin', 'unpin') AND p.${READABLE}
    AND p.project = r.project AND p.stage = r.stage AND p.service = r.service
  ORDER BY p.seq DESC LIMIT 1), false)`;
const READ_COLUMNS = `r.seq, r.record::text AS body, ${INVALIDATED} AS invalidated, ${PINNED} AS pinned`;

/** The record `id` (bookkeeping is never returned). */
export function selectById(id: string): Sql {
  return {
    text: `SELECT ${READ_COLUMNS} FROM ${H} r WHERE r.id = $1 AND r.target IS NULL`,
    values: [id],
  };
}

/** The newest pin or unpin of `service`. */
export function selectNewestPin(service: HistoryTarget): Sql {
  return { text: NEWEST_PIN, values: [service.project, service.stage, service.service] };
}

/** One page of a query, newest first, below the sequence number `before` when given. */
export function selectPage(query: HistoryQuery, pageSize: number, before?: string): Sql {
  const values: unknown[] = [];
  const where = ['r.target IS NULL', `r.${READABLE}`];
  const equal = (column: string, value: unknown) => {
    values.push(value);
    where.push(`r.${column} = $${values.length}`);
  };
  if (query.project !== undefined) equal('project', query.project);
  if (query.stage !== undefined) equal('stage', query.stage);
  if (query.service !== undefined) equal('service', query.service);
  if (query.kind !== undefined) equal('kind', query.kind);
  if (query.results !== undefined) {
    values.push(query.results);
    where.push(`r.result = ANY($${values.length}::text[])`);
  }
  const since = query.since === undefined ? Number.NaN : Date.parse(query.since);
  if (!Number.isNaN(since)) {
    // A time no date parser reads is stored as NULL and left to matchesQuery, as the file store has it.
    values.push(new Date(since).toISOString());
    where.push(`(r.at >= $${values.length} OR r.at IS NULL)`);
  }
  if (query.includeInvalidated !== true) where.push(`NOT ${INVALIDATED}`);
  if (before !== undefined) {
    values.push(before);
    where.push(`r.seq < $${values.length}`);
  }
  values.push(pageSize);
  return {
    text: `SELECT ${READ_COLUMNS} FROM ${H} r WHERE ${where.join(' AND ')} ORDER BY r.seq DESC LIMIT $${values.length}`,
    values,
  };
}

/** Every row after `after`, oldest first, bookkeeping included: export. */
export function selectEntries(after: string, pageSize: number): Sql {
  return {
    text: `SELECT r.seq, r.record::text AS body FROM ${H} r WHERE r.seq > $1 ORDER BY r.seq LIMIT $2`,
    values: [after, pageSize],
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

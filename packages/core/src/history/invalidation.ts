/**
 * Invalidation without rewriting: `history invalidate` appends an `invalidation` record naming
 * its target, and readers apply it. The history stays append-only, so no write can destroy an
 * earlier record, and the audit trail (who invalidated what, when, why) is kept.
 */

import type { HistoryQuery, HistoryRecord } from './history-store.js';

/** The bookkeeping record `invalidate` appends; stores never return it from `query` or `get`. */
export interface InvalidationRecord extends HistoryRecord {
  readonly schemaVersion: 1;
  readonly kind: 'invalidation';
  /** The id of the invalidated record. */
  readonly target: string;
  /** ISO timestamp. */
  readonly at: string;
  readonly reason: string | null;
}

/**
 * The invalidation of `target`. It copies the target's project, stage and service so the line
 * can be found with grep or jq beside the records of that service.
 */
export function createInvalidation(
  id: string,
  target: HistoryRecord,
  at: Date,
  reason: string | undefined,
): InvalidationRecord {
  return {
    schemaVersion: 1,
    kind: 'invalidation',
    id,
    target: target.id,
    ...(target.project === undefined ? {} : { project: target.project }),
    ...(target.stage === undefined ? {} : { stage: target.stage }),
    ...(target.service === undefined ? {} : { service: target.service }),
    at: at.toISOString(),
    reason: reason ?? null,
  };
}

/** True for an invalidation record. */
export function isInvalidation(record: HistoryRecord): record is InvalidationRecord {
  return record.kind === 'invalidation' && typeof (record as { target?: unknown }).target === 'string';
}

/** The record as readers see it: marked `invalidated: true` when an invalidation names it. */
export function markInvalidated(record: HistoryRecord, invalidated: ReadonlySet<string>): HistoryRecord {
  return invalidated.has(record.id) && record.invalidated !== true
    ? { ...record, invalidated: true }
    : record;
}

/** True when the record belongs to the query's project, stage, service and kind. */
export function matchesQuery(record: HistoryRecord, query: HistoryQuery): boolean {
  return (
    record.project === query.project &&
    record.stage === query.stage &&
    record.service === query.service &&
    (query.kind === undefined || record.kind === query.kind)
  );
}

/**
 * The answer to `query` from the matching records in append order: newest first, invalidations
 * applied, invalidated ones left out unless asked for, then cut to `limit`.
 */
export function selectNewest(
  inAppendOrder: readonly HistoryRecord[],
  invalidated: ReadonlySet<string>,
  query: HistoryQuery,
): HistoryRecord[] {
  const newestFirst = inAppendOrder
    .toReversed()
    .map((record) => markInvalidated(record, invalidated))
    .filter((record) => query.includeInvalidated === true || record.invalidated !== true);
  return query.limit === undefined ? newestFirst : newestFirst.slice(0, Math.max(0, query.limit));
}
